// Upgrading a database that holds data: the embedded set's newest version
// applied over rows written at the version before it. Every row comes through
// unchanged, rows that the new version would refuse are kept (they were valid
// when written), and only new writes are held to the new rules.
#include <gmock/gmock.h>

#include <string>
#include <vector>

#include "environment.h"
#include "migrate/embedded_migrations.h"
#include "shipped_migrations.h"
#include "strata/strata.h"

namespace strata::testing {
namespace {

class UpgradeTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (HasFatalFailure()) return;
    db().DropAll();
  }

  // Every row of `table` as text, in id order: what must not change.
  std::string Rows(const std::string& table, const std::string& columns) {
    const std::string row = "id || '|' || " + columns;
    const std::optional<std::string> all =
        backend() == Backend::kPostgres
            ? db().QueryValue("SELECT string_agg(" + row + ", ',' ORDER BY id) FROM " + table)
            : db().QueryValue("SELECT group_concat(x, ',') FROM (SELECT " + row + " AS x FROM " +
                              table + " ORDER BY id)");
    return all.value_or("");
  }
  std::string Snapshot() {
    return Rows("clusters",
                "name || '|' || status || '|' || version || '|' || coalesce(CAST(tags AS TEXT), "
                "'')") +
           "\n" +
           Rows("services", "name || '|' || status || '|' || launch_type || '|' || version") +
           "\n" +
           Rows("tasks",
                "last_status || '|' || desired_status || '|' || launch_type || '|' || "
                "health_status || '|' || version || '|' || coalesce(CAST(containers AS TEXT), '')");
  }
};

TEST_P(UpgradeTest, Version6KeepsEveryRowAndHoldsOnlyNewWrites) {
  StoreOptions options = TestEnvironment::Get().Options(backend());
  Migrator::Open(options)->Up();
  {
    std::unique_ptr<Store> store = Store::Open(options);
    Cluster c;
    c.name = "prod";
    c.tags = R"({"team": "web"})";
    store->clusters().Create(c);
    Service s;
    s.cluster_arn = "prod";
    s.name = "web";
    s.task_definition_arn = "arn:aws:ecs:us-east-1:000000000000:task-definition/web:1";
    store->services().Create(s);
    for (int i = 0; i < 5; ++i) {
      Task t;
      t.cluster_arn = "prod";
      t.task_definition_arn = "arn:aws:ecs:us-east-1:000000000000:task-definition/web:1";
      t.containers = R"([{"name": "app"}])";
      store->tasks().Create(t);
    }
  }
  ASSERT_EQ(Migrator::Open(options)->DownTo(5).current_version, 5);
  // Values version 5 accepted and version 6 would refuse.
  db().Exec("UPDATE tasks SET last_status = 'running' WHERE id = (SELECT min(id) FROM tasks)");
  db().Exec("UPDATE services SET launch_type = 'fargate'");
  const std::string before = Snapshot();

  const MigrationResult up = Migrator::Open(options)->Up(6);
  ASSERT_EQ(up.current_version, 6);
  EXPECT_EQ(Snapshot(), before) << "the upgrade changed stored rows";

  Migrator::Open(options)->Up();
  std::unique_ptr<Store> store = Store::Open(options);
  EXPECT_EQ(store->tasks().Count("prod"), 5);
  EXPECT_EQ(store->services().Find("prod", "web")->launch_type, "fargate")
      << "an old row reads as stored";
  EXPECT_ANY_THROW(db().Exec("UPDATE tasks SET last_status = 'running'"))
      << "new writes are held to the enumerations";
  EXPECT_ANY_THROW(db().Exec("UPDATE clusters SET status = 'gone'"));
  EXPECT_EQ(Snapshot(), before) << "refused writes changed nothing (nor did version 7)";
  db().Exec("UPDATE tasks SET last_status = 'PENDING' WHERE last_status = 'running'");
  TaskFilter pending;
  pending.last_status = "PENDING";
  EXPECT_EQ(store->tasks().Count("prod", pending), 1) << "an old row can be corrected";
}

// Versions 7 and 8: the counters callers kept (or left at 0) give way to
// live ones, and deletes become soft. A database written at version 6, with
// tasks in every state, a DRAINING service and counters set by hand to wrong
// values, comes through with every row unchanged and every counter equal to
// a COUNT of its tasks; writes from then on move them; and back down.
TEST_P(UpgradeTest, Versions7And8CountTheTasksAlreadyStored) {
  StoreOptions options = TestEnvironment::Get().Options(backend());
  Migrator::Open(options)->Up();
  {
    std::unique_ptr<Store> store = Store::Open(options);
    for (const char* name : {"prod", "dev"}) {
      Cluster c;
      c.name = name;
      store->clusters().Create(c);
      for (const char* service : {"web", "api"}) {
        Service s;
        s.cluster_arn = name;
        s.name = service;
        s.task_definition_arn = "arn:aws:ecs:us-east-1:000000000000:task-definition/web:1";
        store->services().Create(s);
      }
    }
    const std::vector<std::string> states = {"PROVISIONING", "PENDING", "ACTIVATING", "RUNNING",
                                             "STOPPING",     "STOPPED", "RUNNING"};
    for (std::size_t i = 0; i < 21; ++i) {
      Task t;
      t.cluster_arn = i % 3 == 0 ? "dev" : "prod";
      t.group = i % 2 == 0 ? "service:web" : "service:api";
      t.last_status = states[i % states.size()];
      t.task_definition_arn = "arn:aws:ecs:us-east-1:000000000000:task-definition/web:1";
      store->tasks().Create(t);
    }
  }
  ASSERT_EQ(Migrator::Open(options)->DownTo(6).current_version, 6);
  // What callers of version 6 could store: counters of their own.
  db().Exec("UPDATE clusters SET running_tasks_count = 42, pending_tasks_count = 7");
  db().Exec("UPDATE services SET running_count = 3, status = 'DRAINING' WHERE name = 'api'");
  const std::string before = Snapshot();

  ASSERT_EQ(Migrator::Open(options)->Up().current_version, kShippedVersion);
  EXPECT_EQ(Snapshot(), before) << "the upgrade changed stored rows";
  std::unique_ptr<Store> store = Store::Open(options);
  const auto count = [&](const std::string& where) {
    return db().QueryInt(
        "SELECT count(*) FROM tasks t JOIN clusters c ON c.arn = t.cluster_arn "
        "WHERE " +
        where);
  };
  for (const char* name : {"prod", "dev"}) {
    const std::string of = std::string("c.name = '") + name + "'";
    const Cluster c = *store->clusters().Find(name);
    EXPECT_EQ(c.running_tasks_count, count(of + " AND last_status = 'RUNNING'")) << name;
    EXPECT_EQ(c.pending_tasks_count,
              count(of + " AND last_status IN ('PROVISIONING', 'PENDING', 'ACTIVATING')"))
        << name;
    EXPECT_EQ(c.active_services_count, 1) << name;
    for (const char* service : {"web", "api"}) {
      const std::string group = of + " AND task_group = 'service:" + service + "'";
      const Service s = *store->services().Find(name, service);
      EXPECT_EQ(s.running_count, count(group + " AND last_status = 'RUNNING'")) << service;
      EXPECT_EQ(s.pending_count,
                count(group + " AND last_status IN ('PROVISIONING', 'PENDING', 'ACTIVATING')"))
          << service;
    }
  }
  EXPECT_GT(store->clusters().Find("prod")->running_tasks_count, 0);
  const std::int64_t running = store->clusters().Find("prod")->running_tasks_count;
  Task more;
  more.cluster_arn = "prod";
  more.last_status = "RUNNING";
  more.task_definition_arn = "arn:aws:ecs:us-east-1:000000000000:task-definition/web:1";
  store->tasks().Create(more);
  EXPECT_EQ(store->clusters().Find("prod")->running_tasks_count, running + 1);
  // The service left DRAINING at version 6 finishes draining when its last
  // tasks stop, whoever stops them.
  db().Exec("UPDATE tasks SET last_status = 'STOPPED' WHERE task_group = 'service:api'");
  EXPECT_EQ(store->services().Find("prod", "api")->status, "INACTIVE");
  EXPECT_EQ(store->services().Find("prod", "web")->status, "ACTIVE");
  const std::int64_t counted = store->clusters().Find("prod")->running_tasks_count;
  EXPECT_EQ(counted, count(std::string("c.name = 'prod' AND last_status = 'RUNNING'")));

  // And back: version 6's columns hold the counts as they were at the downgrade.
  ASSERT_EQ(Migrator::Open(options)->DownTo(6).current_version, 6);
  EXPECT_EQ(db().QueryInt("SELECT running_tasks_count FROM clusters WHERE name = 'prod'"), counted);
}

// Down from version 8: archived clusters come back into `clusters` where no
// live cluster holds their name, and of a name's INACTIVE services only the
// one without a live successor stays, since version 7 has room for one.
TEST_P(UpgradeTest, Version8DownKeepsTheDeletedRowsThatFit) {
  StoreOptions options = TestEnvironment::Get().Options(backend());
  Migrator::Open(options)->Up();
  {
    std::unique_ptr<Store> store = Store::Open(options);
    for (const char* name : {"prod", "old"}) {
      Cluster c;
      c.name = name;
      store->clusters().Create(c);
      store->clusters().Delete(name);
    }
    Cluster again;
    again.name = "prod";
    store->clusters().Create(again);
    for (int i = 0; i < 2; ++i) {
      Service s;
      s.cluster_arn = "prod";
      s.name = i == 0 ? "web" : "api";
      s.task_definition_arn = "arn:aws:ecs:us-east-1:000000000000:task-definition/web:1";
      store->services().Create(s);
      store->services().Delete("prod", s.name);
    }
    Service s;
    s.cluster_arn = "prod";
    s.name = "web";
    s.task_definition_arn = "arn:aws:ecs:us-east-1:000000000000:task-definition/web:1";
    store->services().Create(s);
  }
  ASSERT_EQ(Migrator::Open(options)->DownTo(7).current_version, 7);
  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM clusters WHERE name = 'prod' AND status = "
                          "'ACTIVE'"),
            1);
  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM clusters"), 2);
  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM clusters WHERE name = 'old' AND status = "
                          "'INACTIVE'"),
            1);
  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM services WHERE name = 'web'"), 1);
  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM services WHERE name = 'api'"), 1);
  ASSERT_EQ(Migrator::Open(options)->Up().current_version, kShippedVersion);
}

TEST_P(UpgradeTest, VersionOneAppliedBeforeItsCommentWasRewordedCountsAsApplied) {
  // Version 1's first comment line was reworded on 2026-12-08: a database
  // migrated before then holds the former text's checksum in its ledger.
  std::string former;
  for (const migrate::FormerChecksum& f : migrate::kFormerChecksums) {
    if (f.backend == backend() && f.version == 1) former = f.checksum;
  }
  ASSERT_EQ(former.size(), 64u);
  StoreOptions options = TestEnvironment::Get().Options(backend());
  Migrator::Open(options)->Up();
  db().Exec("UPDATE strata_schema_migrations SET checksum = '" + former + "' WHERE version = 1");

  const SchemaStatus status = Migrator::Open(options)->Status();
  EXPECT_TRUE(status.Ready());
  ASSERT_FALSE(status.migrations.empty());
  EXPECT_EQ(status.migrations[0].state, MigrationState::kApplied);
  EXPECT_EQ(status.migrations[0].applied_checksum, former);
  EXPECT_NE(status.migrations[0].checksum, former) << "the file's checksum is the current one";
  options.auto_migrate = false;
  EXPECT_NO_THROW(Store::Open(options)) << "a store opens on it";
  EXPECT_TRUE(Migrator::Open(options)->Up().applied.empty());

  // Any other checksum is an edit, as before.
  db().Exec("UPDATE strata_schema_migrations SET checksum = '" + std::string(64, '0') +
            "' WHERE version = 1");
  EXPECT_EQ(Migrator::Open(options)->Status().migrations[0].state,
            MigrationState::kChecksumMismatch);
}

// Version 10 counts a task insert with one upsert on PostgreSQL (it
// replaces the counting function's body, and takes no lock on tasks), and
// has no statements on SQLite. Down, PostgreSQL's function is version 9's
// again; SQLite's schema is the same on either side. Counting through it is
// the counters tests' (every write path, both backends).
TEST_P(UpgradeTest, Version10DownCountsInsertsAsVersion9Did) {
  const bool postgres = backend() == Backend::kPostgres;
  const auto schema = [&] {
    return db()
        .QueryValue(postgres ? "SELECT prosrc FROM pg_proc WHERE proname = 'strata_count_tasks'"
                             : "SELECT group_concat(x, ',') FROM (SELECT name || ':' || "
                               "coalesce(sql, '') AS x FROM sqlite_master ORDER BY name)")
        .value_or("");
  };
  StoreOptions options = TestEnvironment::Get().Options(backend());
  ASSERT_EQ(Migrator::Open(options)->Up(10).current_version, 10);
  const std::string at10 = schema();
  ASSERT_EQ(Migrator::Open(options)->DownTo(9).current_version, 9);
  const std::string at9 = schema();
  if (postgres) {
    EXPECT_THAT(at10, ::testing::HasSubstr("ON CONFLICT (cluster_arn, task_group, shard)"));
    EXPECT_THAT(at9, ::testing::Not(::testing::HasSubstr("ON CONFLICT")));
    EXPECT_THAT(at9, ::testing::HasSubstr("PERFORM strata_add_task_counts(cluster_arn, "
                                          "task_group,\n              count(*)"))
        << "version 9 counts inserts through strata_add_task_counts";
  } else {
    EXPECT_EQ(at9, at10);
  }
  ASSERT_EQ(Migrator::Open(options)->Up(10).current_version, 10);
  EXPECT_EQ(schema(), at10);
}

STRATA_BACKEND_TEST_SUITE(UpgradeTest);

}  // namespace
}  // namespace strata::testing
