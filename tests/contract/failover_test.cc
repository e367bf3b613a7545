// What a store does when its PostgreSQL connections fail under it, on the
// shared test server: idle connections the server closed are replaced
// before use, a write cut mid-statement is run again only when that is safe
// (else OutcomeUnknownError), a server that only reads is retried until
// failover_timeout, and multi-host URLs find the server that takes writes.
// The primary + standby scenarios are in tests/ha/.
#include <gmock/gmock.h>

#include <chrono>
#include <thread>

#include "process.h"
#include "store_fixture.h"
#include "strata/error.h"

namespace strata::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// PostgreSQL only: a SQLite connection is never lost.
class FailoverContractTest : public ClusterStoreTest {
 protected:
  // Terminates the sessions of this database that wait for a lock, once
  // one does. The test's session holds the lock in an open transaction, in
  // which pg_stat_activity would keep the snapshot of its first read: each
  // poll clears it. Without a waiter, rolls back instead, so that the
  // blocked writer ends and the test fails rather than hangs.
  void TerminateLockWaiters() {
    if (!WaitFor(std::chrono::seconds(10), [&] {
          db().QueryValue("SELECT pg_stat_clear_snapshot()");
          return db().QueryInt(kWaiters) == 1;
        })) {
      ADD_FAILURE() << "the store's statement never waited for the lock";
      db().Exec("ROLLBACK");
      return;
    }
    db().QueryValue(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
        "AND datname = current_database()");
  }

  static constexpr const char* kWaiters =
      "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = "
      "current_database()";
};

TEST_P(FailoverContractTest, IdleConnectionsTheServerClosedAreReplacedBeforeUse) {
  std::vector<std::string> warnings;
  std::mutex mutex;
  StoreOptions o = options();
  o.logger = [&](LogLevel level, std::string_view message) {
    const std::lock_guard lock(mutex);
    if (level <= LogLevel::kWarn) warnings.emplace_back(message);
  };
  store_ = Store::Open(o);
  const Task task = store().tasks().Create(NewTask("test-cluster"));
  const std::string others =
      " FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()";
  db().QueryValue("SELECT count(pg_terminate_backend(pid))" + others);
  ASSERT_TRUE(WaitFor(std::chrono::seconds(10),
                      [&] { return db().QueryInt("SELECT count(*)" + others) == 0; }));
  // Even a write that could not run twice: nothing was in flight.
  EXPECT_NO_THROW(store().tasks().Delete("test-cluster", task.id));
  EXPECT_FALSE(store().tasks().Find("test-cluster", task.id));
  EXPECT_EQ(warnings.size(), 0u) << warnings.front();
}

TEST_P(FailoverContractTest, AWriteCutMidStatementThatCannotRunTwiceIsOutcomeUnknown) {
  const Task task = store().tasks().Create(NewTask("test-cluster"));
  db().Exec("BEGIN; SELECT id FROM tasks WHERE id = '" + task.id + "' FOR UPDATE");
  std::string result;
  std::thread writer([&] {
    try {
      store().tasks().Delete("test-cluster", task.id);
      result = "ok";
    } catch (const OutcomeUnknownError& e) {
      result = std::string("unknown: ") + e.what();
    } catch (const Error& e) {
      result = std::string("known: ") + e.what();
    }
  });
  TerminateLockWaiters();
  writer.join();
  db().Exec("ROLLBACK");
  EXPECT_THAT(result, StartsWith("unknown: "));
  EXPECT_THAT(result, HasSubstr("may or may not have been applied"));
  EXPECT_THAT(result, HasSubstr("read it back"));
  // Here it was not (the server rolled it back), and the store goes on.
  EXPECT_TRUE(store().tasks().Find("test-cluster", task.id));
}

TEST_P(FailoverContractTest, AVersionedUpdateCutMidStatementRunsAgainOnce) {
  const Task task = store().tasks().Create(NewTask("test-cluster"));
  db().Exec("BEGIN; SELECT id FROM tasks WHERE id = '" + task.id + "' FOR UPDATE");
  Task change = task;
  change.started_by = "replayed";
  std::optional<Task> updated;
  std::thread writer([&] { updated = store().tasks().Update(change); });
  TerminateLockWaiters();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  db().Exec("ROLLBACK");  // the second run waits for this
  writer.join();
  ASSERT_TRUE(updated);
  EXPECT_EQ(updated->version, 2);
  EXPECT_EQ(updated->started_by, "replayed");
  EXPECT_EQ(db().QueryInt("SELECT version FROM tasks WHERE id = '" + task.id + "'"), 2);
}

TEST_P(FailoverContractTest, AServerThatOnlyReadsIsRetriedUntilTheFailoverTimeout) {
  const std::string database = *db().QueryValue("SELECT current_database()");
  db().Exec("ALTER DATABASE \"" + database + "\" SET default_transaction_read_only = on");
  struct Reset {
    TestDatabase& db;
    std::string database;
    ~Reset() { db.Exec("ALTER DATABASE \"" + database + "\" RESET default_transaction_read_only"); }
  } reset{db(), database};
  StoreOptions o = options();
  o.failover_timeout = std::chrono::milliseconds(600);
  store_ = Store::Open(o);  // its connections are new: read-only
  const auto start = std::chrono::steady_clock::now();
  try {
    MakeCluster("never");
    ADD_FAILURE() << "a write on a read-only server succeeded";
  } catch (const OutcomeUnknownError& e) {
    ADD_FAILURE() << "a refused write is a known outcome: " << e.what();
  } catch (const ConnectionError& e) {
    EXPECT_THAT(e.what(), HasSubstr("gave up on the cluster write after"));
    EXPECT_THAT(e.what(), HasSubstr("read-only"));
    EXPECT_THAT(e.what(), HasSubstr("target_session_attrs=read-write"));
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GE(elapsed, std::chrono::milliseconds(300));
  EXPECT_LT(elapsed, std::chrono::seconds(5));
  EXPECT_TRUE(store().clusters().Find("test-cluster"));  // reads work
  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM clusters WHERE name = 'never'"), 0);
}

TEST_P(FailoverContractTest, AMultiHostUrlFindsTheServerThatTakesWrites) {
  const PostgresServer* server = TestEnvironment::Get().postgres();
  ASSERT_NE(server, nullptr);
  StoreOptions o = options();
  // A host where nothing listens comes first: libpq goes on to the next.
  o.url = "postgresql://postgres@127.0.0.1:" + std::to_string(PickFreePort()) +
          ",127.0.0.1:" + std::to_string(server->info().port) + "/" + server->info().database;
  store_ = Store::Open(o);
  EXPECT_EQ(store().clusters().Create(Named("multi")).name, "multi");
  EXPECT_TRUE(store().replicas().clusters().Find("multi"));  // no read URL: the store itself
}

STRATA_POSTGRES_TEST_SUITE(FailoverContractTest);

}  // namespace
}  // namespace strata::testing
