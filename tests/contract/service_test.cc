// ServiceRepository's contract, on every backend.
#include <set>

#include "store_fixture.h"

namespace strata::testing {
namespace {

class ServiceRepositoryTest : public ClusterStoreTest {};

TEST_P(ServiceRepositoryTest, CreateDerivesArnAndFindsByNameOrArn) {
  Service in;
  in.cluster_arn = "test-cluster";
  in.name = "web";
  in.task_definition_arn = "arn:aws:ecs:us-east-1:000000000000:task-definition/web:1";
  in.desired_count = 3;
  in.running_count = 2;  // store-owned: ignored
  in.pending_count = 1;
  in.enable_execute_command = true;
  in.network_configuration = R"({"awsvpcConfiguration":{"subnets":["a","b"]}})";
  const Service s = store().services().Create(in);
  EXPECT_EQ(s.arn, "arn:aws:ecs:us-east-1:000000000000:service/test-cluster/web");
  EXPECT_EQ(s.cluster_arn, cluster_.arn);
  EXPECT_EQ(s.version, 1);
  for (const std::string& cluster : {cluster_.name, cluster_.arn}) {
    for (const std::string& key : {s.name, s.arn}) {
      const std::optional<Service> found = store().services().Find(cluster, key);
      ASSERT_TRUE(found) << cluster << " " << key;
      EXPECT_EQ(found->id, s.id);
      EXPECT_EQ(found->desired_count, 3);
      EXPECT_EQ(found->running_count, 0);
      EXPECT_EQ(found->pending_count, 0);
      EXPECT_TRUE(found->enable_execute_command);
      EXPECT_FALSE(found->enable_ecs_managed_tags);
      EXPECT_EQ(found->network_configuration, in.network_configuration);
      EXPECT_EQ(found->created_at, s.created_at);
    }
  }
}

TEST_P(ServiceRepositoryTest, DuplicatesAndUnknownClusters) {
  MakeService("test-cluster", "web");
  EXPECT_THROW(MakeService("test-cluster", "web"), AlreadyExistsError);
  MakeCluster("other");
  EXPECT_NO_THROW(MakeService("other", "web"));  // unique per cluster
  EXPECT_THROW(MakeService("missing", "web"), NotFoundError);
  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM services"), 2);
}

TEST_P(ServiceRepositoryTest, MissingServicesAndClusters) {
  EXPECT_FALSE(store().services().Find("test-cluster", "nope"));
  EXPECT_FALSE(store().services().Find("missing", "nope"));
  EXPECT_THROW(store().services().Delete("test-cluster", "nope"), NotFoundError);
  EXPECT_THROW(store().services().List("missing"), NotFoundError);
  Service s;
  s.cluster_arn = "test-cluster";
  s.name = "nope";
  s.version = 1;
  EXPECT_THROW(store().services().Update(s), NotFoundError);
}

TEST_P(ServiceRepositoryTest, UpdateByArnOrClusterAndName) {
  Service s = MakeService("test-cluster", "web");
  s.desired_count = 5;
  s.running_count = 4;
  s.status = "DRAINING";
  const Service updated = store().services().Update(s);
  EXPECT_EQ(updated.version, 2);
  EXPECT_EQ(updated.desired_count, 5);
  EXPECT_EQ(updated.status, "DRAINING");

  Service by_name = updated;
  by_name.arn.clear();
  by_name.cluster_arn = "test-cluster";
  by_name.desired_count = 6;
  EXPECT_EQ(store().services().Update(by_name).version, 3);
  s.desired_count = 7;  // version 1: stale
  EXPECT_THROW(store().services().Update(s), ConflictError);
  EXPECT_EQ(store().services().Find("test-cluster", "web")->desired_count, 6);
}

TEST_P(ServiceRepositoryTest, DeleteByNameOrArnRefusedWhileItWantsTasksUnlessForced) {
  Service a = MakeService("test-cluster", "a");  // desired_count 1
  MakeService("test-cluster", "b");
  EXPECT_THROW(store().services().Delete("test-cluster", a.arn), ConflictError);
  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM services"), 2) << "refused: nothing changed";
  a.desired_count = 0;
  store().services().Update(a);
  store().services().Delete("test-cluster", a.arn);
  DeleteOptions force;
  force.force = true;
  store().services().Delete(cluster_.arn, "b", force);
  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM services WHERE status = 'INACTIVE'"), 2)
      << "no tasks: INACTIVE at once";
  EXPECT_EQ(store().services().Find("test-cluster", "b")->desired_count, 0) << "forced to 0";
  EXPECT_THROW(store().services().Delete(cluster_.arn, "b", force), NotFoundError);
  EXPECT_THROW(store().services().Delete(cluster_.arn, "b"), NotFoundError);
}

TEST_P(ServiceRepositoryTest, ListPagesAndFiltersByLaunchTypeAndStatus) {
  for (int i = 0; i < 5; ++i) MakeService("test-cluster", "svc-" + std::to_string(i));
  MakeService("test-cluster", "fargate-service", "FARGATE");
  MakeCluster("other");
  MakeService("other", "elsewhere");

  PageRequest all;
  all.limit = 10;
  const Page<Service> page = store().services().List("test-cluster", {}, all);
  EXPECT_EQ(page.items.size(), 6u);
  EXPECT_EQ(page.next_token, "");

  PageRequest two;
  two.limit = 2;
  const Page<Service> first = store().services().List("test-cluster", {}, two);
  ASSERT_EQ(first.items.size(), 2u);
  ASSERT_FALSE(first.next_token.empty());
  two.next_token = first.next_token;
  const Page<Service> second = store().services().List(cluster_.arn, {}, two);
  ASSERT_EQ(second.items.size(), 2u);
  EXPECT_NE(second.items[0].id, first.items[0].id);
  EXPECT_NE(second.items[0].id, first.items[1].id);

  ServiceFilter fargate;
  fargate.launch_type = "FARGATE";
  const Page<Service> only = store().services().List("test-cluster", fargate, all);
  ASSERT_EQ(only.items.size(), 1u);
  EXPECT_EQ(only.items[0].name, "fargate-service");

  ServiceFilter draining;
  draining.status = "DRAINING";
  EXPECT_TRUE(store().services().List("test-cluster", draining, all).items.empty());
}

TEST_P(ServiceRepositoryTest, ATokenIsBoundToItsClusterAndFilter) {
  for (int i = 0; i < 3; ++i) MakeService("test-cluster", "s" + std::to_string(i));
  MakeCluster("other");
  for (int i = 0; i < 3; ++i) MakeService("other", "s" + std::to_string(i));
  PageRequest request;
  request.limit = 1;
  request.next_token = store().services().List("test-cluster", {}, request).next_token;
  ASSERT_FALSE(request.next_token.empty());
  EXPECT_THROW(store().services().List("other", {}, request), InvalidArgumentError);
  ServiceFilter ec2;
  ec2.launch_type = "EC2";
  EXPECT_THROW(store().services().List("test-cluster", ec2, request), InvalidArgumentError);
  EXPECT_EQ(store().services().List("test-cluster", {}, request).items.size(), 1u);
}

STRATA_BACKEND_TEST_SUITE(ServiceRepositoryTest);

}  // namespace
}  // namespace strata::testing
