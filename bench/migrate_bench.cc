// The migration engine beside the floor: the same statements through the raw
// C API, one transaction per migration (issue 3; docs/benchmarks.md).
#include <libpq-fe.h>
#include <sqlite3.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_support.h"
#include "strata/migrator.h"

namespace strata::bench {
namespace {

constexpr int kMigrations = 500;
constexpr int kStatusMigrations = 10'000;

// The up files of ROOT/<backend>, in version order, read from disk.
std::vector<std::string> ReadUpFiles(const std::string& root, Backend backend) {
  std::vector<std::filesystem::path> paths;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::filesystem::path(root) / BackendName(backend))) {
    if (entry.path().string().ends_with(".up.sql")) paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<std::string> scripts;
  for (const auto& path : paths) {
    std::ifstream in(path, std::ios::binary);
    scripts.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return scripts;
}

void Check(sqlite3* db, int rc) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db));
}

// With `ledger`, each transaction also inserts a row shaped like strata's
// ledger row (its SQLite table, written out here so that the baseline does
// not depend on strata): the floor of an engine that records what it did.
void RawSqlite(const std::string& path, const std::vector<std::string>& scripts, bool ledger) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db,
                  SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  // The journal mode strata gives every SQLite database (ADR 0004).
  sqlite3_exec(db, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
  sqlite3_stmt* insert = nullptr;
  if (ledger) {
    Check(db, sqlite3_exec(db,
                           "CREATE TABLE IF NOT EXISTS ledger (version INTEGER PRIMARY KEY, name "
                           "TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL, "
                           "duration_ms REAL NOT NULL, state TEXT NOT NULL DEFAULT 'applied', "
                           "failed_statement INTEGER, error TEXT)",
                           nullptr, nullptr, nullptr));
    Check(db, sqlite3_prepare_v2(db,
                                 "INSERT INTO ledger (version, name, checksum, applied_at, "
                                 "duration_ms) VALUES (?, ?, ?, ?, ?)",
                                 -1, &insert, nullptr));
  }
  const std::string checksum(64, 'c');
  int version = 0;
  for (const std::string& script : scripts) {
    Check(db, sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr));
    Check(db, sqlite3_exec(db, script.c_str(), nullptr, nullptr, nullptr));
    if (ledger) {
      const std::string name = "table_" + std::to_string(++version);
      sqlite3_bind_int(insert, 1, version);
      sqlite3_bind_text(insert, 2, name.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(insert, 3, checksum.c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_text(insert, 4, "2026-11-21T10:00:00.000000Z", -1, SQLITE_STATIC);
      sqlite3_bind_double(insert, 5, 0.2);
      Check(db, sqlite3_step(insert));
      sqlite3_reset(insert);
    }
    Check(db, sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr));
  }
  sqlite3_finalize(insert);
  sqlite3_close(db);
}

void RawPostgres(const std::string& conninfo, const std::vector<std::string>& scripts) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  for (const std::string& script : scripts) {
    for (const char* sql : {"BEGIN", script.c_str(), "COMMIT"}) {
      PGresult* result = PQexec(conn, sql);
      const bool ok =
          PQresultStatus(result) == PGRES_COMMAND_OK || PQresultStatus(result) == PGRES_TUPLES_OK;
      PQclear(result);
      if (!ok) throw std::runtime_error(PQerrorMessage(conn));
    }
  }
  PQfinish(conn);
}

const std::string& UpSet() {
  static const std::string root = GenerateMigrationSet(kMigrations, false);
  return root;
}

// One run of the floor (`raw`) or of strata into the empty database of
// `options`, whose migrations_dir is UpSet().
void RunUp(benchmark::State& state, const StoreOptions& options, bool raw, bool ledger) {
  if (raw) {
    const std::vector<std::string> scripts = ReadUpFiles(options.migrations_dir, options.backend);
    if (options.backend == Backend::kSqlite) {
      RawSqlite(options.url, scripts, ledger);
    } else {
      RawPostgres(options.url, scripts);
    }
  } else {
    const MigrationResult result = Migrator::Open(options)->Up();
    if (result.applied.size() != kMigrations) state.SkipWithError("not all applied");
  }
}

void MigrateUp(benchmark::State& state, Backend backend, bool raw, bool ledger, bool disk) {
  StoreOptions options = Options(backend, "up.db");
  options.migrations_dir = UpSet();
  if (disk) {
    static const std::string directory = DiskDirectory();
    if (directory.empty()) {
      state.SkipWithError("no disk directory: STRATA_BENCH_DISK_DIR names tmpfs or is unusable");
      return;
    }
    options.url = directory + "/up.db";
  }
  for (auto _ : state) {
    state.PauseTiming();
    EmptyDatabase(options);
    state.ResumeTiming();
    RunUp(state, options, raw, ledger);
  }
  state.counters["migrations"] = kMigrations;
  state.counters["per_migration_us"] = benchmark::Counter(
      kMigrations, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

// This process's user + system CPU time, in seconds.
double CpuSeconds() {
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// The floor and strata back to back in each iteration, in alternating order,
// each timed on its own: a neighbour's load that drifts over seconds falls
// on both runs of a pair, so the median of the per-pair ratios is steadier on
// a shared machine than a ratio of two medians taken apart.
void MigrateUpPaired(benchmark::State& state, Backend backend) {
  StoreOptions options = Options(backend, "paired.db");
  options.migrations_dir = UpSet();
  std::vector<double> real_ratios;
  std::vector<double> cpu_ratios;
  bool raw_first = true;
  for (auto _ : state) {
    double real[2] = {0, 0};  // floor, strata
    double cpu[2] = {0, 0};
    for (const bool raw : {raw_first, !raw_first}) {
      EmptyDatabase(options);
      const double cpu_start = CpuSeconds();
      const auto started = std::chrono::steady_clock::now();
      RunUp(state, options, raw, /*ledger=*/false);
      real[raw ? 0 : 1] =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      cpu[raw ? 0 : 1] = CpuSeconds() - cpu_start;
    }
    real_ratios.push_back(real[1] / real[0]);
    cpu_ratios.push_back(cpu[1] / cpu[0]);
    raw_first = !raw_first;
  }
  const auto quantile = [](std::vector<double>& values, double q) {
    std::sort(values.begin(), values.end());
    return values[static_cast<std::size_t>(q * static_cast<double>(values.size() - 1) + 0.5)];
  };
  state.counters["ratio_p10"] = quantile(real_ratios, 0.1);
  state.counters["ratio_median"] = quantile(real_ratios, 0.5);
  state.counters["ratio_p90"] = quantile(real_ratios, 0.9);
  state.counters["cpu_ratio_median"] = quantile(cpu_ratios, 0.5);
}

// Loading the set: reading, checksumming and checking 500 files.
void OpenSet(benchmark::State& state, Backend backend) {
  StoreOptions options = Options(backend, "open.db");
  options.migrations_dir = UpSet();
  for (auto _ : state) benchmark::DoNotOptimize(Migrator::Open(options));
}

// Migrator::Verify of the 500 (each a table and an index, with a down):
// all applied on a scratch database, then each reverted, applied again and
// reverted, the schema read at every step.
void Verify500(benchmark::State& state, Backend backend) {
  StoreOptions options = Options(backend, "verify.db");
  options.migrations_dir = UpSet();
  const std::unique_ptr<Migrator> migrator = Migrator::Open(options);
  for (auto _ : state) {
    const VerifyResult result = migrator->Verify();
    if (!result.ok() || result.verified.size() != kMigrations) {
      state.SkipWithError(result.Describe().c_str());
    }
  }
}

// 10,000 applied migrations: the ledger read and merged with the set.
struct StatusFixture {
  std::string root;
  StoreOptions options;
};

StatusFixture& Applied(Backend backend) {
  static std::map<Backend, StatusFixture> fixtures;
  auto it = fixtures.find(backend);
  if (it != fixtures.end()) return it->second;
  StatusFixture fixture;
  fixture.root = GenerateMigrationSet(kStatusMigrations, true);
  fixture.options = Options(backend, "status.db");
  fixture.options.migrations_dir = fixture.root;
  EmptyDatabase(fixture.options);
  Migrator::Open(fixture.options)->Up();
  return fixtures[backend] = fixture;
}

void Status(benchmark::State& state, Backend backend, bool open_each_time) {
  const StatusFixture& fixture = Applied(backend);
  std::unique_ptr<Migrator> migrator = Migrator::Open(fixture.options);
  for (auto _ : state) {
    if (open_each_time) migrator = Migrator::Open(fixture.options);
    const SchemaStatus status = migrator->Status();
    if (status.current_version != kStatusMigrations || !status.Ready()) {
      state.SkipWithError("not ready");
    }
  }
}

// `typed` (SQLite only): each column read in its stored type, the REAL
// duration_ms as a double, instead of every value as text. Text costs
// SQLite a printf of each REAL; strata reads the duration as integer
// microseconds, so this side is the floor that pays neither.
void StatusRaw(benchmark::State& state, Backend backend, bool typed) {
  const StatusFixture& fixture = Applied(backend);
  const std::string sql =
      "SELECT version, name, checksum, applied_at, duration_ms, state, failed_statement, error "
      "FROM strata_schema_migrations ORDER BY version";
  if (backend == Backend::kSqlite) {
    sqlite3* db = nullptr;
    sqlite3_open_v2(fixture.options.url.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                    nullptr);
    for (auto _ : state) {
      sqlite3_stmt* stmt = nullptr;
      sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
      std::size_t bytes = 0;
      while (sqlite3_step(stmt) == SQLITE_ROW) {
        for (int c = 0; c < 8; ++c) {
          const int type = typed ? sqlite3_column_type(stmt, c) : SQLITE_TEXT;
          if (type == SQLITE_INTEGER) {
            bytes += static_cast<std::size_t>(sqlite3_column_int64(stmt, c));
          } else if (type == SQLITE_FLOAT) {
            bytes += static_cast<std::size_t>(sqlite3_column_double(stmt, c));
          } else if (sqlite3_column_text(stmt, c) != nullptr) {
            bytes += static_cast<std::size_t>(sqlite3_column_bytes(stmt, c));
          }
        }
      }
      sqlite3_finalize(stmt);
      benchmark::DoNotOptimize(bytes);
    }
    sqlite3_close(db);
  } else {
    PGconn* conn = PQconnectdb(fixture.options.url.c_str());
    for (auto _ : state) {
      // Every value touched, as on SQLite: a status that is read, not just
      // received.
      PGresult* result = PQexec(conn, sql.c_str());
      std::size_t bytes = 0;
      for (int row = 0; row < PQntuples(result); ++row) {
        for (int c = 0; c < 8; ++c) {
          if (PQgetisnull(result, row, c) == 0) {
            bytes += static_cast<std::size_t>(PQgetlength(result, row, c));
          }
        }
      }
      benchmark::DoNotOptimize(bytes);
      PQclear(result);
    }
    PQfinish(conn);
  }
}

void Register() {
  for (const Backend backend : {Backend::kSqlite, Backend::kPostgres}) {
    if (!Selected(backend)) continue;
    const std::string b(BackendName(backend));
    // SQLite also pairs strata with a floor that writes a ledger row: the
    // share of the gap that is recording, not engine (docs/benchmarks.md).
    for (const bool ledger :
         backend == Backend::kSqlite ? std::vector<bool>{false, true} : std::vector<bool>{false}) {
      for (const bool raw : {true, false}) {
        benchmark::RegisterBenchmark(
            ("migrate_up_500" + std::string(ledger ? "_ledger_floor/" : "/") + b +
             (raw ? "/raw" : "/strata"))
                .c_str(),
            MigrateUp, backend, raw, ledger, /*disk=*/false)
            ->Unit(benchmark::kMillisecond)
            ->Iterations(1)
            ->Repetitions(9)
            ->ReportAggregatesOnly(true)
            ->UseRealTime();
      }
    }
    if (backend == Backend::kSqlite) {
      // On a disk file system, where each commit's sync costs (ADR 0006).
      for (const bool raw : {true, false}) {
        benchmark::RegisterBenchmark(
            ("migrate_up_500_disk/" + b + (raw ? "/raw" : "/strata")).c_str(), MigrateUp, backend,
            raw, /*ledger=*/false, /*disk=*/true)
            ->Unit(benchmark::kMillisecond)
            ->Iterations(1)
            ->Repetitions(5)
            ->ReportAggregatesOnly(true)
            ->UseRealTime();
      }
      benchmark::RegisterBenchmark(("migrate_up_500_paired/" + b).c_str(), MigrateUpPaired, backend)
          ->Unit(benchmark::kMillisecond)
          ->Iterations(21)
          ->UseRealTime();
    }
    benchmark::RegisterBenchmark(("open_500/" + b).c_str(), OpenSet, backend)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
    benchmark::RegisterBenchmark(("verify_500/" + b).c_str(), Verify500, backend)
        ->Unit(benchmark::kMillisecond)
        ->Iterations(3)
        ->UseRealTime();
    benchmark::RegisterBenchmark(("status_10000/" + b + "/raw").c_str(), StatusRaw, backend, false)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
    if (backend == Backend::kSqlite) {
      benchmark::RegisterBenchmark(("status_10000/" + b + "/raw_typed").c_str(), StatusRaw, backend,
                                   true)
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime();
    }
    benchmark::RegisterBenchmark(("status_10000/" + b + "/strata").c_str(), Status, backend, false)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
    benchmark::RegisterBenchmark(("open_and_status_10000/" + b).c_str(), Status, backend, true)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  }
}

}  // namespace
}  // namespace strata::bench

int main(int argc, char** argv) {
  strata::bench::Register();
  return strata::bench::Main(argc, argv);
}
