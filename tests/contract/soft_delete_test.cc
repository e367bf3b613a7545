// Deletes as ECS does them, on both backends: a deleted cluster is INACTIVE,
// still found, listed on request and purged by age, and its name is free; a
// deleted service drains (DRAINING until its last task stops, then INACTIVE,
// also when the last stops race each other or the delete).
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "store_fixture.h"

namespace strata::testing {
namespace {

class SoftDeleteTest : public ClusterStoreTest {
 protected:
  Task Running(const std::string& group) {
    Task t = NewTask("test-cluster");
    t.group = group;
    t.last_status = "RUNNING";
    return store().tasks().Create(t);
  }
  void Stop(const Task& t) {
    TaskStatusChange change;
    change.last_status = "STOPPED";
    store().tasks().AdvanceStatus("test-cluster", t.id, change);
  }
  std::string Status(const std::string& service) {
    return store().services().Find("test-cluster", service)->status;
  }
};

TEST_P(SoftDeleteTest, ADeletedClusterIsInactiveFoundListedOnRequestAndItsNameIsFree) {
  const Cluster old = MakeCluster("prod");
  store().clusters().Delete("prod");
  for (const std::string& key : {old.name, old.arn}) {
    const std::optional<Cluster> found = store().clusters().Find(key);
    ASSERT_TRUE(found) << key;
    EXPECT_EQ(found->id, old.id);
    EXPECT_EQ(found->status, "INACTIVE");
    EXPECT_EQ(found->version, 2);
    EXPECT_GT(found->updated_at, old.updated_at);
  }
  EXPECT_EQ(store().clusters().List().items.size(), 1u) << "test-cluster only";
  EXPECT_EQ(store().clusters().List(ClusterFilter{.include_inactive = true}).items.size(), 2u);
  EXPECT_THROW(store().clusters().Delete("prod"), NotFoundError) << "already deleted";
  EXPECT_THROW(store().services().Create([] {
    Service s;
    s.cluster_arn = "prod";
    s.name = "web";
    s.task_definition_arn = "arn:aws:ecs:us-east-1:000000000000:task-definition/web:1";
    return s;
  }()),
               NotFoundError)
      << "nothing is created in an INACTIVE cluster";
  try {
    store().tasks().List("prod");
    ADD_FAILURE() << "listed the tasks of a deleted cluster";
  } catch (const NotFoundError& e) {
    EXPECT_NE(std::string(e.what()).find("cluster is INACTIVE (deleted)"), std::string::npos)
        << e.what();
  }

  const Cluster again = MakeCluster("prod");
  EXPECT_EQ(again.arn, old.arn);
  EXPECT_EQ(store().clusters().Find("prod")->id, again.id) << "the live one first";
  EXPECT_EQ(store().clusters().Find(old.arn)->id, again.id);
  store().clusters().Delete("prod");
  EXPECT_EQ(store().clusters().Find("prod")->id, again.id) << "then the latest deleted";

  EXPECT_EQ(store().clusters().Purge(old.created_at), 0) << "none deleted that long ago";
  EXPECT_EQ(store().clusters().Purge(Now() + std::chrono::seconds(1)), 2);
  EXPECT_FALSE(store().clusters().Find("prod"));
  EXPECT_EQ(store().clusters().List(ClusterFilter{.include_inactive = true}).items.size(), 1u);
}

TEST_P(SoftDeleteTest, PagesOfLiveAndInactiveClustersListEachOnceInOrder) {
  for (int i = 0; i < 9; ++i) {
    MakeCluster("c" + std::to_string(i));
    if (i % 2 == 0) store().clusters().Delete("c" + std::to_string(i));
  }
  PageRequest request;
  request.limit = 3;
  std::vector<Cluster> all;
  int calls = 0;
  do {
    Page<Cluster> page = store().clusters().List(ClusterFilter{.include_inactive = true}, request);
    ++calls;
    all.insert(all.end(), page.items.begin(), page.items.end());
    request.next_token = page.next_token;
  } while (!request.next_token.empty());
  EXPECT_EQ(calls, 4);
  ASSERT_EQ(all.size(), 10u);
  std::set<std::string> ids;
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_TRUE(ids.insert(all[i].id).second);
    if (i > 0) {
      EXPECT_LE(all[i - 1].created_at, all[i].created_at);
    }
  }
  PageRequest live;
  live.limit = 3;
  live.next_token =
      store().clusters().List(ClusterFilter{.include_inactive = true}, live).next_token;
  EXPECT_THROW(store().clusters().List(live), InvalidArgumentError)
      << "a token belongs to its list";
}

TEST_P(SoftDeleteTest, ADeletedServiceDrainsUntilItsLastTaskStops) {
  Service web = MakeService("test-cluster", "web");
  const Task a = Running("service:web"), b = Running("service:web");
  Running("service:api");
  web.desired_count = 0;
  store().services().Update(web);
  store().services().Delete("test-cluster", "web");
  EXPECT_EQ(Status("web"), "DRAINING");
  EXPECT_EQ(store().services().List("test-cluster").items.size(), 1u) << "DRAINING is listed";
  Stop(a);
  EXPECT_EQ(Status("web"), "DRAINING") << "one task left";
  store().tasks().Delete("test-cluster", b.id);  // a delete ends the drain as well
  const Service done = *store().services().Find("test-cluster", "web");
  EXPECT_EQ(done.status, "INACTIVE");
  EXPECT_EQ(done.version, 4) << "create, update, delete, drained";
  EXPECT_TRUE(store().services().List("test-cluster").items.empty()) << "INACTIVE on request";
  ServiceFilter inactive;
  inactive.include_inactive = true;
  EXPECT_EQ(store().services().List("test-cluster", inactive).items.size(), 1u);
  inactive = {};
  inactive.status = "INACTIVE";
  EXPECT_EQ(store().services().List("test-cluster", inactive).items.size(), 1u);
  EXPECT_THROW(store().services().Delete("test-cluster", "web"), NotFoundError);

  const Service again = MakeService("test-cluster", "web");
  EXPECT_EQ(again.arn, web.arn) << "the name and ARN are free again";
  EXPECT_EQ(store().services().Find("test-cluster", web.arn)->id, again.id);
  Service changed = again;
  changed.desired_count = 5;
  EXPECT_EQ(store().services().Update(changed).id, again.id) << "Update finds the live one";
  EXPECT_EQ(store().clusters().Find("test-cluster")->active_services_count, 1);
}

TEST_P(SoftDeleteTest, OnlyADeleteMakesSomethingInactive) {
  Service s;
  s.cluster_arn = "test-cluster";
  s.name = "web";
  s.task_definition_arn = "arn:aws:ecs:us-east-1:000000000000:task-definition/web:1";
  s.status = "INACTIVE";
  EXPECT_THROW(store().services().Create(s), InvalidArgumentError);
  s.status = "ACTIVE";
  s = store().services().Create(s);
  s.status = "INACTIVE";
  EXPECT_THROW(store().services().Update(s), InvalidArgumentError);
  Cluster c = Named("other");
  c.status = "INACTIVE";
  EXPECT_THROW(store().clusters().Create(c), InvalidArgumentError);
  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM services WHERE status = 'INACTIVE'"), 0);
  EXPECT_FALSE(store().clusters().Find("other"));
}

// The last tasks of a draining service stopped by 8 writers at once: the
// service always ends INACTIVE (each writer counts what the others
// committed), and a delete racing the stops ends INACTIVE too.
TEST_P(SoftDeleteTest, TheLastStopsRacingEachOtherOrTheDeleteAlwaysFinishTheDrain) {
  constexpr int kTrials = 20, kTasks = 8;
  for (int trial = 0; trial < kTrials; ++trial) {
    const std::string name = "s" + std::to_string(trial);
    Service s = MakeService("test-cluster", name);
    s.desired_count = 0;
    store().services().Update(s);
    std::vector<Task> tasks;
    for (int i = 0; i < kTasks; ++i) tasks.push_back(Running("service:" + name));
    const bool delete_first = trial % 2 == 0;
    if (delete_first) store().services().Delete("test-cluster", name);
    std::atomic<int> errors = 0;
    std::vector<std::thread> threads;
    for (const Task& t : tasks) {
      threads.emplace_back([&, t] {
        try {
          Stop(t);
        } catch (const std::exception& e) {
          ADD_FAILURE() << e.what();
          ++errors;
        }
      });
    }
    if (!delete_first) store().services().Delete("test-cluster", name);
    for (std::thread& t : threads) t.join();
    ASSERT_EQ(errors.load(), 0);
    EXPECT_EQ(Status(name), "INACTIVE") << "trial " << trial;
  }
}

STRATA_BACKEND_TEST_SUITE(SoftDeleteTest);

}  // namespace
}  // namespace strata::testing
