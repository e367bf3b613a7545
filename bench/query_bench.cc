// The repositories' query paths beside the raw C API (issue 6;
// docs/benchmarks.md). Each `<backend>/<path>/strata` calls the public API;
// its `<backend>/<path>/raw` runs the SQL that strata prepared for that call
// (captured from the store's debug log, so it cannot drift from the library)
// through sqlite3 or libpq, prepared once, with the same values bound, and
// copies every column of every row out as hand-written code would (text into
// strings, integers as integers).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "bench_support.h"
#include "query_fixture.h"
#include "raw_client.h"
#include "write_paths.h"

namespace strata::bench {
namespace {

// --- read paths --------------------------------------------------------------

// The rows a page query read: its items, and one more when there is a next
// page (the query asks for limit + 1).
std::size_t Rows(const Page<Task>& page) {
  return page.items.size() + (page.next_token.empty() ? 0 : 1);
}

// One read path: the strata call, and the values strata binds for it.
struct ReadPath {
  const char* name;
  std::function<std::size_t(Fixture&)> strata;  // returns rows, to check the pair agrees
  std::function<std::vector<Value>(Fixture&)> values;
  // For a call that hands over new objects (Find, List), the rows their
  // result has room for: its `raw_new` side copies into a new result of
  // that size (Raw::RunNew). 0 for a read into the caller's objects.
  std::size_t new_rows = 0;
};

std::vector<ReadPath> ReadPaths() {
  return {
      {"find_cluster_by_name",
       [](Fixture& f) { return f.store->clusters().Find("cluster-3") ? 1u : 0u; },
       [](Fixture&) { return std::vector<Value>{std::string("cluster-3")}; }, 1},
      {"find_cluster_by_arn",
       [](Fixture& f) {
         return f.store->clusters().Find("arn:aws:ecs:us-east-1:000000000000:cluster/cluster-3")
                    ? 1u
                    : 0u;
       },
       [](Fixture&) {
         return std::vector<Value>{
             std::string("arn:aws:ecs:us-east-1:000000000000:cluster/cluster-3")};
       },
       1},
      {"find_task_by_arn",
       [](Fixture& f) { return f.store->tasks().Find(f.big_arn, f.some_task.arn) ? 1u : 0u; },
       [](Fixture& f) {
         return std::vector<Value>{f.big_arn, f.some_task.arn};
       },
       1},
      // The same task read into the previous one (FindInto), as a caller
      // watching one task would.
      {"find_task_by_arn_into",
       [](Fixture& f) {
         return f.store->tasks().FindInto(f.big_arn, f.some_task.arn, f.task) ? 1u : 0u;
       },
       [](Fixture& f) {
         return std::vector<Value>{f.big_arn, f.some_task.arn};
       }},
      {"list_tasks_first_page",
       [](Fixture& f) {
         PageRequest page;
         page.limit = kPageLimit;
         return Rows(f.store->tasks().List(f.big_arn, {}, page));
       },
       [](Fixture& f) {
         return std::vector<Value>{f.big_arn, std::int64_t{kPageLimit + 1}};
       },
       kPageLimit},
      // The same page read into the previous one (ListInto), as a caller
      // polling the list would: its strings keep their capacity.
      {"list_tasks_first_page_into",
       [](Fixture& f) {
         PageRequest page;
         page.limit = kPageLimit;
         f.store->tasks().ListInto(f.big_arn, {}, page, f.page);
         return Rows(f.page);
       },
       [](Fixture& f) {
         return std::vector<Value>{f.big_arn, std::int64_t{kPageLimit + 1}};
       }},
      {"list_tasks_deep_page",
       [](Fixture& f) { return Rows(f.store->tasks().List(f.big_arn, {}, f.deep)); },
       [](Fixture& f) {
         return std::vector<Value>{f.big_arn, Micros(f.after_deep.created_at), f.after_deep.id,
                                   std::int64_t{kPageLimit + 1}};
       },
       kPageLimit},
      {"list_tasks_filtered",
       [](Fixture& f) {
         PageRequest page;
         page.limit = kPageLimit;
         return Rows(f.store->tasks().List(f.big_arn, f.filter, page));
       },
       [](Fixture& f) {
         return std::vector<Value>{f.big_arn, std::string("service:service-7"),
                                   std::string("RUNNING"), std::int64_t{kPageLimit + 1}};
       },
       kPageLimit},
      {"list_tasks_filtered_into",
       [](Fixture& f) {
         PageRequest page;
         page.limit = kPageLimit;
         f.store->tasks().ListInto(f.big_arn, f.filter, page, f.page);
         return Rows(f.page);
       },
       [](Fixture& f) {
         return std::vector<Value>{f.big_arn, std::string("service:service-7"),
                                   std::string("RUNNING"), std::int64_t{kPageLimit + 1}};
       }},
      {"count_tasks",
       [](Fixture& f) {
         return static_cast<std::size_t>(f.store->tasks().Count(f.big_arn, f.filter) > 0);
       },
       [](Fixture& f) {
         return std::vector<Value>{f.big_arn, std::string("service:service-7"),
                                   std::string("RUNNING")};
       }},
  };
}

void Strata(benchmark::State& state, Backend backend, const ReadPath& path) {
  Fixture& f = Seeded(backend);
  for (auto _ : state) benchmark::DoNotOptimize(path.strata(f));
}

// The raw side of `path`: into the strings of the call before (`/raw`), or,
// with `new_rows`, into a new result (`/raw_new`).
void RawRead(benchmark::State& state, Backend backend, const ReadPath& path, bool new_rows) {
  Fixture& f = Seeded(backend);
  const std::vector<std::string> sql = f.Capture([&] { path.strata(f); });
  // A deep page with a cluster ARN prepares only its page query; reads never
  // prepare more than one statement.
  if (sql.size() != 1) {
    state.SkipWithError(
        ("expected one statement, strata prepared " + std::to_string(sql.size())).c_str());
    return;
  }
  const std::vector<Value> values = path.values(f);
  if (Placeholders(sql[0]).size() != values.size()) {
    state.SkipWithError("the values do not match the statement's placeholders");
    return;
  }
  Raw& raw = *f.raw;
  const auto run = [&] {
    return new_rows ? raw.RunNew(sql[0], values, path.new_rows) : raw.Run(sql[0], values);
  };
  if (run() != path.strata(f)) {
    state.SkipWithError("raw and strata disagree on the rows");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(run());
}

// --- registration ------------------------------------------------------------

// Each pair is measured 5 times, the repetitions of all pairs interleaved at
// random (bench_support.cc); ratios use the medians.
constexpr int kRepetitions = 5;

// How every pair is run.
void Configure(benchmark::internal::Benchmark* bench) {
  bench->Unit(benchmark::kMicrosecond)
      ->MinTime(0.2)
      ->Repetitions(kRepetitions)
      ->ReportAggregatesOnly(true)
      ->UseRealTime();
}

void Register() {
  static const std::vector<ReadPath> paths = ReadPaths();
  for (const Backend backend : {Backend::kSqlite, Backend::kPostgres}) {
    if (!Selected(backend)) continue;
    const std::string b(BackendName(backend));
    const auto name = [&](const char* path, bool raw) {
      return b + "/" + path + (raw ? "/raw" : "/strata");
    };
    // SQLite runs the lookup and INSERT ... VALUES: no round trip to save.
    for (const WritePath& path :
         backend == Backend::kPostgres ? OneStatementPaths() : std::vector<WritePath>{}) {
      Configure(benchmark::RegisterBenchmark((b + "/" + path.name + "/raw_one_statement").c_str(),
                                             path.run, backend, true));
    }
    for (const bool raw : {true, false}) {
      for (const WritePath& path : WritePaths()) {
        Configure(
            benchmark::RegisterBenchmark(name(path.name, raw).c_str(), path.run, backend, raw));
      }
      for (const ReadPath& path : paths) {
        if (!raw) {
          Configure(benchmark::RegisterBenchmark(name(path.name, false).c_str(), Strata, backend,
                                                 std::cref(path)));
          continue;
        }
        Configure(benchmark::RegisterBenchmark(name(path.name, true).c_str(), RawRead, backend,
                                               std::cref(path), false));
        if (path.new_rows != 0) {
          Configure(benchmark::RegisterBenchmark((name(path.name, true) + "_new").c_str(), RawRead,
                                                 backend, std::cref(path), true));
        }
      }
    }
  }
}

}  // namespace
}  // namespace strata::bench

int main(int argc, char** argv) {
  strata::bench::Register();
  return strata::bench::Main(argc, argv);
}
