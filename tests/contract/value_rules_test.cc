// What each field accepts, on both backends: valid UTF-8 text, the ECS API's
// enumerations spelled exactly, the JSON type each ECS field has, ARNs of
// the right resource, and filters that some row could match. Each refusal is
// an InvalidArgumentError that names the field, thrown before any SQL runs,
// so nothing is stored.
#include <gmock/gmock.h>

#include <functional>

#include "repositories/schema.h"
#include "store_fixture.h"

namespace strata::testing {
namespace {

using ::testing::HasSubstr;

class ValueRulesTest : public ClusterStoreTest {
 protected:
  // `call` throws InvalidArgumentError whose message has `text`, and no row
  // of any table changed.
  void ExpectRefused(const std::function<void()>& call, const std::string& text) {
    const std::int64_t before = Rows();
    try {
      call();
      ADD_FAILURE() << "accepted; expected a refusal naming: " << text;
    } catch (const InvalidArgumentError& e) {
      EXPECT_THAT(e.what(), HasSubstr(text));
    }
    EXPECT_EQ(Rows(), before) << text;
  }
  std::int64_t Rows() {
    return db().QueryInt(
        "SELECT (SELECT count(*) FROM clusters) + (SELECT count(*) FROM services) + "
        "(SELECT count(*) FROM tasks)");
  }
};

TEST_P(ValueRulesTest, TextMustBeValidUtf8WithoutNulOnBothBackends) {
  for (const std::string& bad :
       {std::string("a\xff"
                    "b"),
        std::string("\xed\xa0\x80"), std::string("\xc0\xaf"), std::string("x\xfe")}) {
    ExpectRefused([&] { MakeCluster(bad); }, "cluster name is not valid UTF-8");
    Task t = NewTask("test-cluster");
    t.started_by = bad;
    ExpectRefused([&] { store().tasks().Create(t); }, "task started_by is not valid UTF-8");
    TaskFilter filter;
    filter.started_by = bad;
    ExpectRefused([&] { store().tasks().List("test-cluster", filter); }, "not valid UTF-8");
  }
  Task t = NewTask("test-cluster");
  t.stopped_reason = std::string("a\0b", 3);
  ExpectRefused([&] { store().tasks().Create(t); }, "NUL byte");
  EXPECT_EQ(MakeCluster("名前 ünïcødé").name, "名前 ünïcødé") << "valid UTF-8 is fine";
}

TEST_P(ValueRulesTest, EnumeratedFieldsTakeTheEcsValuesExactly) {
  for (const char* bad : {"", "BOGUS", "active"}) {
    Cluster c = cluster_;
    c.status = bad;
    ExpectRefused([&] { store().clusters().Update(c); },
                  "cluster status is not one of ACTIVE, PROVISIONING");
  }
  Service s;
  s.cluster_arn = "test-cluster";
  s.name = "web";
  s.launch_type = "fargate";
  ExpectRefused([&] { store().services().Create(s); }, "launch_type is not one of EC2, FARGATE");
  s.launch_type = "FARGATE";
  s.scheduling_strategy = "replica";
  ExpectRefused([&] { store().services().Create(s); }, "scheduling_strategy");
  Task t = NewTask("test-cluster");
  t.desired_status = "running";
  ExpectRefused([&] { store().tasks().Create(t); }, "desired_status is not one of PENDING");
  t.desired_status = "RUNNING";
  t.health_status = "OK";
  ExpectRefused([&] { store().tasks().Upsert(t); }, "health_status");
  t.health_status = "HEALTHY";
  t.launch_type = "";  // a capacity provider's task has no launch type
  EXPECT_EQ(store().tasks().Create(t).launch_type, "");
}

TEST_P(ValueRulesTest, JsonFieldsTakeTheTypeTheirEcsFieldHas) {
  for (const char* bad :
       {"5", R"("hello")", "true", "[1, 2]", R"({"team": 1})", R"([{"value": "no key"}])"}) {
    Cluster c = Named("tagged");
    c.tags = bad;
    ExpectRefused([&] { store().clusters().Create(c); },
                  "cluster tags must be a JSON array of tags");
  }
  for (const char* good : {R"([{"key": "team", "value": "web"}, {"key": "solo"}])",
                           R"({"team": "web"})", "[]", "{}"}) {
    Cluster c = cluster_;
    c.tags = good;
    cluster_ = store().clusters().Update(c);
    EXPECT_EQ(cluster_.tags, good) << "stored as given";
  }
  Task t = NewTask("test-cluster");
  t.containers = R"({"name": "app"})";
  ExpectRefused([&] { store().tasks().Create(t); }, "task containers must be a JSON array");
  t.containers = "[]";
  t.overrides = "[]";
  ExpectRefused([&] { store().tasks().Create(t); }, "task overrides must be a JSON object");
}

TEST_P(ValueRulesTest, ArnFieldsMustBeArnsOfTheirResource) {
  const std::vector<std::string> bad = {
      "notanarn",
      "web:3",
      "arn:aws:ecs:us-east-1:000000000000:service/c/web",
      "arn:aws:ecs:us-east-1:000000000000:task-definition/web",      // no revision
      "arn:aws:ecs:us-east-1:000000000000:task-definition/web:0",    // revisions start at 1
      "arn:aws:ecs:us-east-1:12345:task-definition/web:3",           // account: 12 digits
      "arn:aws:ecs:us-east-1:000000000000:task-definition/we b:3"};  // family characters
  for (const std::string& arn : bad) {
    Task t = NewTask("test-cluster");
    t.task_definition_arn = arn;
    ExpectRefused([&] { store().tasks().Create(t); }, "task task_definition_arn is not a");
  }
  Service s;
  s.cluster_arn = "test-cluster";
  s.name = "web";
  s.task_definition_arn = "arn:aws-cn:ecs:cn-north-1:123456789012:task-definition/web-app_2:12";
  s.role_arn = "arn:aws:ecs:us-east-1:123456789012:role/x";
  ExpectRefused([&] { store().services().Create(s); }, "service role_arn is not a role ARN");
  s.role_arn = "arn:aws:iam::123456789012:role/ecsServiceRole";
  EXPECT_EQ(store().services().Create(s).role_arn, s.role_arn);
}

TEST_P(ValueRulesTest, AFilterNoRowCanMatchIsRefusedNotAnEmptyList) {
  TaskFilter tasks;
  tasks.desired_status = "running";
  ExpectRefused([&] { store().tasks().List("test-cluster", tasks); },
                "desired status filter is not one of PENDING, RUNNING, STOPPED");
  ExpectRefused([&] { store().tasks().Count("test-cluster", tasks); }, "desired status filter");
  tasks.desired_status = "";
  tasks.last_status = "Running";
  ExpectRefused([&] { store().tasks().List("test-cluster", tasks); }, "last status filter");
  ServiceFilter services;
  services.launch_type = "ec2";
  ExpectRefused([&] { store().services().List("test-cluster", services); },
                "launch type filter is not one of EC2");
  services.launch_type = "";
  services.status = "RUNNING";
  ExpectRefused([&] { store().services().List("test-cluster", services); }, "status filter");
}

// Other writers meet the same enumerations in the database (migration 6:
// CHECK constraints on PostgreSQL, triggers on SQLite): every value the
// library accepts is stored, and one it refuses is refused, by UPDATE and by
// INSERT. The values come from the library's declaration, so the two lists
// cannot drift apart unnoticed.
TEST_P(ValueRulesTest, TheDatabaseHoldsOtherWritersToTheSameEnumerations) {
  MakeService("test-cluster", "web");
  store().tasks().Create(NewTask("test-cluster"));
  const auto check = [&](const std::string& table, const auto& columns) {
    for (const auto& column : columns) {
      if (column.rule == nullptr || column.rule->values.empty()) continue;
      const std::string name = table + "." + column.name;
      for (const std::string_view value : column.rule->values) {
        EXPECT_NO_THROW(db().Exec("UPDATE " + table + " SET " + column.name + " = '" +
                                  std::string(value) + "'"))
            << name << " = '" << value << "'";
      }
      EXPECT_ANY_THROW(db().Exec("UPDATE " + table + " SET " + column.name + " = 'BOGUS'")) << name;
      db().Exec("CREATE TEMP TABLE copied AS SELECT * FROM " + table);
      db().Exec("UPDATE copied SET id = 'copy', arn = 'arn:copy'" +
                std::string(table == "clusters" ? ", name = 'copy'" : ""));
      db().Exec("UPDATE copied SET " + std::string(column.name) + " = 'bogus'");
      EXPECT_ANY_THROW(db().Exec("INSERT INTO " + table + " SELECT * FROM copied")) << name;
      db().Exec("DROP TABLE copied");
    }
  };
  check("clusters", repositories::ClusterColumns());
  check("services", repositories::ServiceColumns());
  check("tasks", repositories::TaskColumns());
  EXPECT_EQ(Rows(), 3) << "nothing refused was stored";
}

STRATA_BACKEND_TEST_SUITE(ValueRulesTest);

}  // namespace
}  // namespace strata::testing
