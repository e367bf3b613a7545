// What the live counters of migration 0007 cost (counters.h;
// docs/benchmarks.md, "Live counters and soft deletes"). The write paths of query_bench, and one
// task's life through AdvanceStatus, each measured with the counting triggers
// (`raw`, `strata`) and without them (`raw_uncounted`, `strata_uncounted`:
// the same code after the triggers were dropped), on query_bench's seeded
// database, all repetitions interleaved at random; counters_reads.cc and
// counters_contention.cc hold the other two parts.
#include <string>

#include "bench_support.h"
#include "counters.h"
#include "query_fixture.h"
#include "write_paths.h"

namespace strata::bench {
namespace {

// The write path with the counting triggers dropped for its run.
void Uncounted(benchmark::State& state, Backend backend, const WritePath* path, bool raw) {
  Fixture& f = Seeded(backend);
  const TriggersOff off(*f.raw, backend);
  path->run(state, backend, raw);
}

void Counted(benchmark::State& state, Backend backend, const WritePath* path, bool raw) {
  path->run(state, backend, raw);
}

}  // namespace

void RegisterWriteCosts() {
  std::vector<const WritePath*> paths;
  for (const WritePath& path : WritePaths()) paths.push_back(&path);
  paths.push_back(&AdvanceStatusPath());
  for (const Backend backend : {Backend::kSqlite, Backend::kPostgres}) {
    if (!Selected(backend)) continue;
    for (const WritePath* path : paths) {
      for (const bool raw : {true, false}) {
        const std::string name =
            std::string(BackendName(backend)) + "/" + path->name + (raw ? "/raw" : "/strata");
        for (const bool counted : {true, false}) {
          benchmark::RegisterBenchmark((name + (counted ? "" : "_uncounted")).c_str(),
                                       counted ? Counted : Uncounted, backend, path, raw)
              ->Unit(benchmark::kMicrosecond)
              ->MinTime(0.2)
              ->Repetitions(5)
              ->ReportAggregatesOnly(true)
              ->UseRealTime();
        }
      }
    }
  }
}

}  // namespace strata::bench

int main(int argc, char** argv) {
  strata::bench::RegisterWriteCosts();
  strata::bench::RegisterReadCosts();
  strata::bench::RegisterContention();
  return strata::bench::Main(argc, argv);
}
