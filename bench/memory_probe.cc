// Peak memory of the two calls that handle a million rows
// (docs/benchmarks/memory-and-status.md): tasks().CreateMany of N tasks, and
// `strata task list --all` over the cluster they went into, as the CLI
// prints it in either format. Not a Google Benchmark suite (make bench does
// not run it): one backend per process, so that one backend's freed heap
// cannot hide the other's growth.
//
//   memory_probe --backend sqlite|postgres [--tasks N] [--given-ids]
//                [--stream] [--cli PATH/TO/strata]
//
// CreateMany: the input vector is built (reserved, so that building it
// leaves no peak of its own), then the high-water mark is reset
// (/proc/self/clear_refs) and the call's peak read from VmHWM; ru_maxrss is
// printed beside it. --given-ids gives each task its id and ARN, so that the
// call fills in nothing and its growth is the store's working memory alone.
// --stream measures tasks().CreateFrom instead: the N tasks made one at a
// time by its source, none held by the caller, so that its growth is all
// there is.
// --cli: runs `/usr/bin/time -v strata task list --all` over the big cluster
// and over a cluster of 3 tasks, table and JSON, reading its stdout to check
// every row came out.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "bench_support.h"
#include "strata/store.h"

namespace strata::bench {
namespace {

struct Args {
  Backend backend = Backend::kSqlite;
  long tasks = 1'000'000;
  bool given_ids = false;
  bool stream = false;
  std::string cli;
};

// A line of /proc/self/status ("VmHWM:", "VmRSS:"), in KiB.
long StatusKib(std::string_view key) {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with(key)) return std::strtol(line.c_str() + key.size(), nullptr, 10);
  }
  return -1;
}

long MaxRssKib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

double Mib(long kib) { return static_cast<double>(kib) / 1024.0; }

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

Task MakeTask(const Cluster& cluster, long i, bool given_ids) {
  Task task;
  task.cluster_arn = cluster.arn;
  task.task_definition_arn =
      "arn:aws:ecs:us-east-1:000000000000:task-definition/service-" + std::to_string(i % 20) + ":1";
  task.started_by = "ecs-svc/" + std::to_string(i % 20);
  task.cpu = "256";
  task.memory = "512";
  task.containers = R"([{"name":"app","image":"nginx:1.25","cpu":256,"memory":512}])";
  if (given_ids) {
    char id[33];
    std::snprintf(id, sizeof id, "%032lx", i + 1);
    task.id = id;
    task.arn = "arn:aws:ecs:" + cluster.region + ":" + cluster.account_id + ":task/" +
               cluster.name + "/" + task.id;
  }
  return task;
}

// The heap the call's filled-in strings hold in the returned tasks (id,
// ARN): what the caller asked for, not working memory. Counted as glibc
// sizes them (the capacity and its terminator, rounded up to 16, plus 8).
double FilledInMib(const std::vector<Task>& tasks) {
  const auto heap = [](const std::string& s) -> std::size_t {
    return s.capacity() <= 15 ? 0 : (s.capacity() + 1 + 8 + 15) / 16 * 16;
  };
  std::size_t bytes = 0;
  for (const Task& t : tasks) bytes += heap(t.id) + heap(t.arn);
  return static_cast<double>(bytes) / (1024.0 * 1024.0);
}

void MeasureCreateMany(Store& store, const Cluster& cluster, const Args& args) {
  std::vector<Task> tasks;
  tasks.reserve(static_cast<std::size_t>(args.tasks));
  for (long i = 0; i < args.tasks; ++i) tasks.push_back(MakeTask(cluster, i, args.given_ids));
  const long rss_before = StatusKib("VmRSS:");
  const long maxrss_before = MaxRssKib();
  std::ofstream("/proc/self/clear_refs") << "5";  // VmHWM := VmRSS
  const long hwm_reset = StatusKib("VmHWM:");
  const auto start = std::chrono::steady_clock::now();
  std::vector<Task> stored = store.tasks().CreateMany(std::move(tasks));
  const double seconds = SecondsSince(start);
  const long hwm_after = StatusKib("VmHWM:");
  const long maxrss_after = MaxRssKib();
  std::printf(
      "create_many %ld %s%s: RSS before %.1f MiB (VmHWM reset to %.1f); VmHWM after %.1f MiB: "
      "growth %.1f MiB; ru_maxrss %.1f -> %.1f MiB (growth %.1f); of it, the ids and ARNs the "
      "call filled in: %.1f MiB; %.1f s\n",
      args.tasks, BackendName(args.backend).data(), args.given_ids ? " (ids given)" : "",
      Mib(rss_before), Mib(hwm_reset), Mib(hwm_after), Mib(hwm_after - rss_before),
      Mib(maxrss_before), Mib(maxrss_after), Mib(maxrss_after - maxrss_before),
      args.given_ids ? 0.0 : FilledInMib(stored), seconds);
  if (stored.size() != static_cast<std::size_t>(args.tasks)) std::exit(1);
}

void MeasureCreateFrom(Store& store, const Cluster& cluster, const Args& args) {
  const long rss_before = StatusKib("VmRSS:");
  std::ofstream("/proc/self/clear_refs") << "5";  // VmHWM := VmRSS
  const auto start = std::chrono::steady_clock::now();
  long made = 0;
  const std::int64_t created = store.tasks().CreateFrom([&](Task& t) {
    if (made == args.tasks) return false;
    t = MakeTask(cluster, made++, args.given_ids);
    return true;
  });
  const double seconds = SecondsSince(start);
  const long hwm_after = StatusKib("VmHWM:");
  std::printf(
      "create_from %ld %s%s: RSS before %.1f MiB; VmHWM after %.1f MiB: growth %.1f MiB; "
      "%.1f s\n",
      args.tasks, BackendName(args.backend).data(), args.given_ids ? " (ids given)" : "",
      Mib(rss_before), Mib(hwm_after), Mib(hwm_after - rss_before), seconds);
  if (created != args.tasks) std::exit(1);
}

// Runs `/usr/bin/time -v strata ... task list --cluster C --all`; prints its
// maximum resident set size and how many rows it printed.
void MeasureList(const Args& args, const StoreOptions& options, const std::string& cluster,
                 long expected, bool json) {
  const std::string time_file = ScratchDirectory() + "/time.txt";
  std::vector<std::string> argv = {"/usr/bin/time",
                                   "-v",
                                   "-o",
                                   time_file,
                                   args.cli,
                                   "--storage",
                                   std::string(BackendName(options.backend)),
                                   "--database-url",
                                   options.url,
                                   "--output",
                                   json ? "json" : "table",
                                   "task",
                                   "list",
                                   "--cluster",
                                   cluster,
                                   "--all",
                                   "--limit",
                                   "1000"};
  const auto start = std::chrono::steady_clock::now();
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) std::exit(1);
  const pid_t child = fork();
  if (child == 0) {
    dup2(pipe_fds[1], STDOUT_FILENO);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    std::vector<char*> raw;
    for (std::string& a : argv) raw.push_back(a.data());
    raw.push_back(nullptr);
    execv(raw[0], raw.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  // Rows: table lines after the header; JSON objects opened at the items'
  // indent ("    {").
  long rows = 0;
  char buffer[1 << 16];
  std::string carry;
  for (ssize_t n; (n = read(pipe_fds[0], buffer, sizeof buffer)) > 0;) {
    carry.append(buffer, static_cast<std::size_t>(n));
    std::size_t from = 0;
    for (std::size_t end; (end = carry.find('\n', from)) != std::string::npos; from = end + 1) {
      const std::string_view line(carry.data() + from, end - from);
      rows += json ? line == "    {" : 1;
    }
    carry.erase(0, from);
  }
  close(pipe_fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  if (!json) --rows;  // the header
  std::ifstream times(time_file);
  std::string max_rss = "?";
  for (std::string line; std::getline(times, line);) {
    const std::size_t at = line.find("Maximum resident set size (kbytes): ");
    if (at != std::string::npos) max_rss = line.substr(at + 36);
  }
  std::printf(
      "task list --all %s %s, %ld tasks: maximum resident set size %.1f MiB, %ld rows, %.1f s%s\n",
      BackendName(options.backend).data(), json ? "json" : "table", expected,
      max_rss == "?" ? -1.0 : Mib(std::stol(max_rss)), rows, SecondsSince(start),
      WIFEXITED(status) && WEXITSTATUS(status) == 0 && rows == expected ? "" : " (FAILED)");
}

int Probe(const Args& args) {
  StoreOptions options = Options(args.backend, "memory.db");
  EmptyDatabase(options);
  options.auto_migrate = true;
  {
    std::unique_ptr<Store> store = Store::Open(options);
    Cluster big;
    big.name = "big";
    big = store->clusters().Create(big);
    Cluster tiny;
    tiny.name = "tiny";
    tiny = store->clusters().Create(tiny);
    std::vector<Task> three;
    for (long i = 0; i < 3; ++i) three.push_back(MakeTask(tiny, i, false));
    store->tasks().CreateMany(std::move(three));
    if (args.stream) {
      MeasureCreateFrom(*store, big, args);
    } else {
      MeasureCreateMany(*store, big, args);
    }
  }
  if (args.cli.empty()) return 0;
  for (const bool json : {false, true}) {
    MeasureList(args, options, "tiny", 3, json);
    MeasureList(args, options, "big", args.tasks, json);
  }
  return 0;
}

}  // namespace
}  // namespace strata::bench

int main(int argc, char** argv) {
  strata::bench::Args args;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--backend" && has_value) {
      args.backend = std::string_view(argv[++i]) == "postgres" ? strata::Backend::kPostgres
                                                               : strata::Backend::kSqlite;
    } else if (arg == "--tasks" && has_value) {
      args.tasks = std::strtol(argv[++i], nullptr, 10);
    } else if (arg == "--given-ids") {
      args.given_ids = true;
    } else if (arg == "--stream") {
      args.stream = true;
    } else if (arg == "--cli" && has_value) {
      args.cli = argv[++i];
    } else {
      std::fprintf(stderr,
                   "usage: memory_probe --backend sqlite|postgres [--tasks N] [--given-ids] "
                   "[--stream] [--cli PATH/TO/strata]\n");
      return 2;
    }
  }
  // Only the backend measured: no PostgreSQL server for a SQLite run.
  setenv("STRATA_BENCH_BACKENDS", strata::BackendName(args.backend).data(), 1);
  return strata::bench::RunInEnvironment([&] { return strata::bench::Probe(args); });
}
