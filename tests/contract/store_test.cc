// Store::Open, Transact, connections and the schema, on every backend.
#include <gmock/gmock.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <mutex>
#include <thread>

#include "store_fixture.h"

namespace strata::testing {
namespace {

class StoreContractTest : public StoreTest {};

struct Boom : std::runtime_error {
  Boom() : std::runtime_error("boom") {}
};

TEST_P(StoreContractTest, TransactCommitsWhenWorkReturns) {
  store().Transact([&](Repositories& r) {
    r.clusters().Create(Named("a"));
    Task t = NewTask("a");
    r.tasks().Create(t);
    EXPECT_TRUE(r.clusters().Find("a"));  // sees its own writes
  });
  EXPECT_TRUE(store().clusters().Find("a"));
  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM tasks"), 1);
}

TEST_P(StoreContractTest, TransactRollsBackAndRethrowsUnchanged) {
  MakeCluster("kept");
  EXPECT_THROW(store().Transact([&](Repositories& r) {
    r.clusters().Create(Named("gone"));
    r.clusters().Delete("kept");
    throw Boom();
  }),
               Boom);
  EXPECT_FALSE(store().clusters().Find("gone"));
  EXPECT_TRUE(store().clusters().Find("kept"));
  // A strata error inside is rethrown as itself, too.
  EXPECT_THROW(store().Transact([&](Repositories& r) {
    r.clusters().Create(Named("x"));
    r.clusters().Create(Named("x"));
  }),
               AlreadyExistsError);
  EXPECT_FALSE(store().clusters().Find("x"));
}

TEST_P(StoreContractTest, StoreCallsOnTheThreadJoinTheTransaction) {
  store().Transact([&](Repositories&) {
    store().clusters().Create(Named("joined"));
    // Another thread does not see it before the commit.
    bool seen = true;
    std::thread([&] { seen = store().clusters().Find("joined").has_value(); }).join();
    EXPECT_FALSE(seen);
  });
  EXPECT_TRUE(store().clusters().Find("joined"));
}

TEST_P(StoreContractTest, NestedTransactIsASavepoint) {
  store().Transact([&](Repositories& r) {
    r.clusters().Create(Named("outer"));
    EXPECT_THROW(store().Transact([&](Repositories& inner) {
      inner.clusters().Create(Named("inner"));
      throw Boom();
    }),
                 Boom);
    store().Transact([&](Repositories& inner) { inner.clusters().Create(Named("kept")); });
  });
  EXPECT_TRUE(store().clusters().Find("outer"));
  EXPECT_FALSE(store().clusters().Find("inner"));
  EXPECT_TRUE(store().clusters().Find("kept"));
}

TEST_P(StoreContractTest, CreateManyInsideATransactionRollsBackAlone) {
  MakeCluster("c");
  store().Transact([&](Repositories& r) {
    r.tasks().Create(NewTask("c"));
    std::vector<Task> bad = {NewTask("c"), NewTask("missing")};
    EXPECT_THROW(r.tasks().CreateMany(bad), NotFoundError);
  });
  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM tasks"), 1);
}

TEST_P(StoreContractTest, PageTokensWorkAcrossStoresOnOneDatabase) {
  for (int i = 0; i < 3; ++i) MakeCluster("c" + std::to_string(i));
  PageRequest request;
  request.limit = 2;
  request.next_token = store().clusters().List(request).next_token;
  StoreOptions o = options();
  std::unique_ptr<Store> replica = Store::Open(o);
  EXPECT_EQ(replica->clusters().List(request).items.size(), 1u);
}

TEST_P(StoreContractTest, OpenWithoutAutoMigrateRefusesAnUnmigratedDatabase) {
  store_.reset();
  db().DropAll();
  StoreOptions o = options();
  try {
    Store::Open(o);
    FAIL() << "expected SchemaError";
  } catch (const SchemaError& e) {
    EXPECT_NE(std::string(e.what()).find("pending"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("auto-migrate"), std::string::npos) << e.what();
  }
  o.auto_migrate = true;
  EXPECT_NO_THROW(Store::Open(o)->clusters().Create(Named("works")));
  o.auto_migrate = false;
  EXPECT_NO_THROW(Store::Open(o));
}

TEST_P(StoreContractTest, OpenReportsAnUnreachableDatabase) {
  StoreOptions o = options();
  o.url = backend() == Backend::kSqlite ? "/nonexistent-dir/x/strata.db"
                                        : "postgresql://strata:secret-pw@127.0.0.1:1/nope";
  try {
    Store::Open(o);
    FAIL() << "expected ConnectionError";
  } catch (const ConnectionError& e) {
    EXPECT_EQ(std::string(e.what()).find("secret-pw"), std::string::npos) << e.what();
  }
}

// A call that returns must leave no transaction or read snapshot open on its
// connection: on SQLite an open snapshot stops every checkpoint from
// resetting the WAL, which then grows without bound; on PostgreSQL it holds
// back vacuum.
TEST_P(StoreContractTest, NoCallLeavesATransactionOrSnapshotOpen) {
  const auto open_elsewhere = [&]() -> std::int64_t {
    if (backend() == Backend::kSqlite) {
      // (busy, log frames, checkpointed frames): busy when a reader holds
      // part of the WAL.
      return db().QueryInt("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    return db().QueryInt(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> "
        "pg_backend_pid() AND (state LIKE 'idle in transaction%' OR backend_xmin IS NOT NULL "
        "AND state = 'idle')");
  };
  // Opening with auto-migrate on an unmigrated database, as a new
  // deployment does.
  store_.reset();
  db().DropAll();
  StoreOptions o = options();
  o.auto_migrate = true;
  store_ = Store::Open(o);
  EXPECT_EQ(open_elsewhere(), 0) << "after Store::Open with auto_migrate";
  const Cluster c = MakeCluster("c");
  MakeService("c", "web");
  Task task = store().tasks().Create(NewTask("c"));
  std::vector<Task> many;
  for (int i = 0; i < 5; ++i) many.push_back(NewTask("c"));
  PageRequest two;
  two.limit = 2;
  const std::vector<std::pair<std::string, std::function<void()>>> calls = {
      {"clusters().Find", [&] { store().clusters().Find("c"); }},
      {"clusters().List", [&] { store().clusters().List(); }},
      {"clusters().Update",
       [&] { store().clusters().Update(store().clusters().Find("c").value()); }},
      {"services().Find", [&] { store().services().Find("c", "web"); }},
      {"services().List", [&] { store().services().List("c"); }},
      {"tasks().Create", [&] { store().tasks().Create(NewTask("c")); }},
      {"tasks().CreateMany", [&] { store().tasks().CreateMany(many); }},
      {"tasks().Find", [&] { store().tasks().Find("c", task.arn); }},
      {"tasks().FindByArns", [&] { store().tasks().FindByArns({task.arn}); }},
      {"tasks().List", [&] { store().tasks().List("c", {}, two); }},
      {"tasks().List (next page)",
       [&] {
         PageRequest next = two;
         next.next_token = store().tasks().List("c", {}, two).next_token;
         store().tasks().List("c", {}, next);
       }},
      {"tasks().Count", [&] { store().tasks().Count("c"); }},
      {"tasks().Update", [&] { task = store().tasks().Update(task); }},
      {"tasks().Upsert", [&] { task = store().tasks().Upsert(task); }},
      {"tasks().Delete", [&] { store().tasks().Delete("c", task.arn); }},
      {"Transact", [&] { store().Transact([&](Repositories& r) { r.clusters().Find("c"); }); }},
      {"clusters().Delete refused",
       [&] { EXPECT_THROW(store().clusters().Delete(c.arn), ConflictError); }},
      {"clusters().Delete forced", [&] { store().clusters().Delete(c.arn, {true}); }},
  };
  for (const auto& [name, call] : calls) {
    call();
    EXPECT_EQ(open_elsewhere(), 0) << "after " << name;
  }
}

STRATA_BACKEND_TEST_SUITE(StoreContractTest);

TEST(InMemoryStore, OneDatabaseMigratedOnItsOwnConnection) {
  StoreOptions o;
  o.url = ":memory:";
  o.auto_migrate = true;
  o.pool_size = 4;
  std::unique_ptr<Store> store = Store::Open(o);
  store->clusters().Create(Named("m"));
  std::thread([&] { EXPECT_TRUE(store->clusters().Find("m")); }).join();
  store->Transact([](Repositories& r) { EXPECT_TRUE(r.clusters().Find("m")); });
  // Foreign keys are on again after the migrations.
  Task t;
  t.cluster_arn = "m";
  store->tasks().Create(t);
  store->clusters().Delete("m", {true});
  EXPECT_TRUE(store->tasks().FindByArns({}).empty());
  o.auto_migrate = false;
  EXPECT_THROW(Store::Open(o), SchemaError);  // a new in-memory database is empty
}

// SQLite checkpoints its WAL (every 1,000 pages by default) only after a
// write statement steps to its end. Update and Upsert read their row back
// with RETURNING; when they ended the statement with a reset after the row,
// the WAL was never checkpointed and grew by every update (2 GB in a
// 10-second benchmark). The store runs that checkpoint itself, once the
// writer's turn at the gate is given back; without it the WAL grows too.
TEST(SqliteStore, UpdatesKeepTheWriteAheadLogBounded) {
  const std::string dir = TestEnvironment::Get().MakeGuardedDirectory("strata-wal-");
  StoreOptions o;
  o.url = dir + "/wal.db";
  o.auto_migrate = true;
  std::unique_ptr<Store> store = Store::Open(o);
  store->clusters().Create(Named("c"));
  Task t;
  t.cluster_arn = "c";
  t = store->tasks().Create(t);
  for (int i = 0; i < 300; ++i) {
    t.desired_status = i % 2 == 0 ? "STOPPED" : "RUNNING";
    t = store->tasks().Update(t);
    t = store->tasks().Upsert(t);
  }
  // 600 writes of about 12 pages each: about 7,000 frames unchecked, at
  // most about 1,000 with the automatic checkpoint.
  const auto wal = std::filesystem::file_size(o.url + "-wal");
  EXPECT_LT(wal, 1'200u * (4096 + 24)) << "the WAL was not checkpointed";
  store.reset();
  std::filesystem::remove_all(dir);
}

// A new SQLite database has no planner statistics; without the ones that
// migration 5 seeds, SQLite took the desired-status index for a list or count
// filtered by service and status, and read most of the cluster (a count over
// 91,000 tasks: 44 ms instead of 12 ms). The plan is checked on the statement the store
// prepares for that filter.
TEST(SqliteStore, AServiceFilterUsesTheServiceIndexFromTheStart) {
  const std::string dir = TestEnvironment::Get().MakeGuardedDirectory("strata-plan-");
  StoreOptions o;
  o.url = dir + "/plan.db";
  o.auto_migrate = true;
  std::vector<std::string> prepared;
  o.logger = [&](LogLevel level, std::string_view message) {
    if (level == LogLevel::kDebug && message.starts_with("prepared: ")) {
      prepared.emplace_back(message.substr(10));
    }
  };
  std::unique_ptr<Store> store = Store::Open(o);
  store->clusters().Create(Named("c"));
  TaskFilter filter;
  filter.service_name = "web";
  filter.desired_status = "RUNNING";
  store->tasks().Count("c", filter);
  const auto count = std::find_if(prepared.begin(), prepared.end(), [](const std::string& sql) {
    return sql.starts_with("SELECT count(*) FROM tasks");
  });
  ASSERT_NE(count, prepared.end());
  // EXPLAIN QUERY PLAN's fourth column is the plan's text.
  std::string plan;
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open_v2(o.url.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(raw, ("EXPLAIN QUERY PLAN " + *count).c_str(), -1, &stmt, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(raw);
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    plan += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(raw);
  EXPECT_THAT(plan, ::testing::HasSubstr("tasks_cluster_arn_task_group_idx"));
  store.reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace strata::testing
