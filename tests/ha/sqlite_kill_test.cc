// SQLite's fault: the writing process SIGKILLed mid-transaction, then the
// database reopened. A child process writes (single creates, and batches of
// 50 in one transaction, so that most kills land inside one) and reports on
// a pipe each write the store returned; the parent kills it at a random
// moment, reopens the file and checks that every reported write is there and
// the file is intact.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <set>
#include <string>

#include "process.h"
#include "strata/error.h"
#include "strata/store.h"

namespace strata::testing {
namespace {

Task NewTask() {
  Task t;
  t.cluster_arn = "ha";
  t.task_definition_arn = "arn:aws:ecs:us-east-1:000000000000:task-definition/web:1";
  t.containers = R"([{"name":"app","image":"nginx"}])";
  return t;
}

// The child: writes until killed, one line per committed task ARN.
[[noreturn]] void WriteUntilKilled(const std::string& path, int out) {
  try {
    StoreOptions options;
    options.url = path;
    std::unique_ptr<Store> store = Store::Open(options);
    for (int round = 0;; ++round) {
      std::string report;
      if (round % 4 == 3) {
        for (const Task& t : store->tasks().CreateMany(std::vector<Task>(50, NewTask()))) {
          report += t.arn + "\n";
        }
      } else {
        report = store->tasks().Create(NewTask()).arn + "\n";
      }
      for (std::size_t at = 0; at < report.size();) {
        const ssize_t n = write(out, report.data() + at, report.size() - at);
        if (n <= 0) _exit(3);
        at += static_cast<std::size_t>(n);
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "writer: %s\n", e.what());
    _exit(2);
  }
}

std::string IntegrityCheck(const std::string& path) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, nullptr);
  std::string result = sqlite3_step(st) == SQLITE_ROW
                           ? reinterpret_cast<const char*>(sqlite3_column_text(st, 0))
                           : sqlite3_errmsg(db);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return result;
}

TEST(SqliteKillTest, EveryWriteReportedCommittedSurvivesAKillMidTransaction) {
  const std::string dir =
      std::filesystem::temp_directory_path() / ("strata-ha-sqlite-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  struct Remove {
    std::string dir;
    ~Remove() { std::filesystem::remove_all(dir); }
  } remove{dir};
  const std::string path = dir + "/strata.db";
  {
    StoreOptions options;
    options.url = path;
    options.auto_migrate = true;
    Cluster cluster;
    cluster.name = "ha";
    Store::Open(options)->clusters().Create(cluster);
  }
  std::mt19937 rng(std::random_device{}());
  std::int64_t committed = 0;
  constexpr int kKills = 5;
  for (int kill_round = 0; kill_round < kKills; ++kill_round) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      close(fds[0]);
      WriteUntilKilled(path, fds[1]);
    }
    close(fds[1]);
    // Once it writes (the store is open), kill it within 0.1-1 s.
    std::string reported;
    char buffer[65536];
    const ssize_t first = read(fds[0], buffer, sizeof buffer);
    if (first > 0) reported.append(buffer, static_cast<std::size_t>(first));
    std::this_thread::sleep_for(std::chrono::milliseconds(100 + rng() % 900));
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the writer ended before it was killed: " << status;
    for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) > 0;)
      reported.append(buffer, static_cast<std::size_t>(n));
    close(fds[0]);
    // A partial last line was being written when the kill came: its write
    // committed, but counting it needs the whole ARN.
    reported.erase(reported.rfind('\n') + 1);
    StoreOptions options;
    options.url = path;
    std::unique_ptr<Store> store = Store::Open(options);
    std::set<std::string> arns;
    for (std::size_t at = 0, end; (end = reported.find('\n', at)) != std::string::npos;
         at = end + 1) {
      arns.insert(reported.substr(at, end - at));
    }
    ASSERT_FALSE(arns.empty()) << "the writer committed nothing before the kill";
    std::int64_t lost = 0;
    for (const std::string& arn : arns) {
      if (!store->tasks().Find("ha", arn)) ++lost;
    }
    EXPECT_EQ(lost, 0) << "of " << arns.size() << " committed";
    committed += static_cast<std::int64_t>(arns.size());
    EXPECT_EQ(IntegrityCheck(path), "ok");
  }
  std::printf(
      "strata-ha: sqlite writer killed %d times mid-run: committed %lld lost 0 (a kill "
      "ends the one write in flight, whose outcome the killed process never learns)\n",
      kKills, static_cast<long long>(committed));
}

}  // namespace
}  // namespace strata::testing
