// What every strata benchmark binary shares: one PostgreSQL server for the
// binary (the test harness's, fsync off: these benchmarks measure strata's
// own cost, not the disk), scratch directories on tmpfs (and one on disk for
// the pair that measures syncs), and a reporter that
// prints each `.../strata` result as a ratio of its `.../raw` baseline, both
// measured in the same run.
#pragma once

#include <benchmark/benchmark.h>

#include <functional>
#include <string>

#include "strata/options.h"

namespace strata::bench {

// Options for the backend's benchmark database. SQLite: a fresh file path
// under a scratch directory for each call with a distinct `name`.
StoreOptions Options(Backend backend, const std::string& name = "bench.db");

// A scratch directory that is removed when the binary exits.
std::string ScratchDirectory();

// A directory on a disk file system, removed when the binary exits:
// under STRATA_BENCH_DISK_DIR, else the working directory. Empty when that is
// tmpfs (where a sync costs nothing and the pair would show nothing).
std::string DiskDirectory();

// A scratch migration root of `count` generated migrations,
// ROOT/<backend>/NNNNN_table_N.{up,down}.sql: CREATE TABLE + CREATE INDEX up
// (`trivial`: a SELECT), DROP TABLE down. Both backends read the same SQL.
std::string GenerateMigrationSet(int count, bool trivial);

// Drops every table (PostgreSQL) or removes the database files (SQLite).
void EmptyDatabase(const StoreOptions& options);

// Backends to measure: STRATA_BENCH_BACKENDS (sqlite,postgres; default both).
bool Selected(Backend backend);

// Runs the registered benchmarks; prints the ratio table at the end.
int Main(int argc, char** argv);

// Runs `body` with what Main sets up around the benchmarks (the PostgreSQL
// server when selected, the scratch directory), for a binary that is not a
// Google Benchmark suite (memory_probe); returns what `body` returns.
int RunInEnvironment(const std::function<int()>& body);

}  // namespace strata::bench
