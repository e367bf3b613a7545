// `strata manage` through the real binary, on real SQLite and PostgreSQL:
// probes, the database created, concurrent sidecars, the ConfigMap swap,
// the poll, a server that goes away, a lock held elsewhere, SIGTERM and
// SIGKILL during a migration.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <libpq-fe.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "cleanup_guard.h"
#include "manage_fixture.h"
#include "shipped_migrations.h"

namespace strata::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::HasSubstr;
using json = nlohmann::json;

TEST_P(ManageTest, AppliesTheSetAndAnswersEveryEndpoint) {
  auto sidecar = Start({});
  ASSERT_TRUE(sidecar->WaitForStatus("/readiness", 200, seconds(30))) << sidecar->Log();
  EXPECT_EQ(LedgerCount(), kShippedVersion);

  EXPECT_EQ(HttpGet(sidecar->port(), "/liveness").status, 200);
  const HttpReply head = HttpRequest(sidecar->port(), "HEAD", "/readiness");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
  EXPECT_THAT(head.headers, HasSubstr("Content-Length: 6"));  // "ready\n", as GET says
  EXPECT_EQ(HttpRequest(sidecar->port(), "POST", "/readiness").status, 405);
  EXPECT_EQ(HttpGet(sidecar->port(), "/nothing").status, 404);

  const json status = Status(*sidecar);
  EXPECT_EQ(status["backend"], BackendName(backend()));
  EXPECT_EQ(status["current_version"], kShippedVersion);
  EXPECT_EQ(status["pending"], 0);
  EXPECT_EQ(status["migrations"].size(), static_cast<std::size_t>(kShippedVersion));
  EXPECT_EQ(status["migrations"][0]["state"], "applied");
  EXPECT_EQ(status["ready"], true);
  EXPECT_EQ(status["lock_holder"], nullptr);
  EXPECT_EQ(status["set_hash"].get<std::string>().size(), 64u);
  EXPECT_EQ(status["reloads"]["startup"], 1);

  EXPECT_EQ(Metric(*sidecar, "strata_ready"), 1);
  EXPECT_EQ(Metric(*sidecar, "strata_database_up"), 1);
  EXPECT_EQ(Metric(*sidecar, "strata_migrations_applied"), kShippedVersion);
  EXPECT_EQ(Metric(*sidecar, "strata_migrations_pending"), 0);
  EXPECT_EQ(Metric(*sidecar, "strata_migrations_applied_total"), kShippedVersion);
  EXPECT_GT(Metric(*sidecar, "strata_migration_last_success_timestamp_seconds"), 1.7e9);
  EXPECT_THAT(HttpGet(sidecar->port(), "/metrics").body,
              HasSubstr("strata_migration_set_reloads_total{cause=\"startup\"} 1\n"));

  sidecar->Signal(SIGTERM);
  EXPECT_EQ(sidecar->WaitForExit(seconds(5)), 0) << sidecar->Log();
  EXPECT_THAT(sidecar->Log(), HasSubstr("received SIGTERM"));
}

TEST_P(ManageTest, CreatesAMissingDatabaseAndTwoSidecarsApplyEachMigrationOnce) {
  std::string url = options().url;
  std::string database;
  if (postgres()) {
    const PostgresServerInfo& info = TestEnvironment::Get().postgres()->info();
    database = "strata_manage_" + std::to_string(getpid());
    DropDatabase(info.admin_conninfo, database);
    url = info.admin_conninfo + " dbname=" + database;
  } else {
    url = root() + "/data/state.db";  // neither the file nor its directory exists
  }
  auto first = Start({"--create-dirs"}, url);
  auto second = Start({"--create-dirs"}, url);
  ASSERT_TRUE(first->WaitForStatus("/readiness", 200, seconds(30))) << first->Log();
  ASSERT_TRUE(second->WaitForStatus("/readiness", 200, seconds(30))) << second->Log();
  // One "applied N name" line per migration, across both.
  EXPECT_EQ(first->CountInLog("migrate: applied ") + second->CountInLog("migrate: applied "),
            kShippedVersion)
      << first->Log() << second->Log();
  auto raw = TestDatabase::Open(backend(), url);
  EXPECT_EQ(raw->QueryInt("SELECT count(*) FROM strata_schema_migrations"), kShippedVersion);
  EXPECT_EQ(raw->QueryInt("SELECT count(DISTINCT version) FROM strata_schema_migrations"),
            kShippedVersion);
  if (postgres()) {
    EXPECT_EQ(first->CountInLog("created database") + second->CountInLog("created database"), 1);
  }
  raw.reset();
  first->Signal(SIGTERM);
  second->Signal(SIGTERM);
  EXPECT_EQ(first->WaitForExit(seconds(5)), 0);
  EXPECT_EQ(second->WaitForExit(seconds(5)), 0);
  if (postgres()) DropDatabase(TestEnvironment::Get().postgres()->info().admin_conninfo, database);
}

// Tests that apply to one backend only.
class SqliteManageTest : public ManageTest {};
class PostgresManageTest : public ManageTest {};

TEST_P(SqliteManageTest, DirectoryIsCreatedOnlyWhenAsked) {
  const std::string url = root() + "/missing/state.db";
  auto sidecar = Start({}, url);
  ASSERT_TRUE(sidecar->WaitForLog("--create-dirs", seconds(10))) << sidecar->Log();
  EXPECT_EQ(HttpGet(sidecar->port(), "/readiness").status, 503);
  EXPECT_EQ(HttpGet(sidecar->port(), "/liveness").status, 200);
  EXPECT_THAT(Status(*sidecar)["last_error"].get<std::string>(), HasSubstr("does not exist"));
  EXPECT_FALSE(fs::exists(root() + "/missing"));
}

// What kubelet's atomic writer does to a ConfigMap volume, step by step:
// the new version in a hidden timestamped directory, a `..data_tmp` symlink
// to it renamed over `..data`, then the old version removed. The visible
// names are symlinks through `..data`, made once.
class ConfigMapVolume {
 public:
  explicit ConfigMapVolume(std::string root) : root_(std::move(root)) {}

  void Publish(const std::string& source_root) {
    const std::string version = "..2026_12_07_01_00_00." + std::to_string(++versions_);
    fs::copy(source_root, root_ + "/" + version, fs::copy_options::recursive);
    fs::create_symlink(version, root_ + "/..data_tmp");
    fs::rename(root_ + "/..data_tmp", root_ + "/..data");
    for (const char* set : {"sqlite", "postgres"}) {
      if (!fs::is_symlink(root_ + "/" + set)) {
        fs::create_symlink(std::string("..data/") + set, root_ + "/" + set);
      }
    }
    if (!current_.empty()) fs::remove_all(root_ + "/" + current_);
    current_ = version;
  }

 private:
  std::string root_;
  std::string current_;
  int versions_ = 0;
};

TEST_P(ManageTest, KubeletSwapOfAConfigMapTriggersExactlyOneReapply) {
  // The set as the volume's source: the repository's copy beside the volume.
  const std::string source = root() + "/source";
  const std::string volume = root() + "/volume";
  fs::create_directories(source);
  fs::create_directories(volume);
  for (const char* set : {"sqlite", "postgres"}) fs::copy(root() + "/" + set, source + "/" + set);
  ConfigMapVolume configmap(volume);
  configmap.Publish(source);

  std::vector<std::string> args = Args({"--watch", "--poll-interval", "1d"});
  args[3] = volume;  // --migrations-dir
  auto sidecar =
      std::make_unique<SidecarProcess>(args, std::vector<std::string>{}, root() + "/swap.log");
  ASSERT_TRUE(sidecar->WaitForStatus("/readiness", 200, seconds(30))) << sidecar->Log();
  EXPECT_EQ(Status(*sidecar)["set_directory"].get<std::string>().find("/volume/..2026"),
            volume.size() - 7)
      << "the set is read through ..data";

  std::ofstream(source + "/" + std::string(BackendName(backend())) + "/" + NextFile("add_note"))
      << "CREATE TABLE swap_note (x INTEGER);\n";
  configmap.Publish(source);
  ASSERT_TRUE(sidecar->WaitForLog("migrate: applied " + NextId("add_note"), seconds(10)))
      << sidecar->Log();
  // Every event of the swap has arrived and been debounced by now.
  std::this_thread::sleep_for(milliseconds(1500));
  EXPECT_EQ(sidecar->CountInLog("read at watch"), 1) << sidecar->Log();
  EXPECT_EQ(sidecar->CountInLog("migrate: applied " + NextId("add_note")), 1);
  EXPECT_THAT(HttpGet(sidecar->port(), "/metrics").body,
              HasSubstr("strata_migration_set_reloads_total{cause=\"watch\"} 1\n"));
  EXPECT_EQ(LedgerCount(), kShippedVersion + 1);
  EXPECT_TRUE(HasTable("swap_note"));
  EXPECT_EQ(HttpGet(sidecar->port(), "/readiness").status, 200);
}

TEST_P(ManageTest, PlainDirectoryIsWatched) {
  auto sidecar = Start({"--watch", "--poll-interval", "1d"});
  ASSERT_TRUE(sidecar->WaitForStatus("/readiness", 200, seconds(30))) << sidecar->Log();
  Write(NextFile("add_note"), "CREATE TABLE plain_note (x INTEGER);\n");
  ASSERT_TRUE(sidecar->WaitForLog("migrate: applied " + NextId("add_note"), seconds(10)))
      << sidecar->Log();
  EXPECT_EQ(sidecar->CountInLog("read at watch"), 1);
  EXPECT_TRUE(HasTable("plain_note"));
}

TEST_P(ManageTest, PollPicksUpAChangeNoWatchSaw) {
  auto sidecar = Start({"--poll-interval", "1"});
  ASSERT_TRUE(sidecar->WaitForStatus("/readiness", 200, seconds(30))) << sidecar->Log();
  Write(NextFile("add_note"), "CREATE TABLE polled_note (x INTEGER);\n");
  ASSERT_TRUE(sidecar->WaitForLog("migrate: applied " + NextId("add_note"), seconds(10)))
      << sidecar->Log();
  EXPECT_EQ(sidecar->CountInLog("read at poll"), 1);
  EXPECT_EQ(sidecar->CountInLog("read at watch"), 0);
  EXPECT_TRUE(HasTable("polled_note"));
}

TEST_P(ManageTest, FailingMigrationIsRetriedAndAFixedSetApplied) {
  Write(NextFile("broken"), "CREATE TABLE broken_one (x INTEGER);\nSELECT * FROM no_such_table;\n");
  auto sidecar = Start({"--watch", "--poll-interval", "1d"});
  ASSERT_TRUE(sidecar->WaitForLog("failure 2;", seconds(15))) << sidecar->Log();
  EXPECT_EQ(HttpGet(sidecar->port(), "/readiness").status, 503);
  EXPECT_EQ(HttpGet(sidecar->port(), "/liveness").status, 200);
  const json status = Status(*sidecar);
  EXPECT_THAT(status["last_error"].get<std::string>(), HasSubstr("no_such_table"));
  EXPECT_EQ(status["current_version"], kShippedVersion);
  EXPECT_GE(Metric(*sidecar, "strata_migration_failures_total"), 2);
  EXPECT_FALSE(HasTable("broken_one"));  // each try rolled back

  Write(NextFile("broken"), "CREATE TABLE broken_one (x INTEGER);\n");
  ASSERT_TRUE(sidecar->WaitForLog("migrate: applied " + NextId("broken"), seconds(10)))
      << sidecar->Log();
  EXPECT_TRUE(sidecar->WaitForStatus("/readiness", 200, seconds(5)));
}

TEST_P(ManageTest, EditedMigrationWaitsForTheSetToChange) {
  auto sidecar = Start({"--watch", "--poll-interval", "1d"});
  ASSERT_TRUE(sidecar->WaitForStatus("/readiness", 200, seconds(30))) << sidecar->Log();
  const std::string first = dir() + "/0004_create_settings.up.sql";
  const std::string original = ReadFile(first).value();
  std::ofstream(first) << original << "\n-- edited after it was applied\n";
  ASSERT_TRUE(sidecar->WaitForStatus("/readiness", 503, seconds(10))) << sidecar->Log();
  EXPECT_THAT(HttpGet(sidecar->port(), "/readiness").body, HasSubstr("edited"));
  std::ofstream(first) << original;
  EXPECT_TRUE(sidecar->WaitForStatus("/readiness", 200, seconds(10))) << sidecar->Log();
  EXPECT_EQ(Metric(*sidecar, "strata_migration_failures_total"), 0);
}

TEST_P(ManageTest, SigtermDuringASlowMigrationRollsBackAndExitsZero) {
  Write(NextFile("slow"), SlowMigration(30));
  auto sidecar = Start({"--log-level", "debug"});
  ASSERT_TRUE(sidecar->WaitForLog("applying " + NextId("slow"), seconds(30))) << sidecar->Log();
  std::this_thread::sleep_for(milliseconds(300));  // inside the slow statement
  const auto start = std::chrono::steady_clock::now();
  sidecar->Signal(SIGTERM);
  // Answered at once, and never 200 again: 503 while it rolls back.
  const HttpReply probe = HttpGet(sidecar->port(), "/readiness");
  EXPECT_TRUE(probe.status == 503 || probe.status == 0) << probe.status;
  ASSERT_EQ(sidecar->WaitForExit(seconds(5)), 0) << sidecar->Log();
  EXPECT_LT(std::chrono::steady_clock::now() - start, seconds(5));
  EXPECT_THAT(sidecar->Log(), HasSubstr("stopped"));
  EXPECT_EQ(LedgerCount(), kShippedVersion);
  EXPECT_FALSE(HasTable("slow_marker"));
}

TEST_P(ManageTest, SigkillDuringASlowMigrationThenRestartAppliesItOnce) {
  Write(NextFile("slow"), SlowMigration(2));
  auto killed = Start({"--log-level", "debug"});
  ASSERT_TRUE(killed->WaitForLog("applying " + NextId("slow"), seconds(30))) << killed->Log();
  killed->Signal(SIGKILL);
  ASSERT_EQ(killed->WaitForExit(seconds(5)), -SIGKILL);
  EXPECT_EQ(LedgerCount(), kShippedVersion);

  auto restarted = Start({});
  ASSERT_TRUE(restarted->WaitForStatus("/readiness", 200, seconds(60))) << restarted->Log();
  EXPECT_EQ(LedgerCount(), kShippedVersion + 1);
  EXPECT_EQ(restarted->CountInLog("migrate: applied " + NextId("slow")), 1);
  EXPECT_TRUE(HasTable("slow_marker"));
}

TEST_P(PostgresManageTest, ReadinessFollowsTheServerWithoutARestart) {
  auto sidecar = Start({});
  ASSERT_TRUE(sidecar->WaitForStatus("/readiness", 200, seconds(30))) << sidecar->Log();
  PostgresServer& server = *TestEnvironment::Get().mutable_postgres();
  server.Halt();
  const auto halted = std::chrono::steady_clock::now();
  const bool went_down = sidecar->WaitForStatus("/readiness", 503, seconds(10));
  const auto down_after = std::chrono::steady_clock::now() - halted;
  EXPECT_EQ(HttpGet(sidecar->port(), "/liveness").status, 200);
  EXPECT_EQ(Metric(*sidecar, "strata_database_up"), 0);
  server.Resume();
  TestEnvironment::Get().Reconnect(Backend::kPostgres);
  ASSERT_TRUE(went_down) << sidecar->Log();
  EXPECT_LT(down_after, seconds(5));
  EXPECT_TRUE(sidecar->WaitForStatus("/readiness", 200, seconds(15))) << sidecar->Log();
  EXPECT_EQ(Metric(*sidecar, "strata_database_up"), 1);
  EXPECT_TRUE(sidecar->WaitForExit(milliseconds(0)) == std::nullopt) << "still the same process";
}

TEST_P(ManageTest, LockHeldElsewhereIsNamedAndWaitedFor) {
  // Another runner holds the migration lock as strata takes it: PostgreSQL's
  // advisory lock on strata's key, or the flock beside the SQLite file with
  // what a holder writes into it.
  PGconn* session = nullptr;
  int lock_fd = -1;
  std::string holder_text;
  if (postgres()) {
    session = PQconnectdb((options().url + " application_name=lock_holder_test").c_str());
    ASSERT_EQ(PQstatus(session), CONNECTION_OK);
    PQclear(PQexec(session, "SELECT pg_advisory_lock(8319400174550056961)"));
    holder_text = "pid " + std::to_string(PQbackendPID(session));
  } else {
    lock_fd = open((options().url + "-migrate-lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    ASSERT_GE(lock_fd, 0);
    ASSERT_EQ(flock(lock_fd, LOCK_EX), 0);
    holder_text = "pid " + std::to_string(getpid()) + " on lock_holder_test";
    ASSERT_EQ(ftruncate(lock_fd, 0), 0);
    ASSERT_GT(write(lock_fd, holder_text.data(), holder_text.size()), 0);
  }

  auto sidecar = Start({});
  ASSERT_TRUE(sidecar->WaitForLog("lock is held by", seconds(30))) << sidecar->Log();
  EXPECT_EQ(HttpGet(sidecar->port(), "/readiness").status, 503);
  const json status = Status(*sidecar);
  EXPECT_THAT(status["lock_holder"].get<std::string>(), HasSubstr(holder_text));
  if (postgres()) {
    EXPECT_THAT(status["lock_holder"].get<std::string>(), HasSubstr("lock_holder_test"));
  }
  EXPECT_EQ(status["phase"], "waiting_for_lock");
  const std::string reason = HttpGet(sidecar->port(), "/readiness").body;
  EXPECT_THAT(reason, HasSubstr(std::to_string(kShippedVersion) +
                                " pending migrations: 1 create_clusters, 2 create_services, "
                                "3 create_tasks, ...; the migration lock is held by " +
                                holder_text));
  EXPECT_FALSE(HasTable("clusters"));

  if (postgres()) {
    PQclear(PQexec(session, "SELECT pg_advisory_unlock(8319400174550056961)"));
  } else {
    close(lock_fd);
  }
  EXPECT_TRUE(sidecar->WaitForStatus("/readiness", 200, seconds(15))) << sidecar->Log();
  EXPECT_EQ(LedgerCount(), kShippedVersion);
  EXPECT_EQ(Status(*sidecar)["lock_holder"], nullptr);
  if (session != nullptr) PQfinish(session);
}

TEST_P(PostgresManageTest, UnreachableServerIsRetriedWithoutShowingThePassword) {
  auto sidecar = Start({}, "postgresql://app:s3cret-word@127.0.0.1:1/ecs?connect_timeout=2");
  ASSERT_TRUE(sidecar->WaitForLog("database try 3 failed", seconds(20))) << sidecar->Log();
  EXPECT_EQ(HttpGet(sidecar->port(), "/readiness").status, 503);
  EXPECT_EQ(HttpGet(sidecar->port(), "/liveness").status, 200);
  EXPECT_GE(Metric(*sidecar, "strata_database_check_failures_total"), 3);
  const std::string status = HttpGet(sidecar->port(), "/status").body;
  EXPECT_THAT(status, HasSubstr("\"database_up\": false"));
  EXPECT_EQ(sidecar->Log().find("s3cret-word"), std::string::npos) << sidecar->Log();
  EXPECT_EQ(status.find("s3cret-word"), std::string::npos) << status;
  EXPECT_THAT(sidecar->Log(), HasSubstr("app:***@"));
}

// Usage errors: one line naming the flag or variable, exit 2, nothing started.
TEST_P(SqliteManageTest, BadSettingsAreUsageErrors) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"manage", "--health-port", "70000"}, "--health-port must be a TCP port"},
      {{"manage", "--poll-interval", "0"}, "--poll-interval must be a whole number"},
      {{"manage", "--check-interval", "5x"}, "--check-interval must be a whole number"},
      {{"manage", "--watch=maybe"}, "--watch must be true or false"},
      {{"manage", "--health-address", "not-an-ip", "--health-port", "0"},
       "--health-address 'not-an-ip' is not an IP address"},
      {{"manage", "--frobnicate"}, "unrecognised option"},
  };
  for (const auto& [args, message] : cases) {
    std::vector<std::string> argv = {STRATA_CLI, "--database-url", options().url};
    argv.insert(argv.end(), args.begin(), args.end());
    const CommandResult run = RunCommand(argv, seconds(20));
    EXPECT_EQ(run.exit_code, 2) << run.output;
    EXPECT_THAT(run.err, HasSubstr(message));
    EXPECT_EQ(run.err.find('\n'), run.err.size() - 1) << "one line: " << run.err;
  }
  const CommandResult from_env = RunCommand({STRATA_CLI, "--database-url", options().url, "manage"},
                                            seconds(20), {"STRATA_SHUTDOWN_TIMEOUT=forever"});
  EXPECT_EQ(from_env.exit_code, 2);
  EXPECT_THAT(from_env.err, HasSubstr("STRATA_SHUTDOWN_TIMEOUT must be"));

  const CommandResult help = RunCommand({STRATA_CLI, "manage", "--help"}, seconds(20));
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("--poll-interval D"));
}

TEST_P(SqliteManageTest, PortInUseExitsOneNamingIt) {
  auto first = Start({});
  const CommandResult second =
      RunCommand({STRATA_CLI, "--database-url", options().url, "manage", "--health-address",
                  "127.0.0.1", "--health-port", std::to_string(first->port())},
                 seconds(20));
  EXPECT_EQ(second.exit_code, 1) << second.output;
  EXPECT_THAT(second.err, HasSubstr("cannot listen on 127.0.0.1:" + std::to_string(first->port())));
}

std::vector<Backend> OnlyIfSelected(Backend backend) {
  if (BackendSelected(backend)) return {backend};
  return {};
}

STRATA_BACKEND_TEST_SUITE(ManageTest);
INSTANTIATE_TEST_SUITE_P(, SqliteManageTest, ::testing::ValuesIn(OnlyIfSelected(Backend::kSqlite)),
                         BackendParamName);
INSTANTIATE_TEST_SUITE_P(, PostgresManageTest,
                         ::testing::ValuesIn(OnlyIfSelected(Backend::kPostgres)), BackendParamName);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(SqliteManageTest);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(PostgresManageTest);

}  // namespace
}  // namespace strata::testing
