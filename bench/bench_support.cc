#include "bench_support.h"

#include <libpq-fe.h>
#include <linux/magic.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "cleanup_guard.h"
#include "latency_proxy.h"
#include "postgres_server.h"
#include "process.h"
#include "test_database.h"

namespace strata::bench {
namespace {

struct Environment {
  std::unique_ptr<testing::CleanupGuard> guard;
  std::unique_ptr<testing::PostgresServer> postgres;
  std::unique_ptr<LatencyProxy> proxy;  // STRATA_BENCH_PG_DELAY_US
  std::string scratch;
  int scratch_lock = -1;
  std::set<std::string> databases;
  std::vector<std::string> directories;  // outside scratch, removed at the end
};

Environment& Env() {
  static Environment env;
  return env;
}

// Prints every run as the console reporter does, and remembers the times of
// `<name>/raw` and `<name>/strata` pairs for the ratio table, and of variants
// `<name>/<side>_<variant>` beside their `<name>/<side>` for a second table.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.run_type == Run::RT_Aggregate && run.aggregate_name != "median") continue;
      std::string name = run.run_name.function_name;
      Times& slot = name.ends_with("/raw")      ? raw_[name.substr(0, name.size() - 4)]
                    : name.ends_with("/strata") ? strata_[name.substr(0, name.size() - 7)]
                                                : other_;
      slot = {run.GetAdjustedRealTime(), run.GetAdjustedCPUTime()};
      all_[name] = slot;
      units_[name.substr(0, name.rfind('/'))] = benchmark::GetTimeUnitString(run.time_unit);
    }
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    // CPU time is this process's only: for PostgreSQL the server's work is
    // in the real time alone.
    std::printf("\n%-32s %13s %13s %11s %11s\n", "strata vs raw C API (median)", "raw real",
                "strata real", "ratio real", "ratio cpu");
    for (const auto& [name, strata] : strata_) {
      const auto raw = raw_.find(name);
      if (raw == raw_.end()) continue;
      const std::string unit = units_[name];
      std::printf("%-32s %10.3f %-2s %10.3f %-2s %10.2fx %10.2fx\n", name.c_str(), raw->second.real,
                  unit.c_str(), strata.real, unit.c_str(), strata.real / raw->second.real,
                  strata.cpu / raw->second.cpu);
    }
    // Bulk against one at a time: "<backend>/create_many_<N>" beside
    // "<backend>/create_task", per row.
    for (const auto& [name, many] : strata_) {
      const std::size_t at = name.rfind("/create_many_");
      if (at == std::string::npos) continue;
      const auto one = strata_.find(name.substr(0, at) + "/create_task");
      if (one == strata_.end() || units_[name] != units_[one->first]) continue;
      const double per_row = many.real / std::stod(name.substr(at + 13));
      std::printf(
          "%s: CreateMany %.2f %s per row, a loop of Create %.2f %s per row: %.1fx faster\n",
          name.substr(0, at).c_str(), per_row, units_[name].c_str(), one->second.real,
          units_[name].c_str(), one->second.real / per_row);
    }
    PrintVariants();
    // Out before the environment's teardown forks (pg_ctl): a child would
    // otherwise inherit the unwritten buffer and print it a second time.
    std::fflush(stdout);
  }

 private:
  struct Times {
    double real = 0, cpu = 0;
  };

  // "postgres/create_task/raw_uncounted" beside "postgres/create_task/raw".
  void PrintVariants() {
    bool header = false;
    for (const auto& [name, variant] : all_) {
      const std::size_t under = name.find('_', name.rfind('/'));
      if (under == std::string::npos) continue;
      const auto base = all_.find(name.substr(0, under));
      if (base == all_.end()) continue;
      if (!header) {
        std::printf("\n%-48s %13s %13s %11s %11s\n", "variant vs its base (median)", "base real",
                    "variant real", "base/var", "var/base");
        header = true;
      }
      const std::string unit = units_[name.substr(0, name.rfind('/'))];
      std::printf("%-48s %10.3f %-2s %10.3f %-2s %10.2fx %10.2fx\n", name.c_str(),
                  base->second.real, unit.c_str(), variant.real, unit.c_str(),
                  base->second.real / variant.real, variant.real / base->second.real);
      // A raw variant is also a baseline of its own for strata:
      // "postgres/create_task/raw_one_statement" against ".../strata".
      const auto strata = all_.find(name.substr(0, name.rfind('/')) + "/strata");
      if (name.substr(name.rfind('/') + 1).starts_with("raw_") && strata != all_.end()) {
        const std::string against = "  strata vs " + name.substr(name.rfind('/') + 1);
        std::printf("%-48s %10.3f %-2s %10.3f %-2s %10.2fx %10.2fx\n", against.c_str(),
                    variant.real, unit.c_str(), strata->second.real, unit.c_str(),
                    variant.real / strata->second.real, strata->second.real / variant.real);
      }
    }
  }

  std::map<std::string, Times> raw_, strata_, all_;
  std::map<std::string, std::string> units_;
  Times other_;
};

}  // namespace

bool Selected(Backend backend) {
  const auto value = testing::GetEnv("STRATA_BENCH_BACKENDS");
  return !value || value->find(BackendName(backend)) != std::string::npos;
}

std::string ScratchDirectory() {
  Environment& env = Env();
  const std::string dir = env.scratch + "/d" + std::to_string(rand());
  std::filesystem::create_directories(dir);
  return dir;
}

std::string DiskDirectory() {
  const std::string base = testing::GetEnv("STRATA_BENCH_DISK_DIR").value_or(".");
  struct statfs fs {};
  if (statfs(base.c_str(), &fs) != 0 || fs.f_type == TMPFS_MAGIC) return "";
  std::string pattern = base + "/.strata-bench-disk-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) return "";
  const std::string dir = std::filesystem::absolute(pattern).string();
  Env().guard->AddDirectory(dir);
  Env().directories.push_back(dir);
  return dir;
}

std::string GenerateMigrationSet(int count, bool trivial) {
  const std::string root = ScratchDirectory();
  for (const char* backend : {"sqlite", "postgres"}) {
    const std::filesystem::path dir = std::filesystem::path(root) / backend;
    std::filesystem::create_directories(dir);
    for (int v = 1; v <= count; ++v) {
      char base[64];
      std::snprintf(base, sizeof base, "%05d_table_%d", v, v);
      const std::string t = "bench_t" + std::to_string(v);
      std::ofstream(dir / (std::string(base) + ".up.sql"))
          << (trivial ? "SELECT " + std::to_string(v) + ";\n"
                      : "CREATE TABLE " + t +
                            " (id BIGINT PRIMARY KEY, name TEXT NOT NULL, created_at BIGINT);\n"
                            "CREATE INDEX " +
                            t + "_name ON " + t + " (name);\n");
      std::ofstream(dir / (std::string(base) + ".down.sql")) << "DROP TABLE " << t << ";\n";
    }
  }
  return root;
}

StoreOptions Options(Backend backend, const std::string& name) {
  StoreOptions options;
  options.backend = backend;
  if (backend == Backend::kSqlite) {
    options.url = Env().scratch + "/" + name;
    return options;
  }
  // One database per name, so that one benchmark emptying its database
  // leaves another's fixture alone.
  Environment& env = Env();
  std::string database = "bench_";
  for (const char c : name) database += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (env.databases.insert(database).second) {
    env.guard->AddDatabase(env.postgres->info().admin_conninfo, database);
    PGconn* admin = PQconnectdb(env.postgres->info().admin_conninfo.c_str());
    PGresult* result = PQexec(admin, ("CREATE DATABASE " + database).c_str());
    const bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
    const std::string error = PQerrorMessage(admin);
    PQclear(result);
    PQfinish(admin);
    if (!ok) throw std::runtime_error("CREATE DATABASE " + database + ": " + error);
  }
  // In a key=value conninfo string the last dbname (and host) wins.
  options.url = env.postgres->info().conninfo + " dbname=" + database;
  // STRATA_BENCH_PG_HOST=127.0.0.1: both sides over loopback TCP, as an
  // application on another host connects, instead of the Unix socket.
  if (const auto host = testing::GetEnv("STRATA_BENCH_PG_HOST")) options.url += " host=" + *host;
  // STRATA_BENCH_PG_DELAY_US=N: through the latency proxy, N µs each way.
  if (env.proxy) options.url += " host=127.0.0.1 port=" + std::to_string(env.proxy->port());
  return options;
}

void EmptyDatabase(const StoreOptions& options) {
  if (options.backend == Backend::kSqlite) {
    for (const char* suffix : {"", "-wal", "-shm", "-journal", "-migrate-lock"}) {
      std::filesystem::remove(options.url + suffix);
    }
    return;
  }
  testing::TestDatabase::Open(options.backend, options.url)->DropAll();
}

int RunInEnvironment(const std::function<int()>& body) {
  Environment& env = Env();
  env.guard = std::make_unique<testing::CleanupGuard>();
  env.scratch = testing::MakeScratchDirectory("strata-bench-", env.scratch_lock);
  env.guard->AddDirectory(env.scratch);
  if (Selected(Backend::kPostgres)) {
    env.postgres = testing::PostgresServer::Start(*env.guard);
    std::fprintf(stderr, "bench: PostgreSQL %s (%s), fsync off\n",
                 env.postgres->info().version.c_str(), env.postgres->info().source.c_str());
    if (const auto delay = testing::GetEnv("STRATA_BENCH_PG_DELAY_US")) {
      const int us = std::stoi(*delay);
      if (env.postgres->info().port == 0) {
        throw std::runtime_error("STRATA_BENCH_PG_DELAY_US needs a local server on a TCP port");
      }
      env.proxy =
          std::make_unique<LatencyProxy>(env.postgres->info().port, std::chrono::microseconds(us));
      std::fprintf(stderr,
                   "bench: PostgreSQL through a proxy that holds each byte %d µs each way\n", us);
    }
  }
  const int status = body();
  if (env.postgres) {
    for (const std::string& database : env.databases) {
      testing::DropDatabase(env.postgres->info().admin_conninfo, database);
    }
    env.proxy.reset();
    env.postgres->Stop();
  }
  testing::RemoveTree(env.scratch);
  for (const std::string& dir : env.directories) testing::RemoveTree(dir);
  env.guard->Disarm();
  return status;
}

int Main(int argc, char** argv) {
  // Repetitions of raw and strata runs are interleaved at random, so that a
  // noisy neighbour on a shared machine slows both sides alike.
  std::vector<char*> args(argv, argv + argc);
  std::string interleave = "--benchmark_enable_random_interleaving=true";
  args.insert(args.begin() + 1, interleave.data());
  int count = static_cast<int>(args.size());
  benchmark::Initialize(&count, args.data());
  return RunInEnvironment([] {
    RatioReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    return 0;
  });
}

}  // namespace strata::bench
