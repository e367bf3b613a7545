// Instructions per call of strata's key paths, counted by callgrind: the
// regression gate of `make bench-instructions` (scripts/bench-instructions,
// docs/benchmarks/throughput-and-gate.md). Wall time on a shared machine
// moves by 20-50 % between runs; the instructions a call executes do not.
//
// Run under `valgrind --tool=callgrind --instr-atstart=no`: everything but
// the measured calls (the PostgreSQL server, seeding, warm-up calls) runs
// uninstrumented, and each path ends in a dump named
// "strata-instructions <backend>/<path> calls=<N>" whose total is the
// instructions of N calls (PostgreSQL: this client process only; the server
// runs natively). Outside valgrind the client requests do nothing, and the
// binary just runs the paths.
//
// Usage: instructions [--migrations N]   (default 500; migrate_<N>)
#include <valgrind/callgrind.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench_support.h"
#include "query_fixture.h"
#include "raw_client.h"
#include "strata/migrator.h"
#include "strata/store.h"
#include "warm_capture.h"

namespace strata::bench {
namespace {

constexpr int kSeedTasks = 2'000;
constexpr int kWarmCalls = 20;  // statement caches, allocator, lazy initialisation

// Runs `call` `warm` times uninstrumented, then `calls` times counted, and
// dumps the count under the path's name.
void Measure(Backend backend, const std::string& path, int calls, int warm,
             const std::function<void()>& call) {
  for (int i = 0; i < warm; ++i) call();
  CALLGRIND_ZERO_STATS;
  CALLGRIND_START_INSTRUMENTATION;
  for (int i = 0; i < calls; ++i) call();
  CALLGRIND_STOP_INSTRUMENTATION;
  const std::string name = "strata-instructions " + std::string(BackendName(backend)) + "/" + path +
                           " calls=" + std::to_string(calls);
  CALLGRIND_DUMP_STATS_AT(name.c_str());
  std::printf("%s\n", name.c_str());
  std::fflush(stdout);
}

// The repositories' paths on a database of kSeedTasks tasks in one cluster.
void MeasureQueries(Backend backend) {
  StoreOptions options = Options(backend, "instructions.db");
  EmptyDatabase(options);
  options.auto_migrate = true;
  options.pool_size = 1;
  const std::unique_ptr<Store> store = Store::Open(options);
  Cluster cluster;
  cluster.name = "cluster-0";
  cluster = store->clusters().Create(cluster);
  std::vector<Task> batch;
  for (int t = 0; t < kSeedTasks; ++t) batch.push_back(SeedTask(cluster.arn, t));
  const Task some = store->tasks().CreateMany(std::move(batch))[kSeedTasks / 3];
  Cluster writes;
  writes.name = "cluster-writes";
  writes = store->clusters().Create(writes);

  TaskRepository& tasks = store->tasks();
  Measure(backend, "find_task_by_arn", 200, kWarmCalls, [&] { tasks.Find(cluster.arn, some.arn); });
  Task watched;  // read into again and again, as a caller watching one task does
  Measure(backend, "find_task_by_arn_into", 200, kWarmCalls,
          [&] { tasks.FindInto(cluster.arn, some.arn, watched); });
  PageRequest page;
  page.limit = kPageLimit;
  Measure(backend, "list_tasks_first_page", 20, kWarmCalls,
          [&] { tasks.List(cluster.arn, {}, page); });
  // Count: one row of one number, so nearly all of strata's side is its
  // fixed cost per call (checks, the pool, the statement's lookup).
  TaskFilter filter;
  filter.desired_status = "RUNNING";
  Measure(backend, "count_tasks", 200, kWarmCalls, [&] { tasks.Count(cluster.arn, filter); });
  Page<Task> polled;  // read into again and again, as a polling caller does
  Measure(backend, "list_tasks_first_page_into", 20, kWarmCalls,
          [&] { tasks.ListInto(cluster.arn, {}, page, polled); });
  // The reads' raw side: the statement strata runs, through sqlite3 or libpq
  // on a connection of its own, every column of every row copied out into
  // the strings of the call before (raw_client.h), as query_bench's pairs do.
  const auto captured = [&](const std::function<void(Store&)>& call) {
    const std::vector<std::string> sql = CaptureWarm(options, call, call);
    if (sql.size() != 1) throw std::runtime_error("a read ran other than one statement");
    return sql[0];
  };
  const std::string find_sql = captured([&](Store& s) { s.tasks().Find(cluster.arn, some.arn); });
  const std::string page_sql = captured([&](Store& s) { s.tasks().List(cluster.arn, {}, page); });
  const std::string count_sql = captured([&](Store& s) { s.tasks().Count(cluster.arn, filter); });
  const std::unique_ptr<Raw> raw = OpenRaw(backend, options.url);
  const std::vector<Value> find_values = {cluster.arn, some.arn};
  const std::vector<Value> page_values = {cluster.arn, std::int64_t{kPageLimit + 1}};
  Measure(backend, "find_task_by_arn_raw", 200, kWarmCalls,
          [&] { raw->Run(find_sql, find_values); });
  Measure(backend, "list_tasks_first_page_raw", 20, kWarmCalls,
          [&] { raw->Run(page_sql, page_values); });
  const std::vector<Value> count_values = {cluster.arn, filter.desired_status};
  Measure(backend, "count_tasks_raw", 200, kWarmCalls, [&] { raw->Run(count_sql, count_values); });
  // And into a new result, as code that returns new objects does: the like
  // for like of Find and List (Raw::RunNew).
  Measure(backend, "find_task_by_arn_raw_new", 200, kWarmCalls,
          [&] { raw->RunNew(find_sql, find_values, 1); });
  Measure(backend, "list_tasks_first_page_raw_new", 20, kWarmCalls,
          [&] { raw->RunNew(page_sql, page_values, kPageLimit); });

  const Task seed = SeedTask(writes.arn, 7);
  Measure(backend, "create_task", 100, kWarmCalls, [&] { tasks.Create(seed); });
  Task updated = tasks.Create(seed);
  const char* status[] = {"RUNNING", "STOPPED"};
  Measure(backend, "update_task", 100, kWarmCalls, [&] {
    updated.desired_status = status[updated.version % 2];
    updated = tasks.Update(updated);
  });
}

// Migrator::Open + Up of `count` generated migrations into an empty
// database (as migrate_bench's migrate_up_500): once uninstrumented (lazily
// initialised libraries, OpenSSL's SHA-256), then once counted.
void MeasureMigrations(Backend backend, int count) {
  StoreOptions options = Options(backend, "instructions-migrate.db");
  options.migrations_dir = GenerateMigrationSet(count, false);
  EmptyDatabase(options);
  Migrator::Open(options)->Up();
  EmptyDatabase(options);
  Measure(backend, "migrate_" + std::to_string(count), 1, 0,
          [&] { Migrator::Open(options)->Up(); });
}

}  // namespace
}  // namespace strata::bench

int main(int argc, char** argv) {
  int migrations = 500;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--migrations") == 0) migrations = std::atoi(argv[i + 1]);
  }
  using strata::Backend;
  // Every path is measured in a process that has started a thread, as a
  // server has. glibc wraps each system call (send, recv, poll, pwrite) in
  // cancellation bookkeeping once a process has started a thread, about 40
  // instructions a call. Without this, the paths measured before the first
  // raw side's capture thread (CaptureWarm) skipped it and their raw sides
  // paid it: 165 instructions of PostgreSQL's Count.
  std::thread([] {}).join();
  return strata::bench::RunInEnvironment([&] {
    for (const Backend backend : {Backend::kSqlite, Backend::kPostgres}) {
      if (!strata::bench::Selected(backend)) continue;
      strata::bench::MeasureQueries(backend);
      if (migrations > 0) strata::bench::MeasureMigrations(backend, migrations);
    }
    return 0;
  });
}
