// The harness's in-process behaviour on each backend: the database it hands
// out, and the reset between tests.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "environment.h"
#include "process.h"

namespace strata::testing {
namespace {

class HarnessTest : public BackendTest {
 protected:
  std::string Serial() const {
    return backend() == Backend::kPostgres ? "bigserial PRIMARY KEY"
                                           : "INTEGER PRIMARY KEY AUTOINCREMENT";
  }
};

TEST_P(HarnessTest, ConnectsToTheBackendItNames) {
  if (backend() == Backend::kPostgres) {
    EXPECT_NE(db().QueryValue("SELECT version()").value_or("").find("PostgreSQL"),
              std::string::npos);
    EXPECT_EQ(db().QueryValue("SELECT current_database()"),
              TestEnvironment::Get().postgres()->info().database);
  } else {
    EXPECT_FALSE(db().QueryValue("SELECT sqlite_version()").value_or("").empty());
    EXPECT_EQ(db().QueryValue("PRAGMA foreign_keys"), "1");
  }
  EXPECT_EQ(options().backend, backend());
}

TEST_P(HarnessTest, ResetEmptiesEveryTableButTheLedger) {
  db().Exec("CREATE TABLE strata_schema_migrations (version bigint PRIMARY KEY, name text)");
  db().Exec("CREATE TABLE parents (id bigint PRIMARY KEY)");
  db().Exec(
      "CREATE TABLE children (id bigint PRIMARY KEY, parent_id bigint NOT NULL "
      "REFERENCES parents (id) ON DELETE CASCADE)");
  db().Exec("INSERT INTO strata_schema_migrations VALUES (1, 'create_things')");
  db().Exec("INSERT INTO parents VALUES (1), (2)");
  db().Exec("INSERT INTO children VALUES (10, 1), (11, 2)");

  TestEnvironment::Get().Reset(backend());

  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM parents"), 0);
  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM children"), 0);
  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM strata_schema_migrations"), 1);
  EXPECT_EQ(db().Tables(),
            (std::vector<std::string>{"children", "parents", "strata_schema_migrations"}));
  db().Exec("DROP TABLE children; DROP TABLE parents; DROP TABLE strata_schema_migrations");
}

TEST_P(HarnessTest, ResetRestartsIdentities) {
  db().Exec("CREATE TABLE counters (id " + Serial() + ", label text)");
  db().Exec("INSERT INTO counters (label) VALUES ('a'), ('b'), ('c')");
  TestEnvironment::Get().Reset(backend());
  db().Exec("INSERT INTO counters (label) VALUES ('after reset')");
  EXPECT_EQ(db().QueryInt("SELECT id FROM counters"), 1);
  db().Exec("DROP TABLE counters");
}

// These two run in order: the second must not see the first one's row, which
// only the fixture's reset removes.
TEST_P(HarnessTest, IsolationLeavesARowBehind) {
  db().Exec("CREATE TABLE IF NOT EXISTS leftovers (id bigint PRIMARY KEY)");
  db().Exec("INSERT INTO leftovers VALUES (1)");
  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM leftovers"), 1);
}

TEST_P(HarnessTest, IsolationSeesNoRowFromAnEarlierTest) {
  db().Exec("CREATE TABLE IF NOT EXISTS leftovers (id bigint PRIMARY KEY)");
  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM leftovers"), 0);
}

TEST_P(HarnessTest, ValuesWithQuotesSurviveTheRawConnection) {
  db().Exec("CREATE TABLE notes (body text)");
  db().Exec("INSERT INTO notes VALUES ('it''s; DROP TABLE notes; --')");
  EXPECT_EQ(db().QueryValue("SELECT body FROM notes"), "it's; DROP TABLE notes; --");
  db().Exec("DROP TABLE notes");
}

STRATA_BACKEND_TEST_SUITE(HarnessTest);

// ---- the PostgreSQL server itself ----

class PostgresServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!BackendSelected(Backend::kPostgres)) {
      GTEST_SKIP() << "STRATA_TEST_BACKENDS excludes postgres";
    }
    ASSERT_EQ(TestEnvironment::Get().postgres_error(), "");
  }
  TestDatabase& db() { return TestEnvironment::Get().Database(Backend::kPostgres); }
  const PostgresServerInfo& info() { return TestEnvironment::Get().postgres()->info(); }
};

TEST_F(PostgresServerTest, RunsWithThrowawaySettings) {
  EXPECT_EQ(db().QueryValue("SHOW TimeZone"), "UTC");
  if (info().source != "local") GTEST_SKIP() << "settings below are the local server's";
  EXPECT_EQ(db().QueryValue("SHOW fsync"), "off");
  EXPECT_EQ(db().QueryValue("SHOW dynamic_shared_memory_type"), "mmap");
  EXPECT_EQ(db().QueryValue("SHOW wal_level"), "minimal");
  EXPECT_EQ(db().QueryValue("SHOW cluster_name"), info().tag);
  EXPECT_EQ(db().QueryValue("SHOW listen_addresses"), "127.0.0.1");
}

TEST_F(PostgresServerTest, LocalServerIsAChildRunningAsPostgresWhenRoot) {
  if (info().source != "local") GTEST_SKIP() << "the server is not local";
  const pid_t pid = info().pid;
  ASSERT_TRUE(ProcessRunning(pid));
  EXPECT_NE(CommandLine(pid).find(info().location), std::string::npos);
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line) && !line.starts_with("PPid:")) {
  }
  EXPECT_EQ(std::stol(line.substr(5)), getpid()) << "the postmaster must be our direct child";
  if (geteuid() == 0) {
    EXPECT_EQ(db().QueryValue("SELECT current_setting('data_directory')"), info().location);
    while (std::getline(status, line) && !line.starts_with("Uid:")) {
    }
    EXPECT_NE(std::stol(line.substr(4)), 0) << "initdb and postgres refuse to run as root";
  }
}

}  // namespace
}  // namespace strata::testing
