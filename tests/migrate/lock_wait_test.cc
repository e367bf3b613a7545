// Bounded lock waits: on PostgreSQL each migration statement waits for a
// table lock at most its lock timeout; the migration is rolled back, run
// again with backoff, and fails naming the session that held the lock. A
// reader of the table is never queued behind the waiting ALTER for longer
// than the timeout.
#include <gmock/gmock.h>
#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "migration_fixture.h"

namespace strata::testing {
namespace {

using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

using Connection = std::unique_ptr<PGconn, decltype(&PQfinish)>;

class LockWaitTest : public MigrationTest {
 protected:
  void SetUp() override {
    MigrationTest::SetUp();
    if (HasFatalFailure()) return;
    Write("0001_clusters.up.sql",
          "CREATE TABLE clusters (id integer PRIMARY KEY);\n"
          "INSERT INTO clusters VALUES (1), (2), (3);\n");
    Write("0002_add_note.up.sql",
          "-- strata:lock-timeout 300ms\n"
          "ALTER TABLE clusters ADD COLUMN note text;\n");
    Write("0002_add_note.down.sql", "ALTER TABLE clusters DROP COLUMN note;\n");
    ASSERT_EQ(Open()->Up(1).applied, (std::vector<std::int64_t>{1}));
  }

  // A session of its own, named `application` in pg_stat_activity.
  Connection Session(const std::string& application) {
    Connection c(PQconnectdb(options().url.c_str()), &PQfinish);
    EXPECT_EQ(PQstatus(c.get()), CONNECTION_OK) << PQerrorMessage(c.get());
    Exec(c, "SET application_name = '" + application + "'");
    return c;
  }
  static void Exec(const Connection& c, const std::string& sql) {
    PGresult* r = PQexec(c.get(), sql.c_str());
    EXPECT_TRUE(PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK)
        << sql << ": " << PQerrorMessage(c.get());
    PQclear(r);
  }
  bool HasNote() {
    return db().QueryInt(
               "SELECT count(*) FROM information_schema.columns WHERE table_name = 'clusters' "
               "AND column_name = 'note'") == 1;
  }
};

TEST_P(LockWaitTest, AnAlterBehindALongTransactionRetriesAndReadersWaitAtMostTheTimeout) {
  // The long transaction: a read of clusters, left open.
  Connection holder = Session("lock-holder-test");
  Exec(holder, "BEGIN");
  Exec(holder, "SELECT count(*) FROM clusters");

  // A reader that keeps reading the table from a third session, timing each.
  std::atomic<bool> done{false};
  std::atomic<std::int64_t> slowest_us{0};
  std::atomic<int> reads{0};
  std::thread reader([&] {
    Connection r = Session("reader-test");
    while (!done) {
      const auto start = Clock::now();
      PQclear(PQexec(r.get(), "SELECT count(*) FROM clusters"));
      const auto us =
          std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count();
      if (us > slowest_us) slowest_us = us;
      ++reads;
      std::this_thread::sleep_for(milliseconds(5));
    }
  });

  std::mutex mutex;
  std::vector<MigrationEvent> timeouts;
  MigratorOptions m;
  m.lock_retries = 20;
  m.on_progress = [&](const MigrationEvent& e) {
    if (e.kind != MigrationEvent::Kind::kLockTimeout) return;
    const std::lock_guard lock(mutex);
    timeouts.push_back(e);
  };
  MigrationResult result;
  std::thread up([&] { result = Open(m)->Up(); });
  // Two attempts give up (300 ms each, 0.5 s between), then the holder ends.
  const auto deadline = Clock::now() + std::chrono::seconds(20);
  for (;;) {
    {
      const std::lock_guard lock(mutex);
      if (timeouts.size() >= 2 || Clock::now() > deadline) break;
    }
    std::this_thread::sleep_for(milliseconds(20));
  }
  Exec(holder, "COMMIT");
  up.join();
  done = true;
  reader.join();

  EXPECT_EQ(result.applied, (std::vector<std::int64_t>{2}));
  EXPECT_TRUE(HasNote());
  ASSERT_GE(timeouts.size(), 2u);
  const MigrationEvent& first = timeouts.front();
  EXPECT_EQ(first.version, 2);
  EXPECT_EQ(first.statement, 1);
  EXPECT_EQ(first.duration, std::chrono::microseconds(500'000)) << "the first backoff";
  EXPECT_THAT(first.detail, HasSubstr("application 'lock-holder-test'"));
  EXPECT_THAT(first.detail, HasSubstr("clusters AccessShareLock"));
  EXPECT_THAT(DescribeEvent(first), HasSubstr("waited longer than its lock timeout"));
  // Readers queue behind the waiting ALTER for at most its 300 ms (and the
  // read itself): measured, with room for a loaded machine.
  EXPECT_GT(reads.load(), 10);
  EXPECT_LT(slowest_us.load(), 800'000) << "a read waited longer than the lock timeout";
  RecordProperty("slowest_read_us", static_cast<int>(slowest_us.load()));
  std::printf("lock wait: %d reads, the slowest %.1f ms, %zu lock timeouts\n", reads.load(),
              static_cast<double>(slowest_us.load()) / 1000.0, timeouts.size());
}

TEST_P(LockWaitTest, AfterItsRetriesUpFailsNamingTheHolderAndChangesNothing) {
  Connection holder = Session("lock-holder-test");
  Exec(holder, "BEGIN");
  Exec(holder, "LOCK TABLE clusters IN ROW EXCLUSIVE MODE");
  MigratorOptions m;
  m.lock_retries = 1;
  int events = 0;
  m.on_progress = [&](const MigrationEvent& e) {
    events += e.kind == MigrationEvent::Kind::kLockTimeout;
  };
  try {
    Open(m)->Up();
    ADD_FAILURE() << "up altered a table another session held locked";
  } catch (const MigrationError& e) {
    EXPECT_THAT(e.what(), HasSubstr("migration 2 add_note gave up waiting for a table lock"));
    EXPECT_THAT(e.what(), HasSubstr("0002_add_note.up.sql:2 (statement 1 of 1)"));
    EXPECT_THAT(e.what(), HasSubstr("in each of 2 attempts"));
    EXPECT_THAT(e.what(), HasSubstr("application 'lock-holder-test'"));
    EXPECT_THAT(e.what(), HasSubstr("clusters RowExclusiveLock"));
    EXPECT_THAT(e.what(), HasSubstr("still pending"));
  }
  EXPECT_EQ(events, 1);
  EXPECT_FALSE(HasNote());
  EXPECT_EQ(LedgerCount(), 1);
  Exec(holder, "COMMIT");
  ASSERT_EQ(Open(m)->Up().applied, (std::vector<std::int64_t>{2}));
  // A no-transaction file is not run again (the statements before the one
  // that gave up stay applied): it fails at once, recorded, and resumes.
  Write("0003_other.up.sql",
        "-- strata:no-transaction\n-- strata:lock-timeout 200ms\n"
        "ALTER TABLE clusters ADD COLUMN other text;\n");
  Exec(holder, "BEGIN");
  Exec(holder, "SELECT count(*) FROM clusters");
  events = 0;
  try {
    Open(m)->Up();
    ADD_FAILURE() << "up altered a table another session read in an open transaction";
  } catch (const MigrationError& e) {
    EXPECT_THAT(e.what(), HasSubstr("0003_other.up.sql:3"));
    EXPECT_THAT(e.what(), HasSubstr("gave up waiting for a table lock held by pid"));
    EXPECT_THAT(e.what(), HasSubstr("clusters AccessShareLock"));
  }
  EXPECT_EQ(events, 0) << "a no-transaction file is not run again";
  EXPECT_EQ(db().QueryValue("SELECT state FROM strata_schema_migrations WHERE version = 3"),
            "failed");
  Exec(holder, "COMMIT");
  EXPECT_EQ(Open(m)->Up().applied, (std::vector<std::int64_t>{3}));
}

TEST_P(LockWaitTest, DownWaitsTheSameWay) {
  ASSERT_EQ(Open()->Up().applied, (std::vector<std::int64_t>{2}));
  Connection holder = Session("lock-holder-test");
  Exec(holder, "BEGIN");
  Exec(holder, "SELECT count(*) FROM clusters");
  MigratorOptions m;
  m.lock_retries = 0;
  m.statement_lock_timeout = milliseconds(200);  // the down file has no line of its own
  const auto start = Clock::now();
  EXPECT_THROW(Open(m)->Down(1), MigrationError);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));
  EXPECT_TRUE(HasNote());
  Exec(holder, "COMMIT");
  EXPECT_EQ(Open(m)->Down(1).reverted, (std::vector<std::int64_t>{2}));
  EXPECT_FALSE(HasNote());
}

STRATA_POSTGRES_TEST_SUITE(LockWaitTest);

// On both backends: the line is checked when the set loads.
class LockTimeoutLineTest : public MigrationTest {};

TEST_P(LockTimeoutLineTest, ABadLockTimeoutLineIsASchemaErrorNamingTheFile) {
  Write("0001_x.up.sql", "-- strata:lock-timeout soon\nCREATE TABLE x (id integer);\n");
  try {
    Open();
    ADD_FAILURE() << "the set loaded";
  } catch (const SchemaError& e) {
    EXPECT_THAT(e.what(), HasSubstr("0001_x.up.sql"));
    EXPECT_THAT(e.what(), HasSubstr("-- strata:lock-timeout 30s"));
  }
  Write("0001_x.up.sql", "-- strata:lock-timeout 2s\nCREATE TABLE x (id integer);\n");
  EXPECT_EQ(Open()->Up().applied, (std::vector<std::int64_t>{1}));
}

STRATA_BACKEND_TEST_SUITE(LockTimeoutLineTest);

}  // namespace
}  // namespace strata::testing
