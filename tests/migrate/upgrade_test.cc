// Upgrading a database that holds data: the embedded set's newest version
// applied over rows written at the version before it. Every row comes through
// unchanged, rows that the new version would refuse are kept (they were valid
// when written), and only new writes are held to the new rules.
#include <gmock/gmock.h>

#include "environment.h"
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
  ASSERT_EQ(Migrator::Open(options)->Down(1).current_version, 5);
  // Values version 5 accepted and version 6 would refuse.
  db().Exec("UPDATE tasks SET last_status = 'running' WHERE id = (SELECT min(id) FROM tasks)");
  db().Exec("UPDATE services SET launch_type = 'fargate'");
  const std::string before = Snapshot();

  const MigrationResult up = Migrator::Open(options)->Up();
  ASSERT_EQ(up.current_version, 6);
  EXPECT_EQ(Snapshot(), before) << "the upgrade changed stored rows";

  std::unique_ptr<Store> store = Store::Open(options);
  EXPECT_EQ(store->tasks().Count("prod"), 5);
  EXPECT_EQ(store->services().Find("prod", "web")->launch_type, "fargate")
      << "an old row reads as stored";
  EXPECT_ANY_THROW(db().Exec("UPDATE tasks SET last_status = 'running'"))
      << "new writes are held to the enumerations";
  EXPECT_ANY_THROW(db().Exec("UPDATE clusters SET status = 'gone'"));
  EXPECT_EQ(Snapshot(), before) << "refused writes changed nothing";
  db().Exec("UPDATE tasks SET last_status = 'PENDING' WHERE last_status = 'running'");
  TaskFilter pending;
  pending.last_status = "PENDING";
  EXPECT_EQ(store->tasks().Count("prod", pending), 1) << "an old row can be corrected";
}

STRATA_BACKEND_TEST_SUITE(UpgradeTest);

}  // namespace
}  // namespace strata::testing
