// ClusterRepository's contract, on every backend.
#include <gmock/gmock.h>

#include <set>

#include "store_fixture.h"

namespace strata::testing {
namespace {

class ClusterRepositoryTest : public StoreTest {};

TEST_P(ClusterRepositoryTest, CreateFillsInWhatTheStoreOwns) {
  const Timestamp before = Now();
  const Cluster c = MakeCluster("prod");
  EXPECT_EQ(c.id.size(), 32u);
  EXPECT_EQ(c.arn, "arn:aws:ecs:us-east-1:000000000000:cluster/prod");
  EXPECT_EQ(c.region, "us-east-1");
  EXPECT_EQ(c.account_id, "000000000000");
  EXPECT_EQ(c.status, "ACTIVE");
  EXPECT_EQ(c.version, 1);
  EXPECT_GE(c.created_at, before);
  EXPECT_EQ(c.created_at, c.updated_at);
  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM clusters"), 1);
}

TEST_P(ClusterRepositoryTest, FindByNameOrArnReturnsWhatCreateReturned) {
  Cluster in;
  in.name = "prod";
  in.region = "eu-west-1";
  in.account_id = "123456789012";
  in.tags = R"([ {"key": "team",   "value": "core"} ])";
  in.settings = R"([{"name":"containerInsights","value":"enabled"}])";
  in.running_tasks_count = 7;  // store-owned: ignored
  const Cluster created = store().clusters().Create(in);
  for (const std::string& key : {created.name, created.arn}) {
    const std::optional<Cluster> found = store().clusters().Find(key);
    ASSERT_TRUE(found) << key;
    EXPECT_EQ(found->id, created.id);
    EXPECT_EQ(found->arn, "arn:aws:ecs:eu-west-1:123456789012:cluster/prod");
    EXPECT_EQ(found->tags, in.tags) << "JSON must come back byte-identical";
    EXPECT_EQ(found->settings, in.settings);
    EXPECT_EQ(found->configuration, "");
    EXPECT_EQ(found->running_tasks_count, 0);
    EXPECT_EQ(found->version, 1);
    EXPECT_EQ(found->created_at, created.created_at) << "microseconds must round-trip";
    EXPECT_EQ(found->updated_at, created.updated_at);
  }
}

TEST_P(ClusterRepositoryTest, DuplicateNameOrArnIsAlreadyExists) {
  MakeCluster("prod");
  EXPECT_THROW(MakeCluster("prod"), AlreadyExistsError);
  Cluster same_arn;
  same_arn.name = "other";
  same_arn.arn = "arn:aws:ecs:us-east-1:000000000000:cluster/prod";
  EXPECT_THROW(store().clusters().Create(same_arn), AlreadyExistsError);
  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM clusters"), 1);
}

TEST_P(ClusterRepositoryTest, MissingClusterIsNulloptOrNotFound) {
  EXPECT_FALSE(store().clusters().Find("nope"));
  EXPECT_FALSE(store().clusters().Find("arn:aws:ecs:us-east-1:000000000000:cluster/nope"));
  Cluster c;
  c.name = "nope";
  c.version = 1;
  EXPECT_THROW(store().clusters().Update(c), NotFoundError);
  EXPECT_THROW(store().clusters().Delete("nope"), NotFoundError);
}

TEST_P(ClusterRepositoryTest, UpdateBumpsVersionAndRefusesAStaleOne) {
  Cluster c = MakeCluster("prod");
  c.status = "PROVISIONING";
  c.tags = R"({"Environment": "test"})";
  c.name = "renamed";  // not mutable: the ARN names the row
  const Cluster updated = store().clusters().Update(c);
  EXPECT_EQ(updated.version, 2);
  EXPECT_EQ(updated.status, "PROVISIONING");
  EXPECT_EQ(updated.name, "prod");
  EXPECT_EQ(updated.created_at, c.created_at);
  EXPECT_GE(updated.updated_at, c.updated_at);
  const std::optional<Cluster> found = store().clusters().Find("prod");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->tags, R"({"Environment": "test"})");
  EXPECT_EQ(found->version, 2);

  c.status = "FAILED";  // c.version is still 1
  EXPECT_THROW(store().clusters().Update(c), ConflictError);
  c.status = "INACTIVE";
  c.version = 2;
  EXPECT_THROW(store().clusters().Update(c), InvalidArgumentError) << "only a delete sets it";
  EXPECT_EQ(store().clusters().Find("prod")->status, "PROVISIONING");
}

TEST_P(ClusterRepositoryTest, DeleteIsRefusedWhileInUseAndForcedRemovesEverything) {
  const Cluster c = MakeCluster("prod");
  MakeCluster("other");
  MakeService("prod", "web");
  store().tasks().Create(NewTask("prod"));
  store().tasks().Create(NewTask("other"));
  try {
    store().clusters().Delete(c.arn);
    ADD_FAILURE() << "deleted a cluster in use";
  } catch (const ConflictError& e) {
    EXPECT_THAT(std::string(e.what()),
                ::testing::HasSubstr("1 active or draining services and 1 tasks not stopped"));
    EXPECT_THAT(std::string(e.what()), ::testing::HasSubstr("--force"));
  }
  EXPECT_TRUE(store().clusters().Find("prod")) << "a refused delete changes nothing";
  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM tasks"), 2);
  DeleteOptions force;
  force.force = true;
  store().clusters().Delete(c.arn, force);
  EXPECT_EQ(store().clusters().Find("prod")->status, "INACTIVE");
  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM services"), 0);
  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM tasks"), 1);
  EXPECT_THROW(store().clusters().Delete("prod"), NotFoundError);
  EXPECT_THROW(store().clusters().Delete("prod", force), NotFoundError) << "deleted already";
  // By name, forced: one statement on PostgreSQL, a transaction on SQLite.
  store().clusters().Delete("other", force);
  EXPECT_EQ(store().clusters().Find("other")->status, "INACTIVE");
  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM clusters"), 0);
  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM inactive_clusters"), 2);
  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM tasks"), 0);
  EXPECT_EQ(db().QueryInt("SELECT coalesce(sum(running + pending + stopping), 0) FROM task_counts"),
            0);
}

TEST_P(ClusterRepositoryTest, InactiveServicesAndStoppedTasksDoNotHoldACluster) {
  MakeCluster("prod");
  MakeService("prod", "web");
  store().services().Delete("prod", "web", DeleteOptions{.force = true});
  Task t = store().tasks().Create(NewTask("prod"));
  TaskStatusChange stop;
  stop.last_status = "STOPPED";
  store().tasks().AdvanceStatus("prod", t.id, stop);
  store().clusters().Delete("prod");
  EXPECT_EQ(store().clusters().Find("prod")->status, "INACTIVE");
  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM tasks"), 0) << "removed with the cluster";
}

TEST_P(ClusterRepositoryTest, TenClustersInPagesOfThreeTakeExactlyFourCalls) {
  for (int i = 0; i < 10; ++i) MakeCluster("page-" + std::to_string(i));
  PageRequest request;
  request.limit = 3;
  std::set<std::string> seen;
  int calls = 0;
  std::vector<std::size_t> sizes;
  do {
    const Page<Cluster> page = store().clusters().List(request);
    ++calls;
    sizes.push_back(page.items.size());
    for (const Cluster& c : page.items) EXPECT_TRUE(seen.insert(c.id).second) << "repeated";
    request.next_token = page.next_token;
  } while (!request.next_token.empty() && calls < 10);
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(sizes, (std::vector<std::size_t>{3, 3, 3, 1}));
  EXPECT_EQ(seen.size(), 10u);
}

TEST_P(ClusterRepositoryTest, NoTokenWhenTheLastPageIsExactlyFull) {
  for (int i = 0; i < 6; ++i) MakeCluster("c" + std::to_string(i));
  PageRequest request;
  request.limit = 3;
  const Page<Cluster> first = store().clusters().List(request);
  ASSERT_FALSE(first.next_token.empty());
  request.next_token = first.next_token;
  const Page<Cluster> second = store().clusters().List(request);
  EXPECT_EQ(second.items.size(), 3u);
  EXPECT_EQ(second.next_token, "");
}

TEST_P(ClusterRepositoryTest, PagesFollowCreationOrder) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(MakeCluster("c" + std::to_string(i)).id);
  const Page<Cluster> page = store().clusters().List();
  ASSERT_EQ(page.items.size(), 5u);
  for (std::size_t i = 1; i < page.items.size(); ++i) {
    const auto& a = page.items[i - 1];
    const auto& b = page.items[i];
    EXPECT_TRUE(a.created_at < b.created_at || (a.created_at == b.created_at && a.id < b.id));
  }
}

TEST_P(ClusterRepositoryTest, BadLimitsAndTokensAreInvalidArguments) {
  for (int i = 0; i < 3; ++i) MakeCluster("c" + std::to_string(i));
  for (const int limit : {0, -1, 1001}) {
    PageRequest request;
    request.limit = limit;
    EXPECT_THROW(store().clusters().List(request), InvalidArgumentError) << limit;
  }
  PageRequest request;
  request.limit = 1;
  const std::string token = store().clusters().List(request).next_token;
  ASSERT_FALSE(token.empty());
  for (std::string bad : {std::string("invalid-token"), std::string("3"), token + "A",
                          token.substr(0, token.size() - 1), std::string(2000, 'A')}) {
    request.next_token = bad;
    EXPECT_THROW(store().clusters().List(request), InvalidArgumentError) << bad;
  }
  // One character changed anywhere is caught.
  for (std::size_t i = 0; i < token.size(); ++i) {
    std::string tampered = token;
    tampered[i] = tampered[i] == 'A' ? 'B' : 'A';
    request.next_token = tampered;
    EXPECT_THROW(store().clusters().List(request), InvalidArgumentError) << i;
  }
}

TEST_P(ClusterRepositoryTest, InvalidInputIsRejectedBeforeAnySql) {
  Cluster c;
  EXPECT_THROW(store().clusters().Create(c), InvalidArgumentError);  // empty name
  c.name = std::string(256, 'a');
  EXPECT_THROW(store().clusters().Create(c), InvalidArgumentError);
  c.name = "a/b";
  EXPECT_THROW(store().clusters().Create(c), InvalidArgumentError);
  c.name = "arn:looks-like-one";
  EXPECT_THROW(store().clusters().Create(c), InvalidArgumentError);
  c.name = "ok";
  c.tags = "{not json";
  EXPECT_THROW(store().clusters().Create(c), InvalidArgumentError);
  c.tags = R"({"a":1} trailing)";
  EXPECT_THROW(store().clusters().Create(c), InvalidArgumentError);
  EXPECT_THROW(store().clusters().Find(""), InvalidArgumentError);
  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM clusters"), 0);
}

TEST_P(ClusterRepositoryTest, NamesWithQuotesAndSqlFragmentsAreJustNames) {
  const std::vector<std::string> names = {"o'brien", "\"quoted\"",  "x'; DROP TABLE clusters; --",
                                          "50%_off", "back\\slash", "ünïcødé 名前"};
  for (const std::string& name : names) MakeCluster(name);
  for (const std::string& name : names) {
    const std::optional<Cluster> found = store().clusters().Find(name);
    ASSERT_TRUE(found) << name;
    EXPECT_EQ(found->name, name);
  }
  EXPECT_FALSE(store().clusters().Find("50%"));  // no LIKE semantics
  EXPECT_FALSE(store().clusters().Find("50__off"));
  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM clusters"), static_cast<int>(names.size()));
}

STRATA_BACKEND_TEST_SUITE(ClusterRepositoryTest);

}  // namespace
}  // namespace strata::testing
