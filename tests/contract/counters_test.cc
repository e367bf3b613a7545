// The live counters the store owns, on both backends: a cluster's running,
// pending and active-service counts and a service's running and pending
// counts follow every write of tasks and services (each write path, the
// cascade of a forced delete, concurrent writers), and what a caller passes
// for them is ignored.
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <thread>

#include "store_fixture.h"

namespace strata::testing {
namespace {

class CountersTest : public ClusterStoreTest {
 protected:
  Task InGroup(const std::string& cluster, const std::string& group, const std::string& status) {
    Task t = NewTask(cluster);
    t.group = group;
    t.last_status = status;
    return t;
  }
  void Advance(const Task& t, const std::string& status) {
    TaskStatusChange change;
    change.last_status = status;
    store().tasks().AdvanceStatus(t.cluster_arn, t.id, change);
  }
  // What a COUNT over the stored rows says for the cluster (and a group).
  std::int64_t Count(const std::string& cluster_arn, const std::string& statuses,
                     const std::string& group = "") {
    return db().QueryInt("SELECT count(*) FROM tasks WHERE cluster_arn = '" + cluster_arn +
                         "' AND last_status IN (" + statuses + ")" +
                         (group.empty() ? "" : " AND task_group = '" + group + "'"));
  }
  static constexpr const char* kRunning = "'RUNNING'";
  static constexpr const char* kPending = "'PROVISIONING', 'PENDING', 'ACTIVATING'";

  // Every counter of the cluster and of its services equals a COUNT.
  void ExpectExact(const std::string& cluster) {
    const Cluster c = *store().clusters().Find(cluster);
    EXPECT_EQ(c.running_tasks_count, Count(c.arn, kRunning)) << cluster;
    EXPECT_EQ(c.pending_tasks_count, Count(c.arn, kPending)) << cluster;
    EXPECT_EQ(c.active_services_count,
              db().QueryInt("SELECT count(*) FROM services WHERE status = 'ACTIVE' AND "
                            "cluster_arn = '" +
                            c.arn + "'"))
        << cluster;
    for (const Service& s : store().services().List(cluster, {}, {1000, ""}).items) {
      EXPECT_EQ(s.running_count, Count(c.arn, kRunning, "service:" + s.name)) << s.name;
      EXPECT_EQ(s.pending_count, Count(c.arn, kPending, "service:" + s.name)) << s.name;
    }
  }
};

TEST_P(CountersTest, EveryWritePathMovesTheCounters) {
  const Service web = MakeService("test-cluster", "web");
  MakeService("test-cluster", "api");
  Cluster c = *store().clusters().Find("test-cluster");
  EXPECT_EQ(c.active_services_count, 2);
  EXPECT_EQ(c.running_tasks_count, 0);

  const Task a = store().tasks().Create(InGroup("test-cluster", "service:web", "PROVISIONING"));
  const std::vector<Task> many =
      store().tasks().CreateMany({InGroup("test-cluster", "service:web", "RUNNING"),
                                  InGroup("test-cluster", "service:web", "RUNNING"),
                                  InGroup("test-cluster", "service:api", "PENDING"),
                                  InGroup("test-cluster", "family:batch", "STOPPED")});
  c = *store().clusters().Find("test-cluster");
  EXPECT_EQ(c.running_tasks_count, 2);
  EXPECT_EQ(c.pending_tasks_count, 2);
  Service s = *store().services().Find("test-cluster", "web");
  EXPECT_EQ(s.running_count, 2);
  EXPECT_EQ(s.pending_count, 1);

  Advance(a, "RUNNING");
  Advance(many[0], "STOPPING");
  s = *store().services().Find("test-cluster", "web");
  EXPECT_EQ(s.running_count, 2) << "a stopping task is neither running nor pending";
  EXPECT_EQ(s.pending_count, 0);

  Task upserted = many[2];  // api's PENDING task, overwritten as RUNNING
  upserted.last_status = "RUNNING";
  store().tasks().Upsert(upserted);
  Task fresh = InGroup("test-cluster", "service:api", "PENDING");
  fresh.id = "0123456789abcdef0123456789abcdef";
  store().tasks().Upsert(fresh);  // the insert branch
  s = *store().services().Find("test-cluster", "api");
  EXPECT_EQ(s.running_count, 1);
  EXPECT_EQ(s.pending_count, 1);

  Advance(many[0], "STOPPED");
  // many[0]; the batch task was created STOPPED, without a stopped_at.
  EXPECT_EQ(store().tasks().DeleteStoppedBefore("test-cluster", Now() + std::chrono::hours(1)), 1);
  store().tasks().Delete("test-cluster", a.id);
  c = *store().clusters().Find("test-cluster");
  EXPECT_EQ(c.running_tasks_count, 2);  // web's second RUNNING task, api's upserted one
  EXPECT_EQ(c.pending_tasks_count, 1);
  ExpectExact("test-cluster");

  Service scaled = *store().services().Find("test-cluster", "web");
  scaled.status = "DRAINING";
  scaled.running_count = 99;  // ignored
  const Service updated = store().services().Update(scaled);
  EXPECT_EQ(updated.running_count, 1) << "Update returns the live count, not the one passed";
  EXPECT_EQ(store().clusters().Find("test-cluster")->active_services_count, 1);
  (void)web;
}

TEST_P(CountersTest, ATaskCountsForItsServiceEvenWhenItCameFirst) {
  store().tasks().Create(InGroup("test-cluster", "service:late", "RUNNING"));
  const Service late = MakeService("test-cluster", "late");
  EXPECT_EQ(late.running_count, 1) << "Create returns the service as stored";
}

TEST_P(CountersTest, ClustersCountOnlyTheirOwnTasksAndAForcedDeleteLeavesNothingBehind) {
  MakeCluster("other");
  store().tasks().Create(InGroup("other", "service:web", "RUNNING"));
  store().tasks().Create(InGroup("test-cluster", "service:web", "RUNNING"));
  EXPECT_EQ(store().clusters().Find("test-cluster")->running_tasks_count, 1);
  store().clusters().Delete("other", DeleteOptions{.force = true});
  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM task_counts WHERE cluster_arn LIKE "
                          "'%:cluster/other'"),
            0)
      << "a deleted cluster's counts go with it";
  MakeCluster("other");
  EXPECT_EQ(store().clusters().Find("other")->running_tasks_count, 0)
      << "a cluster made again under the same ARN starts from zero";
  EXPECT_EQ(store().clusters().Find("test-cluster")->running_tasks_count, 1);
}

TEST_P(CountersTest, UpdateIgnoresTheCountersItIsGiven) {
  Cluster c = *store().clusters().Find("test-cluster");
  c.running_tasks_count = 5;
  c.pending_tasks_count = 6;
  c.active_services_count = 7;
  c.registered_container_instances_count = 3;  // caller-owned: kept
  const Cluster updated = store().clusters().Update(c);
  EXPECT_EQ(updated.running_tasks_count, 0);
  EXPECT_EQ(updated.pending_tasks_count, 0);
  EXPECT_EQ(updated.active_services_count, 0);
  EXPECT_EQ(updated.registered_container_instances_count, 3);
  EXPECT_EQ(store().clusters().Find("test-cluster")->running_tasks_count, 0);
}

// 2,000 random writes from 8 threads: creates (one and many), transitions,
// stops, upserts, deletes, purges of stopped tasks and service status
// changes. Every counter equals a COUNT afterwards.
TEST_P(CountersTest, CountersStayExactUnderEightConcurrentWriters) {
  constexpr int kThreads = 8;
  constexpr int kOpsPerThread = 250;
  MakeCluster("other");
  for (const char* name : {"web", "api", "worker"}) MakeService("test-cluster", name);
  const std::vector<std::string> groups = {"service:web", "service:api", "service:worker",
                                           "family:batch"};
  const std::vector<std::string> states = {"PROVISIONING", "PENDING",  "ACTIVATING",
                                           "RUNNING",      "STOPPING", "STOPPED"};
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      std::mt19937 random(static_cast<unsigned>(i) * 7919U + 1U);
      const auto pick = [&](const std::vector<std::string>& from) {
        return from[random() % from.size()];
      };
      std::vector<Task> mine;
      for (int n = 0; n < kOpsPerThread; ++n) {
        const std::string cluster = random() % 8 == 0 ? "other" : "test-cluster";
        try {
          switch (random() % 8) {
            case 0:
              mine.push_back(store().tasks().Create(InGroup(cluster, pick(groups), pick(states))));
              break;
            case 1: {
              std::vector<Task> batch;
              for (int k = 0; k < 3; ++k)
                batch.push_back(InGroup(cluster, pick(groups), "PENDING"));
              for (Task& t : store().tasks().CreateMany(batch)) mine.push_back(t);
              break;
            }
            case 2:
            case 3:
              if (!mine.empty()) Advance(mine[random() % mine.size()], pick(states));
              break;
            case 4:
              if (!mine.empty()) {
                Task t = mine[random() % mine.size()];
                t.last_status = pick(states);
                t.group = pick(groups);
                store().tasks().Upsert(t);
              }
              break;
            case 5:
              if (!mine.empty()) {
                const std::size_t k = random() % mine.size();
                store().tasks().Delete(mine[k].cluster_arn, mine[k].id);
                mine.erase(mine.begin() + static_cast<std::ptrdiff_t>(k));
              }
              break;
            case 6:
              store().tasks().DeleteStoppedBefore(cluster, Now());
              break;
            default: {
              const std::string name = pick(groups);
              if (name.starts_with("family:")) break;
              Service s = *store().services().Find("test-cluster", name.substr(8));
              s.status = random() % 2 == 0 ? "ACTIVE" : "DRAINING";
              store().services().Update(s);
            }
          }
        } catch (const ConflictError&) {  // a move backwards, or a stale service
        } catch (const NotFoundError&) {  // deleted by DeleteStoppedBefore meanwhile
        } catch (const std::exception& e) {
          ADD_FAILURE() << e.what();
          ++errors;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_GT(db().QueryInt("SELECT count(*) FROM tasks"), 100) << "the mix must leave tasks";
  ExpectExact("test-cluster");
  ExpectExact("other");
}

STRATA_BACKEND_TEST_SUITE(CountersTest);

}  // namespace
}  // namespace strata::testing
