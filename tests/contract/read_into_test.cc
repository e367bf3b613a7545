// ListInto's and FindInto's contract on every backend: a page read into the
// caller's previous one holds exactly what List returns (no field or row of
// the old page left behind), and an error leaves it empty; an object read
// into a previous one is exactly what Find returns, and one not found leaves
// it as it was.
#include <string>
#include <variant>
#include <vector>

#include "store_fixture.h"
#include "strata/fields.h"

namespace strata::testing {
namespace {

using std::chrono::microseconds;

// Every field of `a` and `b` (strata::Fields), naming the first that differs.
template <class E>
::testing::AssertionResult SameFields(const E& a, const E& b) {
  for (const Field<E>& field : Fields<E>()) {
    const bool same = std::visit([&](auto member) { return a.*member == b.*member; }, field.member);
    if (!same) return ::testing::AssertionFailure() << "field " << field.name << " differs";
  }
  return ::testing::AssertionSuccess();
}

template <class E>
void ExpectSamePage(const Page<E>& listed, const Page<E>& into) {
  ASSERT_EQ(into.items.size(), listed.items.size());
  for (std::size_t i = 0; i < listed.items.size(); ++i) {
    EXPECT_TRUE(SameFields(listed.items[i], into.items[i])) << "row " << i;
  }
  EXPECT_EQ(into.next_token, listed.next_token);
}

class ListIntoTest : public ClusterStoreTest {};

TEST_P(ListIntoTest, TasksReadIntoAFullerRicherPageLeaveNothingOfIt) {
  // A page of tasks with every optional field set, then a shorter page of
  // bare tasks from another cluster read into it.
  for (int i = 0; i < 3; ++i) {
    Task rich = NewTask("test-cluster");
    rich.group = "service:web";
    rich.health_status = "HEALTHY";
    rich.stopped_reason = std::string(200, 'r');
    rich.overrides = R"({"containerOverrides":[{"name":"app"}]})";
    rich.tags = R"([{"key":"k","value":"v"}])";
    rich.enable_execute_command = true;
    rich.started_at = Timestamp(microseconds(1'767'225'600'123'457 + i));
    rich.stopped_at = rich.started_at;
    rich.pull_started_at = rich.started_at;
    store().tasks().Create(rich);
  }
  MakeCluster("other");
  for (int i = 0; i < 2; ++i) store().tasks().Create(NewTask("other", "db"));

  PageRequest request;
  request.limit = 2;
  Page<Task> page;
  store().tasks().ListInto("test-cluster", {}, request, page);
  ASSERT_EQ(page.items.size(), 2u);
  ASSERT_TRUE(page.items[0].started_at);
  EXPECT_FALSE(page.next_token.empty());

  request.limit = 5;
  store().tasks().ListInto("other", {}, request, page);
  ExpectSamePage(store().tasks().List("other", {}, request), page);
  for (const Task& t : page.items) {
    EXPECT_FALSE(t.started_at);
    EXPECT_EQ(t.overrides, "");
    EXPECT_EQ(t.stopped_reason, "");
    EXPECT_FALSE(t.enable_execute_command);
  }

  // And a longer page read into the shorter one.
  request.limit = 2;
  Page<Task> small;
  store().tasks().ListInto("other", {}, request, small);
  ASSERT_EQ(small.items.size(), 2u);
  request.limit = 3;
  store().tasks().ListInto("test-cluster", {}, request, small);
  ExpectSamePage(store().tasks().List("test-cluster", {}, request), small);
  EXPECT_EQ(small.items.size(), 3u);
}

TEST_P(ListIntoTest, PagingByListIntoVisitsWhatListDoesInTheSameOrder) {
  std::vector<Task> many;
  for (int i = 0; i < 23; ++i) many.push_back(NewTask("test-cluster", i % 2 ? "web" : "db"));
  store().tasks().CreateMany(many);
  TaskFilter filter;
  filter.family = "web";
  PageRequest by_list, by_into;
  by_list.limit = by_into.limit = 4;
  Page<Task> page;
  int pages = 0;
  do {
    const Page<Task> listed = store().tasks().List("test-cluster", filter, by_list);
    store().tasks().ListInto(cluster_.arn, filter, by_into, page);
    ExpectSamePage(listed, page);
    by_list.next_token = listed.next_token;
    by_into.next_token = page.next_token;
  } while (!by_list.next_token.empty() && ++pages < 10);
  EXPECT_EQ(pages, 2) << "11 web tasks in pages of 4";
}

TEST_P(ListIntoTest, AnErrorLeavesThePageEmpty) {
  for (int i = 0; i < 3; ++i) store().tasks().Create(NewTask("test-cluster"));
  PageRequest request;
  request.limit = 2;
  Page<Task> page;
  const auto refill = [&] {
    store().tasks().ListInto("test-cluster", {}, PageRequest{2, ""}, page);
    ASSERT_EQ(page.items.size(), 2u);
    ASSERT_FALSE(page.next_token.empty());
  };
  refill();
  EXPECT_THROW(store().tasks().ListInto("missing", {}, request, page), NotFoundError);
  EXPECT_TRUE(page.items.empty());
  EXPECT_TRUE(page.next_token.empty());
  refill();
  request.limit = 0;
  EXPECT_THROW(store().tasks().ListInto("test-cluster", {}, request, page), InvalidArgumentError);
  EXPECT_TRUE(page.items.empty());
  refill();
  request.limit = 2;
  request.next_token = "not-a-token";
  EXPECT_THROW(store().tasks().ListInto("test-cluster", {}, request, page), InvalidArgumentError);
  EXPECT_TRUE(page.items.empty());
  EXPECT_TRUE(page.next_token.empty());
}

TEST_P(ListIntoTest, ServicesAndClustersWithTheirDeletedOnesRefillToo) {
  MakeService("test-cluster", "a");
  MakeService("test-cluster", "b");
  Service gone = MakeService("test-cluster", "c");
  gone.desired_count = 0;
  gone = store().services().Update(gone);
  store().services().Delete("test-cluster", "c");
  ServiceFilter all;
  all.include_inactive = true;
  Page<Service> services;
  store().services().ListInto("test-cluster", all, {}, services);
  ASSERT_EQ(services.items.size(), 3u);
  store().services().ListInto("test-cluster", {}, PageRequest{1, ""}, services);
  ExpectSamePage(store().services().List("test-cluster", {}, PageRequest{1, ""}), services);
  EXPECT_FALSE(services.next_token.empty());

  // Clusters: the list with deleted ones merges two tables' pages.
  MakeCluster("second");
  store().clusters().Delete("second");
  MakeCluster("third");
  ClusterFilter with_deleted;
  with_deleted.include_inactive = true;
  Page<Cluster> clusters;
  PageRequest request;
  request.limit = 2;
  store().clusters().ListInto(with_deleted, request, clusters);
  ExpectSamePage(store().clusters().List(with_deleted, request), clusters);
  EXPECT_EQ(clusters.items[1].status, "INACTIVE");
  request.next_token = clusters.next_token;
  store().clusters().ListInto(with_deleted, request, clusters);
  ExpectSamePage(store().clusters().List(with_deleted, request), clusters);
  ASSERT_EQ(clusters.items.size(), 1u);
  EXPECT_EQ(clusters.items[0].name, "third");
  EXPECT_TRUE(clusters.next_token.empty());
  store().clusters().ListInto({}, {}, clusters);
  ExpectSamePage(store().clusters().List(), clusters);
  EXPECT_EQ(clusters.items.size(), 2u);
}

STRATA_BACKEND_TEST_SUITE(ListIntoTest);

class FindIntoTest : public ClusterStoreTest {};

TEST_P(FindIntoTest, ATaskReadIntoARicherOneIsWhatFindReturns) {
  Task rich = NewTask("test-cluster");
  rich.group = "service:web";
  rich.stopped_reason = std::string(200, 'r');
  rich.overrides = R"({"containerOverrides":[{"name":"app"}]})";
  rich.enable_execute_command = true;
  rich.started_at = Timestamp(microseconds(1'767'225'600'123'457));
  rich = store().tasks().Create(rich);
  MakeCluster("other");
  Task bare = store().tasks().Create(NewTask("other", "db"));

  Task into = rich;
  ASSERT_TRUE(store().tasks().FindInto("other", bare.arn, into));
  EXPECT_TRUE(SameFields(*store().tasks().Find("other", bare.id), into));
  EXPECT_FALSE(into.started_at);
  EXPECT_EQ(into.stopped_reason, "");

  // A value of the same length, changed, and one that grew: read again
  // into the same task.
  ASSERT_EQ(bare.desired_status, "RUNNING");
  bare.desired_status = "STOPPED";
  bare.stopped_reason = "scaled in";
  bare = store().tasks().Update(bare);
  ASSERT_TRUE(store().tasks().FindInto("other", bare.id, into));
  EXPECT_EQ(into.desired_status, "STOPPED");
  EXPECT_EQ(into.stopped_reason, "scaled in");
  EXPECT_TRUE(SameFields(bare, into));
  ASSERT_TRUE(store().tasks().FindInto(cluster_.name, rich.arn, into));
  EXPECT_TRUE(SameFields(rich, into));
}

TEST_P(FindIntoTest, NotFoundLeavesTheTaskAsItWas) {
  const Task stored = store().tasks().Create(NewTask("test-cluster"));
  Task into = stored;
  EXPECT_FALSE(store().tasks().FindInto("test-cluster", "0123456789abcdef", into));
  EXPECT_FALSE(store().tasks().FindInto("missing-cluster", stored.id, into));
  EXPECT_TRUE(SameFields(stored, into));
  EXPECT_THROW(store().tasks().FindInto("test-cluster", "", into), InvalidArgumentError);
  EXPECT_TRUE(SameFields(stored, into));
  EXPECT_FALSE(store().tasks().Find("test-cluster", "0123456789abcdef"));
}

TEST_P(FindIntoTest, ServicesAndDeletedClustersAreReadWhole) {
  Service live = MakeService("test-cluster", "web");
  Service gone = MakeService("test-cluster", "db");
  gone.desired_count = 0;
  gone = store().services().Update(gone);
  store().services().Delete("test-cluster", "db");
  Service into = live;
  ASSERT_TRUE(store().services().FindInto("test-cluster", "db", into));
  EXPECT_EQ(into.status, "INACTIVE");
  EXPECT_TRUE(SameFields(*store().services().Find("test-cluster", "db"), into));
  const Service before = into;
  EXPECT_FALSE(store().services().FindInto("test-cluster", "none", into));
  EXPECT_TRUE(SameFields(before, into));

  // A live cluster with tasks running read, then a deleted one into it: the
  // deleted one's counters are read as 0, not left from the live one.
  Task running = NewTask("test-cluster");
  running.last_status = "RUNNING";
  store().tasks().Create(running);
  MakeCluster("second");
  store().clusters().Delete("second");
  Cluster cluster;
  ASSERT_TRUE(store().clusters().FindInto("test-cluster", cluster));
  ASSERT_EQ(cluster.running_tasks_count, 1);
  ASSERT_TRUE(store().clusters().FindInto("second", cluster));
  EXPECT_EQ(cluster.status, "INACTIVE");
  EXPECT_EQ(cluster.running_tasks_count, 0);
  EXPECT_TRUE(SameFields(*store().clusters().Find("second"), cluster));
  EXPECT_FALSE(store().clusters().FindInto("never-made", cluster));
  EXPECT_EQ(cluster.name, "second");
}

STRATA_BACKEND_TEST_SUITE(FindIntoTest);

}  // namespace
}  // namespace strata::testing
