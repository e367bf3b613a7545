// Throughput of a control-plane mix from 1 to 16 threads over ONE store
// (pool_size = the thread count), beside a raw side that runs the same
// statements on one sqlite3/libpq connection per thread
// (docs/benchmarks/throughput-and-gate.md). The two sides alternate in
// short slices within one benchmark (Mix), so that their ratio holds on a
// shared machine whose load moves by the second. Counters: each side's
// operations per second (all threads together), p50/p99 latency per
// operation over every thread's operations, and the ratio strata/raw of
// operations per second (the median of the rounds, and their range). Any
// call that fails fails the benchmark (and the binary's exit status), with
// what failed, how often and the first error text.
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <barrier>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "bench_support.h"
#include "mix.h"
#include "query_fixture.h"
#include "raw_client.h"

namespace strata::bench {
namespace {

constexpr int kThreadCounts[] = {1, 2, 4, 8, 16};
constexpr int kMaxThreads = 16;
constexpr int kServices = 20;
constexpr int kReadTasks = 20'000;  // in the read cluster
constexpr std::uint64_t kSeed = 20'261'207;

// One backend's database and the store of the run under way, opened
// afresh for each round (Mix).
struct World {
  MixData data;
  MixSql sql;
  std::unique_ptr<Store> setup;  // untimed work: each thread's own tasks, clean-up
  std::unique_ptr<Raw> admin;
  std::mutex mutex;
  std::unique_ptr<Store> store;  // the round's; pool_size = the run's thread count
  std::map<int, std::unique_ptr<std::barrier<>>> barriers;

  // Closes the last round's store and opens the next one's.
  void Reopen(int threads) {
    store.reset();
    StoreOptions options = data.options;
    options.pool_size = static_cast<std::size_t>(threads);
    store = Store::Open(options);
  }

  // Where the threads of a run start each slice together.
  std::barrier<>& BarrierFor(int threads) {
    const std::lock_guard lock(mutex);
    std::unique_ptr<std::barrier<>>& barrier = barriers[threads];
    if (!barrier) barrier = std::make_unique<std::barrier<>>(threads);
    return *barrier;
  }
};

// 1 cluster of kReadTasks tasks in kServices services (SeedTask), and an
// empty one for the writes.
World& TheWorld(Backend backend) {
  static std::mutex mutex;
  static std::map<Backend, std::unique_ptr<World>> worlds;
  const std::lock_guard lock(mutex);
  std::unique_ptr<World>& slot = worlds[backend];
  if (slot) return *slot;
  auto w = std::make_unique<World>();
  MixData& d = w->data;
  d.options = Options(backend, "throughput.db");
  EmptyDatabase(d.options);
  d.options.auto_migrate = true;
  StoreOptions setup = d.options;
  setup.pool_size = kMaxThreads;
  w->setup = Store::Open(setup);
  d.options.auto_migrate = false;
  Cluster reads;
  reads.name = "reads";
  d.reads = w->setup->clusters().Create(reads);
  for (int s = 0; s < kServices; ++s) {
    Service service;
    service.cluster_arn = d.reads.arn;
    service.name = "service-" + std::to_string(s);
    service.task_definition_arn =
        "arn:aws:ecs:us-east-1:000000000000:task-definition/" + service.name + ":1";
    w->setup->services().Create(service);
  }
  std::vector<Task> batch;
  for (int t = 0; t < kReadTasks; ++t) batch.push_back(SeedTask(d.reads.arn, t));
  for (const Task& t : w->setup->tasks().CreateMany(std::move(batch))) {
    d.task_arns.push_back(t.arn);
  }
  Cluster writes;
  writes.name = "writes";
  d.writes = w->setup->clusters().Create(writes);
  d.filter.service_name = "service-7";
  d.filter.desired_status = "RUNNING";
  w->admin = OpenRaw(backend, d.options.url);
  w->sql = CaptureMixSql(d);
  std::fprintf(stderr,
               "throughput_bench: %s, on a warm store: Create runs %zu statements, Upsert %zu, "
               "AdvanceStatus %zu\n",
               std::string(BackendName(backend)).c_str(), w->sql.create.size(),
               w->sql.upsert.size(), w->sql.advance.size());
  if (backend == Backend::kPostgres) w->admin->Exec("VACUUM ANALYZE");
  slot = std::move(w);
  return *slot;
}

// One operation's latency.
struct Sample {
  std::int64_t ns;
  Op op;
};

// A thread's kernel CPU time and context switches, from getrusage.
struct Usage {
  std::int64_t sys_ns = 0;
  std::int64_t switches = 0;  // voluntary (waiting on the server) and not
};

using Clock = std::chrono::steady_clock;
constexpr int kRounds = 10;
constexpr std::chrono::milliseconds kSlice{300};  // per side and round
constexpr int kWarmCalls = 6;                     // of each operation, per side and round
enum Side { kRaw, kStrata };
constexpr const char* kSideNames[] = {"raw", "strata"};

// What one thread recorded for one side in its last run; read by thread 0
// after the loop (Google Benchmark's barrier orders it after every thread's
// loop).
struct Record {
  std::vector<Sample> samples;
  std::array<Clock::time_point, kRounds> start{}, end{};
  std::array<std::int64_t, kRounds> ops{};
  std::array<std::int64_t, kRounds> cpu_ns{};  // this thread's CPU time in the slice
  std::array<Usage, kRounds> usage{};          // of which in the kernel; its context switches
  std::array<std::int64_t, kOps> failures{};
  std::string first_error;

  void Reset() {
    samples.clear();  // keeps the capacity of earlier runs
    ops = {};
    cpu_ns = {};
    usage = {};
    failures = {};
    first_error.clear();
  }
};
std::array<std::array<Record, 2>, kMaxThreads> records;

bool any_failure = false;  // makes the binary's exit status non-zero

// The calling thread's CPU time: the client's own cost of a side's
// operations, which on PostgreSQL competes with the server's for the cores.
std::int64_t ThreadCpuNs() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

// The calling thread's kernel CPU time and context switches (getrusage).
Usage ThreadUsage() {
  rusage u{};
  getrusage(RUSAGE_THREAD, &u);
  return {static_cast<std::int64_t>(u.ru_stime.tv_sec) * 1'000'000'000 +
              static_cast<std::int64_t>(u.ru_stime.tv_usec) * 1'000,
          u.ru_nvcsw + u.ru_nivcsw};
}

double PercentileUs(std::vector<std::int64_t>& ns, double q) {
  if (ns.empty()) return 0;
  const auto at = static_cast<std::size_t>(q * static_cast<double>(ns.size() - 1));
  std::nth_element(ns.begin(), ns.begin() + static_cast<std::ptrdiff_t>(at), ns.end());
  return static_cast<double>(ns[at]) / 1e3;
}

// Operations per second of `side` in round `r`: all threads' operations over
// the time from the first thread's start to the last one's end.
double RoundOpsPerSecond(int threads, Side side, int r) {
  Clock::time_point first = records[0][side].start[r], last = records[0][side].end[r];
  std::int64_t ops = 0;
  for (int i = 0; i < threads; ++i) {
    const Record& record = records[static_cast<std::size_t>(i)][side];
    first = std::min(first, record.start[r]);
    last = std::max(last, record.end[r]);
    ops += record.ops[r];
  }
  return static_cast<double>(ops) / std::chrono::duration<double>(last - first).count();
}

// Thread 0, after the loop: each side's operations per second (the median
// of its rounds), the median of the rounds' ratios strata/raw and their
// range, each side's latency percentiles over all threads' operations (and
// the median of each operation), and any failure.
void Report(benchmark::State& state, int threads, const std::string& label) {
  std::array<std::vector<double>, 2> per_round;
  std::vector<double> ratios;
  for (int r = 0; r < kRounds; ++r) {
    for (const Side side : {kRaw, kStrata}) {
      per_round[side].push_back(RoundOpsPerSecond(threads, side, r));
    }
    ratios.push_back(per_round[kStrata].back() / per_round[kRaw].back());
  }
  const auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return (v[(v.size() - 1) / 2] + v[v.size() / 2]) / 2;
  };
  state.counters["ratio"] = median(ratios);
  state.counters["ratio_min"] = *std::min_element(ratios.begin(), ratios.end());
  state.counters["ratio_max"] = *std::max_element(ratios.begin(), ratios.end());
  std::string failed;
  for (const Side side : {kRaw, kStrata}) {
    const std::string name = kSideNames[side];
    std::vector<std::int64_t> all;
    std::array<std::vector<std::int64_t>, kOps> by_op;
    std::int64_t cpu_ns = 0, ops = 0;
    Usage usage;
    for (int i = 0; i < threads; ++i) {
      const Record& record = records[static_cast<std::size_t>(i)][side];
      for (int r = 0; r < kRounds; ++r) {
        cpu_ns += record.cpu_ns[static_cast<std::size_t>(r)];
        ops += record.ops[static_cast<std::size_t>(r)];
        usage.sys_ns += record.usage[static_cast<std::size_t>(r)].sys_ns;
        usage.switches += record.usage[static_cast<std::size_t>(r)].switches;
      }
      for (const Sample& s : record.samples) {
        all.push_back(s.ns);
        by_op[static_cast<std::size_t>(s.op)].push_back(s.ns);
      }
      for (int op = 0; op < kOps; ++op) {
        if (record.failures[op] == 0) continue;
        failed += (failed.empty() ? "" : "; ") + name + " " + OpName(static_cast<Op>(op)) + ": " +
                  std::to_string(record.failures[op]) + " in thread " + std::to_string(i) +
                  " (first: " + record.first_error + ")";
      }
    }
    state.counters[name + "_ops_s"] = median(per_round[side]);
    // The client threads' CPU per operation, all rounds together.
    const auto per_op = [&](double total) {
      return ops == 0 ? 0 : total / static_cast<double>(ops);
    };
    state.counters[name + "_cpu_us_per_op"] = per_op(static_cast<double>(cpu_ns) / 1e3);
    state.counters[name + "_sys_us_per_op"] = per_op(static_cast<double>(usage.sys_ns) / 1e3);
    state.counters[name + "_switches_per_op"] = per_op(static_cast<double>(usage.switches));
    state.counters[name + "_p50_us"] = PercentileUs(all, 0.50);
    state.counters[name + "_p99_us"] = PercentileUs(all, 0.99);
    for (int op = 0; op < kOps; ++op) {
      std::vector<std::int64_t>& ns = by_op[static_cast<std::size_t>(op)];
      // The share of the side's operations that were this one: the mix
      // drawn is the same on both sides, the mix completed need not be.
      state.counters[name + "_pct_" + OpName(static_cast<Op>(op))] =
          all.empty() ? 0
                      : 100.0 * static_cast<double>(ns.size()) / static_cast<double>(all.size());
      state.counters[name + "_p50_" + OpName(static_cast<Op>(op)) + "_us"] = PercentileUs(ns, 0.50);
    }
  }
  if (failed.empty()) return;
  any_failure = true;
  std::fprintf(stderr, "throughput_bench: %s: failed calls: %s\n", label.c_str(), failed.c_str());
  state.SkipWithError(("failed calls: " + failed).c_str());
}

// Rounds of alternating slices: in each, every thread runs the mix through
// one side for kSlice, then through the other (strata first in even rounds),
// all threads starting each slice together, so that a neighbour's load
// that drifts over seconds falls on both sides of a round alike.
//
// Each round runs on new connections on both sides (a new store, a new raw
// connection per thread), opened and warmed up before its slices: where
// the scheduler places a client thread and its server process lasts as
// long as the pair does, and it moved one side's throughput by up to 2x
// from one run to the next. With the pairs drawn again every round, a
// run's median is over ten placements instead of one.
void Mix(benchmark::State& state, Backend backend) {
  World& w = TheWorld(backend);
  const int threads = state.threads();
  const int me = state.thread_index();
  std::barrier<>& together = w.BarrierFor(threads);
  std::array<Record, 2>& mine = records[static_cast<std::size_t>(me)];
  const std::string no_row = "the call did not find or change its row";
  std::unique_ptr<Raw> connection;  // the round's raw connection, which sides[kRaw] uses
  std::array<std::unique_ptr<MixSide>, 2> sides;
  // Runs `op`; a failure is counted, with the first error's text.
  const auto run = [&](Side side, Op op, std::mt19937_64& random) {
    std::string error;  // empty: the call did what it should
    try {
      if (!sides[side]->Run(op, random)) error = no_row;
    } catch (const std::exception& e) {
      error = e.what();
    }
    if (error.empty()) return;
    ++mine[side].failures[static_cast<std::size_t>(op)];
    if (mine[side].first_error.empty()) mine[side].first_error = error;
  };
  for (Record& record : mine) record.Reset();
  // The same operations, in the same order, on both sides.
  const std::uint64_t seed = kSeed + static_cast<std::uint64_t>(me);
  std::array<std::mt19937_64, 2> random = {std::mt19937_64(seed), std::mt19937_64(seed)};
  std::mt19937_64 warm(kSeed - 1);
  for (auto _ : state) {
    for (int r = 0; r < kRounds; ++r) {
      // Untimed: new connections, and each operation kWarmCalls times on
      // each side, so that most statements are prepared, and past
      // PostgreSQL's first five executions (custom plans), before the
      // slices.
      sides = {};
      connection.reset();
      together.arrive_and_wait();
      if (me == 0) w.Reopen(threads);
      together.arrive_and_wait();
      connection = OpenRaw(backend, w.data.options.url);
      sides = {RawSide(*connection, *w.setup, w.data, w.sql),
               StrataSide(*w.store, *w.setup, w.data)};
      for (int call = 0; call < kWarmCalls; ++call) {
        for (int op = 0; op < kOps; ++op) {
          for (const Side side : {kRaw, kStrata}) run(side, static_cast<Op>(op), warm);
        }
      }
      for (const Side first : {kStrata, kRaw}) {
        const Side side = r % 2 == 0 ? first : (first == kRaw ? kStrata : kRaw);
        Record& record = mine[side];
        together.arrive_and_wait();
        const std::int64_t cpu_start = ThreadCpuNs();
        const Usage usage_start = ThreadUsage();
        const Clock::time_point start = Clock::now(), deadline = start + kSlice;
        Clock::time_point now = start;
        std::int64_t ops = 0;
        for (; now < deadline; ++ops) {
          const Op op = PickOp(random[side]);
          run(side, op, random[side]);
          const Clock::time_point end = Clock::now();
          record.samples.push_back(
              {std::chrono::duration_cast<std::chrono::nanoseconds>(end - now).count(), op});
          now = end;
        }
        record.start[r] = start;
        record.end[r] = now;
        record.ops[r] = ops;
        record.cpu_ns[r] = ThreadCpuNs() - cpu_start;
        const Usage usage_end = ThreadUsage();
        record.usage[r] = {usage_end.sys_ns - usage_start.sys_ns,
                           usage_end.switches - usage_start.switches};
      }
    }
  }
  state.SetItemsProcessed(
      static_cast<std::int64_t>(mine[kRaw].samples.size() + mine[kStrata].samples.size()));
  if (me != 0) return;
  Report(state, threads,
         std::string(BackendName(backend)) + "/throughput_" + std::to_string(threads));
  // The writes of this run go: every run starts on the same data.
  w.admin->Run("DELETE FROM tasks WHERE cluster_arn = :c", {w.data.writes.arn});
}

void Register() {
  for (const Backend backend : {Backend::kSqlite, Backend::kPostgres}) {
    if (!Selected(backend)) continue;
    for (const int threads : kThreadCounts) {
      const std::string name =
          std::string(BackendName(backend)) + "/throughput_" + std::to_string(threads);
      benchmark::RegisterBenchmark(name.c_str(), Mix, backend)
          ->Threads(threads)
          ->Unit(benchmark::kMillisecond)
          ->Iterations(1)
          ->UseRealTime();
    }
  }
}

}  // namespace
}  // namespace strata::bench

int main(int argc, char** argv) {
  strata::bench::Register();
  const int status = strata::bench::Main(argc, argv);
  return strata::bench::any_failure ? 1 : status;
}
