// Writes of tasks and services check their cluster inside the INSERT, from
// what the store remembered of it: what another store does to the cluster
// meanwhile must still be seen, on every backend.
#include "store_fixture.h"

namespace strata::testing {
namespace {

class ClusterCacheTest : public StoreTest {
 protected:
  // A second store on the same database: another instance of the control
  // plane.
  std::unique_ptr<Store> Other() {
    StoreOptions o = options();
    o.pool_size = 2;
    return Store::Open(o);
  }

  static Cluster InRegion(const std::string& name, const std::string& region) {
    Cluster c = Named(name);
    c.region = region;
    return c;
  }
};

TEST_P(ClusterCacheTest, WritesFollowAClusterThatAnotherStoreReplaced) {
  const Cluster first = store().clusters().Create(InRegion("prod", "us-east-1"));
  // By name and by ARN: both are remembered.
  EXPECT_EQ(store().tasks().Create(NewTask("prod")).cluster_arn, first.arn);
  EXPECT_EQ(store().tasks().Create(NewTask(first.arn)).cluster_arn, first.arn);
  EXPECT_EQ(MakeService("prod", "web").cluster_arn, first.arn);

  const std::unique_ptr<Store> other = Other();
  other->clusters().Delete("prod", {true});
  const Cluster second = other->clusters().Create(InRegion("prod", "eu-west-1"));
  ASSERT_NE(second.arn, first.arn);

  const Task task = store().tasks().Create(NewTask("prod"));
  EXPECT_EQ(task.cluster_arn, second.arn);
  EXPECT_EQ(task.region, "eu-west-1");
  EXPECT_EQ(task.arn, "arn:aws:ecs:eu-west-1:000000000000:task/prod/" + task.id);

  Task upserted = NewTask("prod");
  upserted.id = "upserted";
  upserted = store().tasks().Upsert(upserted);
  EXPECT_EQ(upserted.cluster_arn, second.arn);
  EXPECT_EQ(upserted.arn, "arn:aws:ecs:eu-west-1:000000000000:task/prod/upserted");

  const Service service = MakeService("prod", "api");
  EXPECT_EQ(service.cluster_arn, second.arn);
  EXPECT_EQ(service.arn, "arn:aws:ecs:eu-west-1:000000000000:service/prod/api");

  // The old cluster's ARN names no live cluster any more.
  EXPECT_THROW(store().tasks().Create(NewTask(first.arn)), NotFoundError);
  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM tasks WHERE region = 'eu-west-1'"), 2);
  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM services WHERE region = 'eu-west-1'"), 1);
}

TEST_P(ClusterCacheTest, AClusterThatAnotherStoreDeletedTakesNoWrites) {
  MakeCluster("gone");
  store().tasks().Create(NewTask("gone"));
  MakeService("gone", "web");
  Task upsert = NewTask("gone");
  upsert.id = "fixed";
  store().tasks().Upsert(upsert);

  Other()->clusters().Delete("gone", {true});

  EXPECT_THROW(store().tasks().Create(NewTask("gone")), NotFoundError);
  EXPECT_THROW(store().tasks().Upsert(upsert), NotFoundError);
  EXPECT_THROW(MakeService("gone", "api"), NotFoundError);
  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM tasks"), 0);
  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM services"), 0);
}

TEST_P(ClusterCacheTest, ACachedClusterNeedsNoLookupButStillChecksTheInsert) {
  // Explicit task fields win over the cluster's, also on a cached cluster.
  MakeCluster("prod");
  store().tasks().Create(NewTask("prod"));
  Task t = NewTask("prod");
  t.region = "ap-south-1";
  t.account_id = "123456789012";
  t = store().tasks().Create(t);
  EXPECT_EQ(t.region, "ap-south-1");
  EXPECT_EQ(t.account_id, "123456789012");
  EXPECT_EQ(t.arn, "arn:aws:ecs:ap-south-1:123456789012:task/prod/" + t.id);
  // A duplicate is still refused by the guarded statement.
  EXPECT_THROW(store().tasks().Create(t), AlreadyExistsError);
}

STRATA_BACKEND_TEST_SUITE(ClusterCacheTest);

}  // namespace
}  // namespace strata::testing
