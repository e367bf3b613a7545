// counters_bench, contention (PostgreSQL): N threads share one store
// (pool_size 8) and each runs tasks through their life in ONE cluster and
// ONE service group: Create (PENDING), AdvanceStatus to RUNNING, then to
// STOPPED: 3 writes per iteration, each moving that group's counters.
// `.../strata` with the counting triggers of migration 0007 (16 shards by
// backend PID), `.../strata_uncounted` without them, `.../strata_cluster_row`
// with the naive design instead (CountersOnRows: every write updates the
// cluster's row and the service's row).
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "bench_support.h"
#include "counters.h"
#include "query_fixture.h"
#include "raw_client.h"
#include "strata/store.h"

namespace strata::bench {
namespace {

enum class Design { kSharded, kUncounted, kClusterRow };

// A database of its own: one cluster with one service.
struct Hot {
  std::unique_ptr<Store> store;
  std::unique_ptr<Raw> raw;
  Cluster cluster;
  std::optional<TriggersOff> off;
  std::optional<CountersOnRows> rows;
};

Hot& TheHot() {
  static const std::unique_ptr<Hot> hot = [] {
    auto made = std::make_unique<Hot>();
    Hot& h = *made;
    StoreOptions options = Options(Backend::kPostgres, "contention.db");
    EmptyDatabase(options);
    options.auto_migrate = true;
    options.pool_size = 8;
    h.store = Store::Open(options);
    Cluster cluster;
    cluster.name = "hot";
    h.cluster = h.store->clusters().Create(cluster);
    Service service;
    service.cluster_arn = h.cluster.arn;
    service.name = "service-hot";
    service.task_definition_arn = "arn:aws:ecs:us-east-1:000000000000:task-definition/hot:1";
    h.store->services().Create(service);
    h.raw = OpenRaw(Backend::kPostgres, options.url);
    return made;
  }();
  return *hot;
}

void Lifecycle(benchmark::State& state, Design design) {
  Hot& hot = TheHot();  // initialised once, whichever thread comes first
  if (state.thread_index() == 0) {
    // Before the loop: the other threads wait for it at the loop's start.
    // No task is left, so every count is 0: the rows go, so that the shards
    // counted after the loop are this run's.
    hot.raw->Exec("DELETE FROM task_counts");
    if (design != Design::kSharded) hot.off.emplace(*hot.raw, Backend::kPostgres);
    if (design == Design::kClusterRow) hot.rows.emplace(*hot.raw);
  }
  Task seed = SeedTask(hot.cluster.arn, 0);
  seed.group = "service:service-hot";
  seed.last_status = "PENDING";
  seed.started_at.reset();
  for (auto _ : state) {
    const Task task = hot.store->tasks().Create(seed);
    hot.store->tasks().AdvanceStatus(hot.cluster.arn, task.arn, {"RUNNING", ""});
    hot.store->tasks().AdvanceStatus(hot.cluster.arn, task.arn, {"STOPPED", ""});
  }
  state.SetItemsProcessed(state.iterations() * 3);
  if (state.thread_index() == 0) {
    // After the loop, every thread has finished its iterations.
    if (design == Design::kSharded) {
      // The shards the writers' connections hit (backend PID % 16).
      state.counters["shards"] =
          std::stod(hot.raw->Texts("SELECT count(DISTINCT shard) FROM task_counts")[0]);
    }
    hot.raw->Exec("DELETE FROM tasks");
    hot.rows.reset();
    hot.off.reset();
    hot.raw->Exec("VACUUM ANALYZE tasks, task_counts, clusters, services");
  }
}

}  // namespace

void RegisterContention() {
  if (!Selected(Backend::kPostgres)) return;
  const std::pair<Design, const char*> designs[] = {{Design::kSharded, "strata"},
                                                    {Design::kUncounted, "strata_uncounted"},
                                                    {Design::kClusterRow, "strata_cluster_row"}};
  for (const int threads : {1, 8}) {
    for (const auto& [design, suffix] : designs) {
      const std::string name =
          "postgres/task_life_" + std::to_string(threads) + "_threads/" + suffix;
      benchmark::RegisterBenchmark(name.c_str(), Lifecycle, design)
          ->Threads(threads)
          ->Unit(benchmark::kMicrosecond)
          ->MinTime(0.5)
          ->Repetitions(5)
          ->ReportAggregatesOnly(true)
          ->UseRealTime();
    }
  }
}

}  // namespace strata::bench
