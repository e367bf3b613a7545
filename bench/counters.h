// counters_bench (docs/benchmarks.md, "Live counters and soft deletes"): what the live counters
// of migration 0007 cost. Writes with and without the counting triggers,
// reads of the stored counters against counting `tasks` at each read, and 8
// concurrent writers to one cluster and service on PostgreSQL.
#pragma once

#include <string>
#include <vector>

#include "raw_client.h"
#include "strata/options.h"

namespace strata::bench {

// While it lives, the database behind `raw` has no counting triggers on
// `tasks` (tasks_count_insert, _update, _delete are dropped; PostgreSQL's
// DISABLE TRIGGER would still collect the transition tables); then they are
// created again from their stored definitions. Writes made meanwhile are not
// counted: a benchmark removes its tasks before it ends.
class TriggersOff {
 public:
  TriggersOff(Raw& raw, Backend backend);
  ~TriggersOff();
  TriggersOff(const TriggersOff&) = delete;
  TriggersOff& operator=(const TriggersOff&) = delete;

 private:
  Raw& raw_;
  std::vector<std::string> names_, definitions_;
};

// PostgreSQL, while it lives: the naive design beside TriggersOff, a
// row-level trigger that keeps running and pending counts on the cluster's
// row and the service's row (columns added for the benchmark, dropped again).
class CountersOnRows {
 public:
  explicit CountersOnRows(Raw& raw);
  ~CountersOnRows();
  CountersOnRows(const CountersOnRows&) = delete;
  CountersOnRows& operator=(const CountersOnRows&) = delete;

 private:
  Raw& raw_;
};

// The benchmarks of each part, registered for the selected backends.
void RegisterWriteCosts();
void RegisterReadCosts();
void RegisterContention();

}  // namespace strata::bench
