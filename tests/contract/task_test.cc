// TaskRepository's contract, on every backend.
#include <atomic>
#include <thread>

#include "store_fixture.h"

namespace strata::testing {
namespace {

using std::chrono::microseconds;

class TaskRepositoryTest : public ClusterStoreTest {};

TEST_P(TaskRepositoryTest, CreateFindUpdateDelete) {
  Task in = NewTask("test-cluster");
  in.cpu = "256";
  in.memory = "0.5 GB";
  in.platform_version = "LATEST";
  in.overrides = R"({"containerOverrides":[]})";
  const Task t = store().tasks().Create(in);
  EXPECT_EQ(t.id.size(), 32u);
  EXPECT_EQ(t.arn, "arn:aws:ecs:us-east-1:000000000000:task/test-cluster/" + t.id);
  EXPECT_EQ(t.last_status, "PROVISIONING");
  EXPECT_EQ(t.version, 1);
  for (const std::string& key : {t.id, t.arn}) {
    const std::optional<Task> found = store().tasks().Find("test-cluster", key);
    ASSERT_TRUE(found) << key;
    EXPECT_EQ(found->cpu, "256");
    EXPECT_EQ(found->memory, "0.5 GB");
    EXPECT_EQ(found->containers, in.containers);
    EXPECT_EQ(found->overrides, in.overrides);
    EXPECT_FALSE(found->started_at);
  }
  EXPECT_FALSE(store().tasks().Find("test-cluster", "missing"));

  Task running = t;
  running.last_status = "RUNNING";
  running.started_at = Timestamp(microseconds(1'767'225'600'123'457));  // 2026, odd µs
  const Task updated = store().tasks().Update(running);
  EXPECT_EQ(updated.version, 2);
  const std::optional<Task> found = store().tasks().Find(cluster_.arn, t.id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->last_status, "RUNNING");
  EXPECT_EQ(found->started_at, running.started_at) << "microseconds must round-trip";
  EXPECT_THROW(store().tasks().Update(running), ConflictError);  // version 1 again

  store().tasks().Delete("test-cluster", t.id);
  EXPECT_FALSE(store().tasks().Find("test-cluster", t.id));
  EXPECT_THROW(store().tasks().Delete("test-cluster", t.id), NotFoundError);
  running.version = 2;
  EXPECT_THROW(store().tasks().Update(running), NotFoundError);
}

TEST_P(TaskRepositoryTest, DuplicateArnIsAlreadyExistsAndUnknownClusterNotFound) {
  Task t = NewTask("test-cluster");
  t.id = "fixed-id";
  store().tasks().Create(t);
  EXPECT_THROW(store().tasks().Create(t), AlreadyExistsError);
  EXPECT_THROW(store().tasks().Create(NewTask("missing")), NotFoundError);
  Task bad = NewTask("test-cluster");
  bad.containers = "[1,";
  EXPECT_THROW(store().tasks().Create(bad), InvalidArgumentError);
  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM tasks"), 1);
}

TEST_P(TaskRepositoryTest, ListFiltersByFamilyDesiredStatusServiceAndMore) {
  for (int i = 0; i < 5; ++i) store().tasks().Create(NewTask("test-cluster", "test"));
  store().tasks().Create(NewTask("test-cluster", "special-family"));
  Task stopped = NewTask("test-cluster", "test");
  stopped.desired_status = "STOPPED";
  stopped.stopped_at = Now();
  store().tasks().Create(stopped);
  for (int i = 0; i < 3; ++i) {
    Task t = NewTask("test-cluster", "test");
    t.group = "service:test-service";
    t.started_by = "ecs-svc/1";
    store().tasks().Create(t);
  }
  Task other = NewTask("test-cluster", "test");
  other.group = "service:other-service";
  other.launch_type = "FARGATE";
  other.container_instance_arn = "arn:aws:ecs:us-east-1:000000000000:container-instance/x";
  store().tasks().Create(other);

  PageRequest all;
  all.limit = 100;
  const auto count = [&](const TaskFilter& f) {
    const std::size_t listed = store().tasks().List("test-cluster", f, all).items.size();
    EXPECT_EQ(static_cast<std::int64_t>(listed), store().tasks().Count("test-cluster", f));
    return listed;
  };
  EXPECT_EQ(count({}), 11u);
  TaskFilter f;
  f.family = "special-family";
  EXPECT_EQ(count(f), 1u);
  f = {};
  f.family = "test";
  EXPECT_EQ(count(f), 10u);
  f.family = "tes";  // exact, not a prefix
  EXPECT_EQ(count(f), 0u);
  f = {};
  f.desired_status = "STOPPED";
  EXPECT_EQ(count(f), 1u);
  f = {};
  f.service_name = "test-service";
  const Page<Task> service_tasks = store().tasks().List("test-cluster", f, all);
  EXPECT_EQ(service_tasks.items.size(), 3u);
  for (const Task& t : service_tasks.items) EXPECT_EQ(t.group, "service:test-service");
  f.started_by = "ecs-svc/1";
  EXPECT_EQ(count(f), 3u);
  f = {};
  f.launch_type = "FARGATE";
  EXPECT_EQ(count(f), 1u);
  f = {};
  f.container_instance_arn = other.container_instance_arn;
  EXPECT_EQ(count(f), 1u);
  f = {};
  f.last_status = "PROVISIONING";
  EXPECT_EQ(count(f), 11u);
  EXPECT_THROW(store().tasks().List("missing"), NotFoundError);
  EXPECT_THROW(store().tasks().Count("missing"), NotFoundError);
}

TEST_P(TaskRepositoryTest, ListPagesThroughEveryTaskOnce) {
  std::vector<Task> many;
  for (int i = 0; i < 25; ++i) many.push_back(NewTask("test-cluster"));
  store().tasks().CreateMany(many);
  PageRequest request;
  request.limit = 7;
  std::set<std::string> seen;
  int calls = 0;
  do {
    const Page<Task> page = store().tasks().List("test-cluster", {}, request);
    ++calls;
    for (const Task& t : page.items) EXPECT_TRUE(seen.insert(t.id).second);
    request.next_token = page.next_token;
  } while (!request.next_token.empty() && calls < 10);
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(seen.size(), 25u);
}

TEST_P(TaskRepositoryTest, CreateManyIsAllOrNothing) {
  std::vector<Task> tasks;
  for (int i = 0; i < 50; ++i) {
    Task t = NewTask(i % 2 ? "test-cluster" : cluster_.arn);
    t.stopped_reason = "tab\there, newline\nhere, backslash\\ here";  // COPY escapes
    t.stopped_at = Timestamp(microseconds(1'767'225'600'000'001 + i));
    tasks.push_back(t);
  }
  const std::vector<Task> created = store().tasks().CreateMany(tasks);
  ASSERT_EQ(created.size(), 50u);
  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM tasks"), 50);
  const std::optional<Task> found = store().tasks().Find("test-cluster", created[7].id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->stopped_reason, tasks[7].stopped_reason);
  EXPECT_EQ(found->stopped_at, tasks[7].stopped_at);
  EXPECT_EQ(found->containers, tasks[7].containers);
  EXPECT_EQ(found->cluster_arn, cluster_.arn);

  std::vector<Task> clash(3, NewTask("test-cluster"));
  clash[0].id = "new-1";
  clash[1].id = created[0].id;  // exists
  clash[2].id = "new-2";
  EXPECT_THROW(store().tasks().CreateMany(clash), AlreadyExistsError);
  std::vector<Task> unknown = {NewTask("test-cluster"), NewTask("missing")};
  EXPECT_THROW(store().tasks().CreateMany(unknown), NotFoundError);
  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM tasks"), 50);
}

TEST_P(TaskRepositoryTest, FindByArnsReturnsThoseThatExist) {
  const Task a = store().tasks().Create(NewTask("test-cluster"));
  const Task b = store().tasks().Create(NewTask("test-cluster"));
  store().tasks().Create(NewTask("test-cluster"));
  const std::vector<Task> found = store().tasks().FindByArns(
      {b.arn, a.arn, "arn:aws:ecs:us-east-1:000000000000:task/test-cluster/none", "x'); --"});
  ASSERT_EQ(found.size(), 2u);
  std::set<std::string> ids = {found[0].id, found[1].id};
  EXPECT_EQ(ids, (std::set<std::string>{a.id, b.id}));
  EXPECT_TRUE(store().tasks().FindByArns({}).empty());
  EXPECT_THROW(store().tasks().FindByArns(std::vector<std::string>(1001, a.arn)),
               InvalidArgumentError);
}

TEST_P(TaskRepositoryTest, UpsertInsertsThenOverwritesKeepingTheId) {
  Task t = NewTask("test-cluster");
  t.id = "upsert-me";
  const Task inserted = store().tasks().Upsert(t);
  EXPECT_EQ(inserted.version, 1);
  Task change = t;
  change.id = "";  // the ARN decides
  change.arn = inserted.arn;
  change.last_status = "RUNNING";
  change.task_definition_arn = "arn:aws:ecs:us-east-1:000000000000:task-definition/other:9";
  const Task overwritten = store().tasks().Upsert(change);
  EXPECT_EQ(overwritten.id, "upsert-me");
  EXPECT_EQ(overwritten.version, 2);
  EXPECT_EQ(overwritten.last_status, "RUNNING");
  EXPECT_EQ(overwritten.created_at, inserted.created_at);
  TaskFilter other;
  other.family = "other";
  EXPECT_EQ(store().tasks().Count("test-cluster", other), 1) << "family follows the definition";
  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM tasks"), 1);
}

TEST_P(TaskRepositoryTest, DeleteStoppedBeforeIsStrict) {
  const Timestamp t0 = Timestamp(microseconds(1'767'225'600'000'000));
  for (int i = 0; i < 4; ++i) {
    Task t = NewTask("test-cluster");
    t.last_status = "STOPPED";
    t.stopped_at = t0 + microseconds(i);  // t0, t0+1, t0+2, t0+3
    store().tasks().Create(t);
  }
  Task running = NewTask("test-cluster");
  running.last_status = "RUNNING";
  running.stopped_at = t0 - microseconds(5);  // not STOPPED: kept
  store().tasks().Create(running);
  MakeCluster("other");
  Task elsewhere = NewTask("other");
  elsewhere.last_status = "STOPPED";
  elsewhere.stopped_at = t0;
  store().tasks().Create(elsewhere);

  EXPECT_EQ(store().tasks().DeleteStoppedBefore("test-cluster", t0), 0);
  EXPECT_EQ(store().tasks().DeleteStoppedBefore("test-cluster", t0 + microseconds(2)), 2);
  EXPECT_EQ(store().tasks().DeleteStoppedBefore(cluster_.arn, t0 + microseconds(100)), 2);
  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM tasks"), 2);
  EXPECT_THROW(store().tasks().DeleteStoppedBefore("missing", t0), NotFoundError);
}

TEST_P(TaskRepositoryTest, ConcurrentUpsertsOfOneArnLeaveOneRow) {
  constexpr int kThreads = 8;
  const std::string arn = "arn:aws:ecs:us-east-1:000000000000:task/test-cluster/shared";
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      for (int round = 0; round < 20; ++round) {
        Task t = NewTask("test-cluster");
        t.arn = arn;
        t.started_by = "thread-" + std::to_string(i);
        try {
          store().tasks().Upsert(t);
        } catch (const std::exception&) {
          ++failures;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM tasks"), 1);
  EXPECT_EQ(db().QueryInt("SELECT version FROM tasks"), kThreads * 20);
}

TEST_P(TaskRepositoryTest, OptimisticIncrementsFromEightThreadsLoseNoUpdate) {
  constexpr int kThreads = 8;
  constexpr int kIncrements = 500;
  Cluster counter = MakeCluster("counter");
  std::atomic<int> conflicts{0};
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      for (int n = 0; n < kIncrements; ++n) {
        while (true) {
          try {
            Cluster c = *store().clusters().Find("counter");
            ++c.registered_container_instances_count;
            store().clusters().Update(c);
            break;
          } catch (const ConflictError&) {
            ++conflicts;
          } catch (const std::exception&) {
            ++errors;
            break;
          }
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  const Cluster final_state = *store().clusters().Find("counter");
  EXPECT_EQ(final_state.registered_container_instances_count, kThreads * kIncrements);
  EXPECT_EQ(final_state.version, 1 + kThreads * kIncrements);
  RecordProperty("conflicts", conflicts.load());
}

STRATA_BACKEND_TEST_SUITE(TaskRepositoryTest);

}  // namespace
}  // namespace strata::testing
