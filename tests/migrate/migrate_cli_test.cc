// `strata migrate` as operators run it: the real binary, several at once,
// killed mid-migration, and its output and exit codes.
#include <gmock/gmock.h>
#include <libpq-fe.h>
#include <signal.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

#include "migration_fixture.h"
#include "strata_cli.h"

namespace strata::testing {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

class MigrateCliTest : public MigrationTest {
 protected:
  std::string SlowStatement() const {
    return postgres() ? "SELECT pg_sleep(60);\n"
                      : "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < "
                        "300000000) SELECT count(*) FROM c;\n";
  }

  // Runs `migrate up` and SIGKILLs it 300 ms after it starts applying `version`.
  CommandResult KillWhileApplying(int version) {
    const std::string marker = "applying " + std::to_string(version) + " ";
    std::atomic<bool> killed = false;
    CommandResult run =
        Strata({"--log-level", "info", "migrate", "up"}, [&](pid_t pid, const std::string& output) {
          if (!killed && output.find(marker) != std::string::npos) {
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            kill(pid, SIGKILL);
            killed = true;
          }
        });
    EXPECT_TRUE(killed) << run.output;
    EXPECT_EQ(run.exit_code, -1) << "killed by a signal: " << run.output;
    return run;
  }
};

TEST_P(MigrateCliTest, EightConcurrentRunnersApplyEachMigrationExactlyOnce) {
  constexpr int kMigrations = 20;
  Write("0001_log.up.sql", "CREATE TABLE applied_log (version INTEGER NOT NULL);\n");
  for (int v = 2; v <= kMigrations; ++v) {
    const std::string n = std::to_string(v);
    char file[64];
    std::snprintf(file, sizeof file, "%04d_t%d.up.sql", v, v);
    // Migration 10 runs outside a transaction: only the lock keeps it single.
    Write(file, std::string(v == 10 ? "-- strata:no-transaction\n" : "") +
                    "INSERT INTO applied_log (version) VALUES (" + n + ");\nCREATE TABLE t" + n +
                    " (id INTEGER);\n");
  }
  constexpr int kRunners = 8;
  std::vector<CommandResult> runs(kRunners);
  std::vector<std::thread> threads;
  for (int i = 0; i < kRunners; ++i) {
    threads.emplace_back([&, i] {
      runs[static_cast<std::size_t>(i)] = Strata({"--output", "json", "migrate", "up"});
    });
  }
  for (std::thread& t : threads) t.join();
  std::multiset<std::int64_t> applied;
  for (const CommandResult& run : runs) {
    ASSERT_EQ(run.exit_code, 0) << run.output;
    const json doc = json::parse(run.out);
    for (const auto& v : doc["applied"]) {
      applied.insert(v.get<std::int64_t>());
    }
  }
  EXPECT_EQ(applied.size(), static_cast<std::size_t>(kMigrations)) << "each applied by one runner";
  EXPECT_EQ(std::set<std::int64_t>(applied.begin(), applied.end()).size(),
            static_cast<std::size_t>(kMigrations));
  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM applied_log"), kMigrations - 1);
  EXPECT_EQ(db().QueryInt("SELECT count(DISTINCT version) FROM applied_log"), kMigrations - 1);
  EXPECT_EQ(LedgerCount(), kMigrations);
  EXPECT_EQ(Tables().size(), static_cast<std::size_t>(kMigrations));
}

TEST_P(MigrateCliTest, SigkillDuringATransactionalMigrationLeavesTheLedgerTrue) {
  Write("0001_a.up.sql", "CREATE TABLE a (id INTEGER);\n");
  Write("0002_b.up.sql", "CREATE TABLE b (id INTEGER);\n" + SlowStatement());
  Write("0003_c.up.sql", "CREATE TABLE c (id INTEGER);\n");
  KillWhileApplying(2);
  EXPECT_EQ(LedgerCount(), 1);
  EXPECT_THAT(Tables(), ::testing::ElementsAre("a"));

  // The killed runner's lock and transaction are gone: the next runner goes on.
  Write("0002_b.up.sql", "CREATE TABLE b (id INTEGER);\n");
  const CommandResult rerun = Strata({"--output", "json", "migrate", "up", "--lock-timeout", "30"});
  ASSERT_EQ(rerun.exit_code, 0) << rerun.output;
  EXPECT_THAT(Tables(), ::testing::ElementsAre("a", "b", "c"));
  EXPECT_EQ(LedgerCount(), 3);
}

TEST_P(MigrateCliTest, SigkillDuringANoTransactionMigrationIsRecordedAndResumable) {
  Write("0001_steps.up.sql", "-- strata:no-transaction\nCREATE TABLE s1 (id INTEGER);\n" +
                                 SlowStatement() + "CREATE TABLE s3 (id INTEGER);\n");
  KillWhileApplying(1);
  EXPECT_THAT(Tables(), ::testing::ElementsAre("s1"));
  const CommandResult status = Strata({"--output", "json", "migrate", "status"});
  ASSERT_EQ(status.exit_code, 0) << status.output;
  const json doc = json::parse(status.output.substr(status.output.find('{')));
  EXPECT_EQ(doc["migrations"][0]["state"], "failed");
  EXPECT_EQ(doc["migrations"][0]["failed_statement"], 2) << "statement 1 ran, 2 did not finish";

  Write("0001_steps.up.sql",
        "-- strata:no-transaction\nCREATE TABLE s1 (id INTEGER);\nSELECT 1;\n"
        "CREATE TABLE s3 (id INTEGER);\n");
  const CommandResult rerun = Strata({"migrate", "up", "--lock-timeout", "30"});
  ASSERT_EQ(rerun.exit_code, 0) << rerun.output;
  EXPECT_THAT(rerun.output, HasSubstr("resuming 1 steps at statement 2"));
  EXPECT_THAT(Tables(), ::testing::ElementsAre("s1", "s3"));
}

TEST_P(MigrateCliTest, StatusUpValidateOutputAndExitCodes) {
  Write("0001_first.up.sql", "CREATE TABLE first (id INTEGER);\n");
  Write("0001_first.down.sql", "DROP TABLE first;\n");
  Write("0002_second.up.sql", "CREATE TABLE second (id INTEGER);\n");

  CommandResult run = Strata({"migrate", "validate"});
  EXPECT_EQ(run.exit_code, 5) << run.output;
  EXPECT_THAT(run.output, HasSubstr("1 first is pending: run 'strata migrate up'"));

  run = Strata({"migrate", "status"});
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("VERSION"));
  EXPECT_THAT(run.output, HasSubstr("current version 0, 2 pending"));

  run = Strata({"--output", "json", "migrate", "up", "--to", "1"});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("strata: applied 1 first in "));
  json doc = json::parse(run.out);  // stdout alone: stderr's progress may come after it
  EXPECT_EQ(doc, json::parse(R"({"applied": [1], "reverted": [], "current_version": 1})"));

  run = Strata({"--output", "json", "migrate", "status"});
  ASSERT_EQ(run.exit_code, 0);
  doc = json::parse(run.output);
  EXPECT_EQ(doc["backend"], std::string(BackendName(backend())));
  EXPECT_EQ(doc["current_version"], 1);
  EXPECT_EQ(doc["pending"], 1);
  EXPECT_EQ(doc["migrations"][0]["state"], "applied");
  EXPECT_EQ(doc["migrations"][0]["checksum"].get<std::string>().size(), 64u);
  EXPECT_TRUE(doc["migrations"][0]["applied_at"].get<std::string>().ends_with("Z"));
  EXPECT_EQ(doc["migrations"][1]["state"], "pending");
  EXPECT_TRUE(doc["migrations"][1]["applied_at"].is_null());

  run = Strata({"migrate", "up"});
  EXPECT_EQ(run.exit_code, 0) << run.output;
  run = Strata({"migrate", "validate"});
  EXPECT_EQ(run.exit_code, 0) << run.output;

  Write("0001_first.up.sql", "CREATE TABLE first (id INTEGER, edited INTEGER);\n");
  run = Strata({"migrate", "validate"});
  EXPECT_EQ(run.exit_code, 5) << run.output;
  EXPECT_THAT(run.output, HasSubstr("was edited after it was applied"));
  run = Strata({"migrate", "status"});
  EXPECT_EQ(run.exit_code, 0) << "status exits 0 whenever it could read the state";
  run = Strata({"migrate", "repair"});
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(Strata({"migrate", "validate"}).exit_code, 0);

  Write("0003_broken.up.sql", "CREATE TABLE x (;\n");
  run = Strata({"migrate", "up"});
  EXPECT_EQ(run.exit_code, 7) << run.output;
  EXPECT_THAT(run.output, HasSubstr("0003_broken.up.sql:1"));
  Remove("0003_broken.up.sql");

  run = Strata({"--output", "json", "migrate", "down", "--to", "0"});
  EXPECT_EQ(run.exit_code, 5) << "second has no down file: " << run.output;
  EXPECT_THAT(run.output, HasSubstr("0002_second.down.sql"));
  Write("0002_second.down.sql", "DROP TABLE second;\n");
  run = Strata({"--output", "json", "migrate", "reset"});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  doc = json::parse(run.out);
  EXPECT_EQ(doc["reverted"], json::parse("[2, 1]"));
  EXPECT_TRUE(Tables().empty());
}

TEST_P(MigrateCliTest, UsageAndSetErrors) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"migrate"},
        {"migrate", "sideways"},
        {"migrate", "down", "--steps", "0"},
        {"migrate", "up", "--steps", "2"},
        {"migrate", "down", "--steps", "1", "--to", "0"},
        {"migrate", "create"},
        {"migrate", "status", "extra"},
        {"migrate", "up", "--to", "x"},
        {"migrate", "up", "--statement-lock-timeout", "5"},
        {"migrate", "up", "--statement-lock-timeout", "soon"},
        {"migrate", "up", "--statement-lock-timeout", "2d"},
        {"migrate", "up", "--lock-retries", "101"},
        {"migrate", "up", "--lock-retries", "-1"}}) {
    const CommandResult run = Strata(args);
    EXPECT_EQ(run.exit_code, 2) << ::testing::PrintToString(args) << run.output;
    EXPECT_EQ(run.output.find('\n'), run.output.size() - 1) << "one line: " << run.output;
  }
  const CommandResult timeout = Strata({"migrate", "up", "--statement-lock-timeout", "soon"});
  EXPECT_THAT(timeout.output, HasSubstr("--statement-lock-timeout"));
  // Valid ones run.
  Write("1_one.up.sql", "CREATE TABLE one (id integer);\n");
  const CommandResult up =
      Strata({"migrate", "up", "--statement-lock-timeout", "2s", "--lock-retries", "0"});
  EXPECT_EQ(up.exit_code, 0) << up.output;
  Write("2_bad name.up.sql", "SELECT 1;\n");
  const CommandResult run = Strata({"migrate", "status"});
  EXPECT_EQ(run.exit_code, 5) << run.output;
  EXPECT_THAT(run.output, HasSubstr("2_bad name.up.sql"));
}

TEST_P(MigrateCliTest, CreateWritesTheNextVersionIntoBothSets) {
  std::filesystem::create_directories(root() + "/sqlite");
  std::ofstream(root() + "/sqlite/0007_existing.up.sql") << "SELECT 1;\n";
  const CommandResult run = Strata({"migrate", "create", "add_index"});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  for (const char* path :
       {"/sqlite/0008_add_index.up.sql", "/sqlite/0008_add_index.down.sql",
        "/postgres/0008_add_index.up.sql", "/postgres/0008_add_index.down.sql"}) {
    EXPECT_TRUE(std::filesystem::exists(root() + path)) << path;
    EXPECT_THAT(run.output, HasSubstr(path));
  }
  EXPECT_EQ(Strata({"migrate", "create", "add_index"}).exit_code, 5) << "the name exists";
  EXPECT_EQ(Strata({"migrate", "create", "Add-Index"}).exit_code, 2);
}

TEST_P(MigrateCliTest, AnUnreachableDatabaseExitsSixWithoutThePassword) {
  const std::string url =
      postgres() ? "postgresql://app:s3cret@127.0.0.1:1/db" : root() + "/no/such/dir/x.db";
  const CommandResult run = Strata({"migrate", "status"}, {}, {"STRATA_DATABASE_URL=" + url});
  EXPECT_EQ(run.exit_code, 6) << run.output;
  EXPECT_EQ(run.output.find("s3cret"), std::string::npos) << run.output;
  EXPECT_EQ(run.output.find('\n'), run.output.size() - 1) << "one line: " << run.output;
}

STRATA_BACKEND_TEST_SUITE(MigrateCliTest);

TEST(EnsureDatabaseTest, UpCreatesAMissingPostgresDatabaseAndSaysSo) {
  if (!BackendSelected(Backend::kPostgres))
    GTEST_SKIP() << "STRATA_TEST_BACKENDS excludes postgres";
  const PostgresServer* server = TestEnvironment::Get().postgres();
  ASSERT_NE(server, nullptr) << TestEnvironment::Get().postgres_error();
  const std::string name = "strata_created_" + std::to_string(getpid());
  const std::string url = server->info().admin_conninfo + " dbname=" + name;
  const CommandResult run = RunCommand(
      {STRATA_CLI, "migrate", "up"}, std::chrono::seconds(60),
      {"STRATA_STORAGE=postgres", "STRATA_DATABASE_URL=" + url, "STRATA_MIGRATIONS_DIR="});
  std::unique_ptr<PGconn, decltype(&PQfinish)> admin(
      PQconnectdb(server->info().admin_conninfo.c_str()), &PQfinish);
  PGresult* exists =
      PQexec(admin.get(), ("SELECT 1 FROM pg_database WHERE datname = '" + name + "'").c_str());
  const int rows = PQntuples(exists);
  PQclear(exists);
  PQclear(PQexec(admin.get(), ("DROP DATABASE IF EXISTS " + name).c_str()));
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("created database '" + name + "'"));
  EXPECT_EQ(rows, 1);
}

// Any number of runners may start at once against a database that does not
// exist yet: the ones that lose the race to create it go on as if it had
// existed (each trial a new database, 8 runners, every one exits 0, one says
// it created the database, and the ledger holds each migration once).
TEST(EnsureDatabaseTest, EightRunnersStartedTogetherCreateItOnceAndAllSucceed) {
  if (!BackendSelected(Backend::kPostgres))
    GTEST_SKIP() << "STRATA_TEST_BACKENDS excludes postgres";
  const PostgresServer* server = TestEnvironment::Get().postgres();
  ASSERT_NE(server, nullptr) << TestEnvironment::Get().postgres_error();
  std::unique_ptr<PGconn, decltype(&PQfinish)> admin(
      PQconnectdb(server->info().admin_conninfo.c_str()), &PQfinish);
  const auto query_int = [&](const std::string& conninfo, const std::string& sql) {
    std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(conninfo.c_str()), &PQfinish);
    PGresult* result = PQexec(conn.get(), sql.c_str());
    const int value = PQntuples(result) == 1 ? std::atoi(PQgetvalue(result, 0, 0)) : -1;
    PQclear(result);
    return value;
  };
  constexpr int kTrials = 20, kRunners = 8;
  for (int trial = 0; trial < kTrials; ++trial) {
    const std::string name =
        "strata_race_" + std::to_string(getpid()) + "_" + std::to_string(trial);
    const std::string url = server->info().admin_conninfo + " dbname=" + name;
    std::vector<CommandResult> runs(kRunners);
    std::vector<std::thread> threads;
    for (int i = 0; i < kRunners; ++i) {
      threads.emplace_back([&, i] {
        runs[static_cast<std::size_t>(i)] = RunCommand(
            {STRATA_CLI, "migrate", "up"}, std::chrono::seconds(60),
            {"STRATA_STORAGE=postgres", "STRATA_DATABASE_URL=" + url, "STRATA_MIGRATIONS_DIR="});
      });
    }
    for (std::thread& t : threads) t.join();
    StoreOptions options;
    options.backend = Backend::kPostgres;
    options.url = url;
    const SchemaStatus status = Migrator::Open(options)->Status();
    const int applied = query_int(url, "SELECT count(*) FROM strata_schema_migrations");
    PQclear(PQexec(admin.get(), ("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)").c_str()));
    int created = 0;
    for (const CommandResult& run : runs) {
      ASSERT_EQ(run.exit_code, 0) << "trial " << trial << ": " << run.output;
      if (run.output.find("created database '" + name + "'") != std::string::npos) ++created;
    }
    EXPECT_EQ(created, 1) << "trial " << trial;
    EXPECT_TRUE(status.Ready()) << "trial " << trial;
    EXPECT_EQ(applied, static_cast<int>(status.migrations.size())) << "trial " << trial;
  }
}

// The engine's own SQL can fail too (PostgreSQL 15 grants no CREATE on
// schema public): a clear error and exit 7, never an escaped exception.
TEST(LedgerErrorTest, ARoleThatCannotCreateTheLedgerGetsAMigrationError) {
  if (!BackendSelected(Backend::kPostgres))
    GTEST_SKIP() << "STRATA_TEST_BACKENDS excludes postgres";
  const PostgresServer* server = TestEnvironment::Get().postgres();
  ASSERT_NE(server, nullptr) << TestEnvironment::Get().postgres_error();
  TestDatabase& db = TestEnvironment::Get().Database(Backend::kPostgres);
  db.DropAll();
  db.Exec(
      "DROP ROLE IF EXISTS strata_limited; CREATE ROLE strata_limited LOGIN; "
      "REVOKE CREATE ON SCHEMA public FROM PUBLIC");
  const std::string url = server->info().conninfo + " user=strata_limited";
  const CommandResult run = RunCommand(
      {STRATA_CLI, "migrate", "up"}, std::chrono::seconds(60),
      {"STRATA_STORAGE=postgres", "STRATA_DATABASE_URL=" + url, "STRATA_MIGRATIONS_DIR="});
  db.Exec("DROP ROLE strata_limited");
  EXPECT_EQ(run.exit_code, 7) << run.output;
  EXPECT_THAT(run.output, HasSubstr("strata_schema_migrations"));
  EXPECT_EQ(run.output.find('\n'), run.output.size() - 1) << "one line: " << run.output;
}

}  // namespace
}  // namespace strata::testing
