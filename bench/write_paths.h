// The task write paths of query_bench and counters_bench: each runs a write
// through strata (`raw` false) or the SQL strata prepared for it through
// sqlite3 or libpq (`raw` true), in the fixture's `writes` cluster, which it
// empties again at its end.
#pragma once

#include <benchmark/benchmark.h>

#include <vector>

#include "strata/options.h"

namespace strata::bench {

struct WritePath {
  const char* name;
  void (*run)(benchmark::State&, Backend, bool raw);
};

// create_task, update_task, upsert_task, create_many_10000 and
// delete_cluster_1000_tasks (docs/benchmarks.md).
const std::vector<WritePath>& WritePaths();

// PostgreSQL's create_task and upsert_task's raw side at its limit: strata's one guarded
// statement (INSERT ... SELECT ... FROM clusters WHERE the cluster) alone,
// registered as "<backend>/<path>/raw_one_statement" (`raw` is ignored).
// Their "raw" side is what hand-written code does: the cluster lookup, then
// INSERT ... VALUES.
const std::vector<WritePath>& OneStatementPaths();

// advance_status_3: one task's life through TaskRepository::AdvanceStatus
// (PROVISIONING, then PENDING, RUNNING and STOPPED: 3 status changes, each a
// find and a versioned update); the tasks are created beforehand, untimed.
const WritePath& AdvanceStatusPath();

}  // namespace strata::bench
