// counters_bench, reads: the counters as stored (the sum of task_counts rows,
// migration 0007) against the alternative that counts `tasks` at each read,
// on the seeded database's big cluster (91,000 tasks, 81,900 RUNNING).
// `<backend>/<path>/raw` runs the SELECT strata prepared for the call;
// `.../raw_count_on_read` the same SELECT with each counter's subquery on
// task_counts replaced by a count(*) of the tasks it stands for.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "bench_support.h"
#include "counters.h"
#include "query_fixture.h"
#include "raw_client.h"

namespace strata::bench {
namespace {

// The counter expressions of storage/src/repositories/schema.cc, and what
// counting on read would select instead.
std::string Stored(const char* count, const char* of) {
  return std::string("CAST(coalesce((SELECT sum(") + count + ") FROM task_counts WHERE " + of +
         "), 0) AS bigint)";
}
constexpr const char* kOfCluster = "task_counts.cluster_arn = clusters.arn";
constexpr const char* kOfService =
    "task_counts.cluster_arn = services.cluster_arn AND task_counts.task_group = 'service:' || "
    "services.name";
constexpr const char* kRunning = "tasks.last_status = 'RUNNING'";
constexpr const char* kPending = "tasks.last_status IN ('PROVISIONING', 'PENDING', 'ACTIVATING')";
std::string Counted(const char* tasks_of, const char* status) {
  return std::string("(SELECT count(*) FROM tasks WHERE ") + tasks_of + " AND " + status + ")";
}
constexpr const char* kTasksOfCluster = "tasks.cluster_arn = clusters.arn";
constexpr const char* kTasksOfService =
    "tasks.cluster_arn = services.cluster_arn AND tasks.task_group = 'service:' || services.name";

// `sql` with every stored counter counted on read instead; "" when it holds
// none of them.
std::string CountOnRead(std::string sql) {
  const std::pair<std::string, std::string> swaps[] = {
      {Stored("running", kOfCluster), Counted(kTasksOfCluster, kRunning)},
      {Stored("pending", kOfCluster), Counted(kTasksOfCluster, kPending)},
      {Stored("running", kOfService), Counted(kTasksOfService, kRunning)},
      {Stored("pending", kOfService), Counted(kTasksOfService, kPending)},
  };
  int swapped = 0;
  for (const auto& [from, to] : swaps) {
    for (std::size_t at; (at = sql.find(from)) != std::string::npos; ++swapped) {
      sql.replace(at, from.size(), to);
    }
  }
  return swapped == 2 ? sql : "";  // a cluster's two counters, or a service's
}

struct ReadPath {
  const char* name;
  std::function<std::size_t(Fixture&)> strata;  // returns rows
  std::function<std::vector<Value>(Fixture&)> values;
};

const std::vector<ReadPath>& Paths() {
  static const std::vector<ReadPath> paths = {
      {"find_big_cluster", [](Fixture& f) { return f.store->clusters().Find(f.big_arn) ? 1u : 0u; },
       [](Fixture& f) { return std::vector<Value>{f.big_arn}; }},
      {"list_clusters", [](Fixture& f) { return f.store->clusters().List().items.size(); },
       [](Fixture&) { return std::vector<Value>{std::int64_t{101}}; }},
      {"find_service_of_big_cluster",
       [](Fixture& f) { return f.store->services().Find(f.big_arn, "service-7") ? 1u : 0u; },
       [](Fixture& f) {
         return std::vector<Value>{f.big_arn, std::string("service-7")};
       }},
      {"list_services_of_big_cluster",
       [](Fixture& f) { return f.store->services().List(f.big_arn).items.size(); },
       [](Fixture& f) {
         return std::vector<Value>{f.big_arn, std::int64_t{101}};
       }},
  };
  return paths;
}

void Read(benchmark::State& state, Backend backend, const ReadPath* path, bool count_on_read) {
  Fixture& f = Seeded(backend);
  const std::vector<std::string> sql = f.Capture([&] { path->strata(f); });
  if (sql.size() != 1) {
    state.SkipWithError(("strata prepared " + std::to_string(sql.size()) + " statements").c_str());
    return;
  }
  const std::string query = count_on_read ? CountOnRead(sql[0]) : sql[0];
  const std::vector<Value> values = path->values(f);
  if (query.empty()) {
    state.SkipWithError(("no counter expression to replace in: " + sql[0]).c_str());
    return;
  }
  if (Placeholders(query).size() != values.size()) {
    state.SkipWithError(("the values do not match the placeholders of: " + query).c_str());
    return;
  }
  if (f.raw->Run(query, values) != path->strata(f)) {
    state.SkipWithError("raw and strata disagree on the rows");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(f.raw->Run(query, values));
}

// Once per backend: the stored counters agree with counting on read.
void CheckCounts(benchmark::State& state, Backend backend) {
  Fixture& f = Seeded(backend);
  const Cluster big = *f.store->clusters().Find(f.big_arn);
  const std::string counted = f.raw
                                  ->Texts(("SELECT count(*) FROM tasks WHERE cluster_arn = '" +
                                           f.big_arn + "' AND last_status = 'RUNNING'")
                                              .c_str())
                                  .at(0);
  if (std::to_string(big.running_tasks_count) != counted) {
    state.SkipWithError(
        ("stored running " + std::to_string(big.running_tasks_count) + ", counted " + counted)
            .c_str());
  }
  for (auto _ : state) {
  }
  state.counters["running_tasks"] = static_cast<double>(big.running_tasks_count);
}

}  // namespace

void RegisterReadCosts() {
  for (const Backend backend : {Backend::kSqlite, Backend::kPostgres}) {
    if (!Selected(backend)) continue;
    const std::string b(BackendName(backend));
    benchmark::RegisterBenchmark((b + "/check_stored_counts").c_str(), CheckCounts, backend)
        ->Iterations(1);
    for (const ReadPath& path : Paths()) {
      for (const bool count_on_read : {false, true}) {
        benchmark::RegisterBenchmark(
            (b + "/" + path.name + (count_on_read ? "/raw_count_on_read" : "/raw")).c_str(), Read,
            backend, &path, count_on_read)
            ->Unit(benchmark::kMicrosecond)
            ->MinTime(0.2)
            ->Repetitions(5)
            ->ReportAggregatesOnly(true)
            ->UseRealTime();
      }
    }
  }
}

}  // namespace strata::bench
