// Bad input and hostile conditions through the real binary: URLs of the
// wrong form, servers that never answer. Each case gets one line naming what
// is wrong and how to fix it, a documented exit code, and no change anywhere.
#include <gmock/gmock.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "environment.h"
#include "strata/migrator.h"
#include "strata_cli.h"

namespace strata::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Clock = std::chrono::steady_clock;

// `strata ARGS` run from `dir` (a shell `cd` first), settings from `env`.
CommandResult StrataIn(const std::string& dir, const std::vector<std::string>& args,
                       const std::vector<std::string>& env) {
  std::string command = "cd \"$STRATA_TEST_CWD\" && exec \"$0\"";
  for (std::size_t i = 0; i < args.size(); ++i) command += " \"${" + std::to_string(i + 1) + "}\"";
  std::vector<std::string> argv = {"/bin/sh", "-c", command, STRATA_CLI};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<std::string> all_env = env;
  all_env.push_back("STRATA_TEST_CWD=" + dir);
  all_env.insert(all_env.begin(), {"STRATA_STORAGE=", "STRATA_DATABASE_URL=",
                                   "STRATA_CONNECT_TIMEOUT=", "STRATA_MIGRATIONS_DIR="});
  return RunCommand(argv, std::chrono::seconds(60), all_env);
}

std::vector<std::string> Entries(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  return names;
}

class ScratchDirTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = TestEnvironment::Get().MakeGuardedDirectory("hostile-"); }
  void TearDown() override { RemoveTree(dir_); }
  // What the command left in the directory, the guard's lock file aside.
  std::vector<std::string> Left() {
    std::vector<std::string> names = Entries(dir_);
    std::erase(names, ".lock");
    return names;
  }
  std::string dir_;
};

using BackendFromUrlTest = ScratchDirTest;

// A conninfo string with the backend left unset is PostgreSQL: it is never
// taken for a SQLite file name (which would carry the password and pass a CI
// job that migrated nothing).
TEST_F(BackendFromUrlTest, AConninfoStringMeansPostgresAndNamesNoFile) {
  const CommandResult run =
      StrataIn(dir_, {"migrate", "up"},
               {"STRATA_DATABASE_URL=host=127.0.0.1 port=1 user=app password=S3cret dbname=ecs"});
  EXPECT_EQ(run.exit_code, 6) << run.output;
  EXPECT_THAT(run.err, HasSubstr("cannot connect to PostgreSQL"));
  EXPECT_THAT(run.output, Not(HasSubstr("S3cret")));
  EXPECT_THAT(Left(), ::testing::IsEmpty());
}

// An explicit backend that contradicts the URL is a usage error, whatever
// the URL's form, and the password is never shown.
TEST_F(BackendFromUrlTest, AnExplicitBackendThatContradictsTheUrlIsAUsageError) {
  const std::vector<std::vector<std::string>> cases = {
      {"--storage", "sqlite", "--database-url", "postgresql://app:S3cret@127.0.0.1:1/ecs"},
      {"--storage", "sqlite", "--database-url", "host=127.0.0.1 password=S3cret dbname=ecs"},
      {"--storage", "postgres", "--database-url", "ecs.db"},
  };
  for (std::vector<std::string> args : cases) {
    args.insert(args.end(), {"migrate", "up"});
    const CommandResult run = StrataIn(dir_, args, {});
    EXPECT_EQ(run.exit_code, 2) << run.output;
    EXPECT_THAT(run.err, HasSubstr("so that it follows the URL")) << run.err;
    EXPECT_THAT(run.output, Not(HasSubstr("S3cret")));
    EXPECT_EQ(run.err.find('\n'), run.err.size() - 1) << "one line: " << run.err;
  }
  // The same through the environment.
  const CommandResult env_run =
      StrataIn(dir_, {"cluster", "list"},
               {"STRATA_STORAGE=sqlite", "STRATA_DATABASE_URL=postgres://app:S3cret@db/ecs"});
  EXPECT_EQ(env_run.exit_code, 2) << env_run.output;
  EXPECT_THAT(env_run.output, Not(HasSubstr("S3cret")));
  EXPECT_THAT(Left(), ::testing::IsEmpty());
}

using SqliteFileTest = ScratchDirTest;

// Commands that only read never create the database (nor its lock file).
TEST_F(SqliteFileTest, ReadOnlyCommandsOnAMissingFileCreateNothing) {
  const std::vector<std::vector<std::string>> commands = {{"migrate", "status"},
                                                          {"migrate", "validate"},
                                                          {"migrate", "repair"},
                                                          {"cluster", "list"},
                                                          {"task", "list", "--cluster", "prod"}};
  for (const std::vector<std::string>& args : commands) {
    const CommandResult run = StrataIn(dir_, args, {"STRATA_DATABASE_URL=ecs.db"});
    EXPECT_EQ(run.exit_code, 6) << run.output;
    EXPECT_THAT(run.err, HasSubstr("no SQLite database at 'ecs.db': run 'strata migrate up'"));
    EXPECT_EQ(run.err.find('\n'), run.err.size() - 1) << "one line: " << run.err;
  }
  EXPECT_THAT(Left(), ::testing::IsEmpty());
  EXPECT_EQ(StrataIn(dir_, {"migrate", "up"}, {"STRATA_DATABASE_URL=ecs.db"}).exit_code, 0)
      << "migrating creates it";
}

// Every byte a file name may hold reaches SQLite as it was given: the
// characters a file: URI or SOCI's connect string would read as syntax are
// encoded on the way.
TEST_F(SqliteFileTest, PathsWithUriAndQuoteCharactersOpenTheFileTheyName) {
  const std::string name = "./we\"ird=na?me#100% x.db";
  const std::vector<std::string> env = {"STRATA_DATABASE_URL=" + name};
  ASSERT_EQ(StrataIn(dir_, {"migrate", "up"}, env).exit_code, 0);
  EXPECT_EQ(StrataIn(dir_, {"cluster", "create", "prod"}, env).exit_code, 0);
  const CommandResult list = StrataIn(dir_, {"cluster", "list"}, env);
  EXPECT_EQ(list.exit_code, 0) << list.output;
  EXPECT_THAT(list.out, HasSubstr("prod"));
  EXPECT_THAT(Left(), ::testing::Contains(name.substr(2)));
}

// A database this user may only read (the file and its directory belong to
// someone else): reads work, writes say why they cannot, nothing changes.
// As root the command runs as nobody (root may write anything); otherwise
// the file and directory are made read-only.
TEST_F(SqliteFileTest, ADatabaseTheUserMayOnlyReadServesReads) {
  const std::vector<std::string> env = {"STRATA_DATABASE_URL=ecs.db"};
  ASSERT_EQ(StrataIn(dir_, {"migrate", "up"}, env).exit_code, 0);
  ASSERT_EQ(StrataIn(dir_, {"cluster", "create", "prod"}, env).exit_code, 0);
  ASSERT_EQ(StrataIn(dir_, {"cluster", "create", "dev"}, env).exit_code, 0);
  const std::vector<std::string> before = Left();
  const bool root = geteuid() == 0;
  chmod(dir_.c_str(), root ? 0755 : 0555);
  chmod((dir_ + "/ecs.db").c_str(), 0444);
  const auto as_reader = [&](std::vector<std::string> args) {
    if (root) {
      args.insert(args.begin(), {"--reuid=nobody", "--regid=nogroup", "--clear-groups"});
      std::vector<std::string> argv = {"/usr/bin/setpriv"};
      argv.insert(argv.end(), args.begin(), args.end());
      argv.insert(argv.begin() + 4, STRATA_CLI);
      std::string command = "cd \"$STRATA_TEST_CWD\" && exec \"$@\"";
      argv.insert(argv.begin(), {"/bin/sh", "-c", command, "sh"});
      return RunCommand(argv, std::chrono::seconds(60),
                        {"STRATA_TEST_CWD=" + dir_, "STRATA_STORAGE=", env[0]});
    }
    return StrataIn(dir_, args, env);
  };
  const CommandResult list =
      as_reader({"--output", "json", "cluster", "list", "--limit", "1", "--all"});
  EXPECT_EQ(list.exit_code, 0) << list.output;
  EXPECT_THAT(list.out, HasSubstr("\"prod\""));
  EXPECT_THAT(list.out, HasSubstr("\"dev\""));
  const CommandResult status = as_reader({"migrate", "status"});
  EXPECT_EQ(status.exit_code, 0) << status.output;
  const CommandResult write = as_reader({"cluster", "create", "x"});
  EXPECT_EQ(write.exit_code, 1) << write.output;
  EXPECT_THAT(write.err, HasSubstr("read-only"));
  chmod(dir_.c_str(), 0700);
  EXPECT_EQ(Left(), before) << "no -wal, -shm or other file was created";
  const CommandResult after = StrataIn(dir_, {"cluster", "list"}, env);
  EXPECT_THAT(after.out, Not(HasSubstr(" x "))) << after.out;
}

// A listener that accepts TCP and never answers: exit 6 within the connect
// timeout (10 s by default), naming the host and the fix.
class SilentListenerTest : public ScratchDirTest {
 protected:
  void SetUp() override {
    ScratchDirTest::SetUp();
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd_, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    ASSERT_EQ(listen(fd_, 16), 0);  // the kernel completes handshakes; nobody reads
    socklen_t length = sizeof address;
    ASSERT_EQ(getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length), 0);
    port_ = ntohs(address.sin_port);
  }
  void TearDown() override {
    close(fd_);
    ScratchDirTest::TearDown();
  }
  // Runs `args` against the listener; the run and how long it took.
  std::pair<CommandResult, double> Run(std::vector<std::string> args,
                                       std::vector<std::string> env = {}) {
    env.push_back("STRATA_DATABASE_URL=postgresql://app:S3cret@127.0.0.1:" + std::to_string(port_) +
                  "/ecs");
    const auto start = Clock::now();
    CommandResult run = StrataIn(dir_, args, env);
    return {run, std::chrono::duration<double>(Clock::now() - start).count()};
  }
  int fd_ = -1;
  int port_ = 0;
};

TEST_F(SilentListenerTest, TheDefaultTimeoutEndsTheWaitInTenSeconds) {
  const auto [run, seconds] = Run({"cluster", "list"});
  EXPECT_EQ(run.exit_code, 6) << run.output;
  EXPECT_GE(seconds, 9.5);
  EXPECT_LT(seconds, 16.0) << "one attempt, not one per host or database";
  EXPECT_THAT(run.err, HasSubstr("127.0.0.1"));
  EXPECT_THAT(run.err, HasSubstr("timeout expired after 10 s"));
  EXPECT_THAT(run.err, HasSubstr("--connect-timeout"));
  EXPECT_THAT(run.output, Not(HasSubstr("S3cret")));
}

TEST_F(SilentListenerTest, TheFlagAndTheVariableSetTheTimeout) {
  const auto [flag_run, flag_seconds] = Run({"--connect-timeout", "2", "migrate", "up"});
  EXPECT_EQ(flag_run.exit_code, 6) << flag_run.output;
  EXPECT_THAT(flag_run.err, HasSubstr("after 2 s"));
  EXPECT_LT(flag_seconds, 6.0) << "migrate up does not try the maintenance database too";
  const auto [env_run, env_seconds] = Run({"migrate", "status"}, {"STRATA_CONNECT_TIMEOUT=3"});
  EXPECT_EQ(env_run.exit_code, 6) << env_run.output;
  EXPECT_THAT(env_run.err, HasSubstr("after 3 s"));
  EXPECT_LT(env_seconds, 7.0);
  const auto [bad, bad_seconds] = Run({"--connect-timeout", "0", "cluster", "list"});
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_THAT(bad.err, HasSubstr("--connect-timeout must be a whole number from 2 to 3600"));
}

// Values that look plausible but no ECS field holds, on a migrated database
// of each backend: exit 2, one line naming the field and the accepted
// values, nothing stored.
class BadValueCliTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (HasFatalFailure()) return;
    Migrator::Open(options())->Up();
  }
  CommandResult Strata(std::vector<std::string> args) {
    return RunStrata(std::move(args), {"STRATA_STORAGE=" + std::string(BackendName(backend())),
                                       "STRATA_DATABASE_URL=" + options().url});
  }
  void ExpectUsage(const std::vector<std::string>& args, const std::string& text) {
    const std::int64_t before = Rows();
    const CommandResult run = Strata(args);
    EXPECT_EQ(run.exit_code, 2) << ::testing::PrintToString(args) << "\n" << run.output;
    EXPECT_THAT(run.err, HasSubstr(text)) << ::testing::PrintToString(args);
    EXPECT_EQ(run.err.find('\n'), run.err.size() - 1) << "one line: " << run.err;
    EXPECT_EQ(Rows(), before) << ::testing::PrintToString(args);
  }
  std::int64_t Rows() {
    return db().QueryInt(
        "SELECT (SELECT count(*) FROM clusters) + (SELECT count(*) FROM services) + "
        "(SELECT count(*) FROM tasks) + (SELECT coalesce(sum(version), 0) FROM clusters)");
  }
};

TEST_P(BadValueCliTest, InvalidUtf8IsRefusedOnBothBackends) {
  ExpectUsage({"cluster", "create",
               "a\xff"
               "b"},
              "cluster name is not valid UTF-8 (byte 2)");
  ASSERT_EQ(Strata({"cluster", "create", "prod"}).exit_code, 0);
  ExpectUsage({"task", "run", "--cluster", "prod", "--task-definition",
               "arn:aws:ecs:us-east-1:000000000000:task-definition/web:3", "--started-by", "x\xfe"},
              "started_by is not valid UTF-8");
  ExpectUsage({"task", "list", "--cluster", "prod", "--started-by", "x\xfe"}, "not valid UTF-8");
}

TEST_P(BadValueCliTest, LooksValidGarbageIsRefused) {
  ASSERT_EQ(Strata({"cluster", "create", "prod"}).exit_code, 0);
  ExpectUsage({"cluster", "update", "prod", "--status", ""}, "cluster status is not one of");
  ExpectUsage({"cluster", "update", "prod", "--status", "BOGUS"}, "ACTIVE, PROVISIONING");
  for (const char* tags : {"5", "\"hello\"", "true"}) {
    ExpectUsage({"cluster", "update", "prod", "--tags", tags}, "cluster tags must be");
  }
  const std::string definition = "arn:aws:ecs:us-east-1:000000000000:task-definition/web:3";
  ExpectUsage({"service", "create", "--cluster", "prod", "web", "--task-definition", definition,
               "--launch-type", "fargate"},
              "launch_type is not one of EC2, FARGATE, EXTERNAL");
  ExpectUsage({"service", "create", "--cluster", "prod", "web", "--task-definition", "notanarn"},
              "task_definition_arn is not a task-definition ARN");
  ExpectUsage({"task", "list", "--cluster", "prod", "--desired-status", "running"},
              "desired status filter is not one of PENDING, RUNNING, STOPPED");
  ExpectUsage({"service", "list", "--cluster", "prod", "--status", "active"}, "status filter");
}

TEST_P(BadValueCliTest, TablesAlignWideCharacters) {
  ASSERT_EQ(Strata({"cluster", "create", "東京"}).exit_code, 0);
  ASSERT_EQ(Strata({"cluster", "create", "paris"}).exit_code, 0);
  const CommandResult run = Strata({"cluster", "list"});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  // "東京" is 6 bytes and 4 columns: STATUS starts in the same column on every line.
  std::vector<std::size_t> columns;
  std::size_t start = 0;
  for (std::size_t end; (end = run.out.find('\n', start)) != std::string::npos; start = end + 1) {
    const std::string line = run.out.substr(start, end - start);
    const std::size_t status = line.find(line.starts_with("NAME") ? "STATUS" : "ACTIVE");
    const bool wide = line.starts_with("東京");
    columns.push_back(wide ? status - 2 : status);  // 2 bytes more than columns
  }
  ASSERT_EQ(columns.size(), 3u) << run.out;
  EXPECT_EQ(columns[0], columns[1]) << run.out;
  EXPECT_EQ(columns[0], columns[2]) << run.out;
}

STRATA_BACKEND_TEST_SUITE(BadValueCliTest);

// A row that another program (or strata before it checked) stored with
// invalid UTF-8 on SQLite: JSON listings print it with U+FFFD instead of
// aborting, and the row can still be deleted through the CLI.
TEST(StoredInvalidUtf8Test, JsonListingsReplaceTheBadBytesInsteadOfAborting) {
  if (!BackendSelected(Backend::kSqlite)) GTEST_SKIP() << "STRATA_TEST_BACKENDS excludes sqlite";
  const StoreOptions options = TestEnvironment::Get().Options(Backend::kSqlite);
  TestEnvironment::Get().Reset(Backend::kSqlite);
  Migrator::Open(options)->Up();
  const std::vector<std::string> env = {"STRATA_DATABASE_URL=" + options.url};
  ASSERT_EQ(RunStrata({"cluster", "create", "ab"}, env).exit_code, 0);
  TestEnvironment::Get()
      .Database(Backend::kSqlite)
      .Exec("UPDATE clusters SET name = CAST(X'61FF62' AS TEXT)");
  const CommandResult run = RunStrata({"--output", "json", "cluster", "list"}, env);
  EXPECT_EQ(run.exit_code, 0) << run.output;
  const nlohmann::json doc = nlohmann::json::parse(run.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << run.out;
  EXPECT_EQ(doc["items"][0]["name"],
            "a\xef\xbf\xbd"
            "b");
  const std::string arn = doc["items"][0]["arn"];
  EXPECT_EQ(RunStrata({"cluster", "delete", arn}, env).exit_code, 0);
}

}  // namespace
}  // namespace strata::testing
