// Seeding of query_bench's data set and the capture of strata's SQL from the
// store's debug log (query_fixture.h).
#include "query_fixture.h"

#include <chrono>
#include <map>
#include <string_view>
#include <utility>

#include "bench_support.h"

namespace strata::bench {
namespace {

constexpr int kClusters = 10;
constexpr int kServicesPerCluster = 20;
constexpr int kTasksInBigCluster = 91'000;  // the deep page starts after 90,000
constexpr int kTasksPerOtherCluster = 1'000;

}  // namespace

std::vector<std::string> Fixture::Capture(const std::function<void()>& call) {
  std::unique_ptr<Store> fresh = Store::Open(options);
  {
    const std::lock_guard lock(mutex);
    prepared.clear();
  }
  std::swap(fresh, store);
  call();
  std::swap(fresh, store);
  const std::lock_guard lock(mutex);
  return prepared;
}

Task SeedTask(const std::string& cluster_arn, int t) {
  const int s = t % kServicesPerCluster;
  Task task;
  task.cluster_arn = cluster_arn;
  task.task_definition_arn =
      "arn:aws:ecs:us-east-1:000000000000:task-definition/service-" + std::to_string(s) + ":1";
  task.group = "service:service-" + std::to_string(s);
  task.desired_status = t % 10 == 0 ? "STOPPED" : "RUNNING";
  task.last_status = t % 10 == 0 ? "STOPPED" : "RUNNING";
  task.started_by = "ecs-svc/" + std::to_string(s);
  task.cpu = "256";
  task.memory = "512";
  task.containers = R"([{"name":"app","image":"nginx:1.25","cpu":256,"memory":512}])";
  task.started_at = Timestamp(std::chrono::microseconds(1'790'000'000'000'000));
  return task;
}

Fixture& Seeded(Backend backend) {
  static std::map<Backend, std::unique_ptr<Fixture>> fixtures;
  auto& slot = fixtures[backend];
  if (slot) return *slot;
  slot = std::make_unique<Fixture>();
  Fixture& f = *slot;
  f.options = Options(backend, "query.db");
  EmptyDatabase(f.options);
  f.options.auto_migrate = true;
  f.options.pool_size = 1;  // one connection: the first call of a path prepares its SQL
  f.options.logger = [&f](LogLevel level, std::string_view message) {
    if (level == LogLevel::kDebug && message.starts_with("prepared: ")) {
      const std::lock_guard lock(f.mutex);
      f.prepared.emplace_back(message.substr(10));
    }
  };
  f.store = Store::Open(f.options);
  const std::string td = "arn:aws:ecs:us-east-1:000000000000:task-definition/";
  for (int c = 0; c < kClusters; ++c) {
    Cluster cluster;
    cluster.name = "cluster-" + std::to_string(c);
    cluster = f.store->clusters().Create(cluster);
    if (c == 0) f.big_arn = cluster.arn;
    for (int s = 0; s < kServicesPerCluster; ++s) {
      Service service;
      service.cluster_arn = cluster.arn;
      service.name = "service-" + std::to_string(s);
      service.task_definition_arn = td + service.name + ":1";
      f.store->services().Create(service);
    }
    const int tasks = c == 0 ? kTasksInBigCluster : kTasksPerOtherCluster;
    std::vector<Task> batch;
    for (int t = 0; t < tasks; ++t) {
      batch.push_back(SeedTask(cluster.arn, t));
      if (batch.size() == 10'000 || t + 1 == tasks) {
        std::vector<Task> created = f.store->tasks().CreateMany(std::move(batch));
        if (c == 0 && t < 10'000) f.some_task = created[4321];
        batch.clear();
      }
    }
  }
  // The token and position after 90,000 rows of the big cluster.
  PageRequest page;
  page.limit = 1000;
  for (int i = 0; i < 90; ++i) {
    Page<Task> p = f.store->tasks().List(f.big_arn, {}, page);
    f.after_deep = p.items.back();
    page.next_token = p.next_token;
  }
  f.deep.limit = kPageLimit;
  f.deep.next_token = page.next_token;
  Cluster writes;
  writes.name = "cluster-writes";
  f.writes = f.store->clusters().Create(writes);
  f.filter.desired_status = "RUNNING";
  f.filter.service_name = "service-7";
  f.raw = OpenRaw(backend, f.options.url);
  if (backend == Backend::kPostgres) {
    // What autovacuum would do soon after the bulk load, done now so that
    // it does not run in the middle of a measurement.
    f.raw->Exec("VACUUM ANALYZE");
  }
  return f;
}

}  // namespace strata::bench
