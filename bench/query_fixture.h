// The data set query_bench measures on, seeded once per backend and shared by
// every pair, and the capture of the SQL strata prepares for a call, so that
// the raw side runs exactly the statements the library ran.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "raw_client.h"
#include "strata/store.h"

namespace strata::bench {

constexpr int kPageLimit = 100;  // the page size of the read paths

// The seeded database of one backend, its store, the SQL that store
// prepared, and a raw connection beside it.
struct Fixture {
  StoreOptions options;
  std::unique_ptr<Store> store;
  std::unique_ptr<Raw> raw;
  std::mutex mutex;
  std::vector<std::string> prepared;  // "prepared: " lines of the debug log

  std::string big_arn;  // the cluster with 91,000 tasks
  Task some_task;       // one of them, for point reads
  PageRequest deep;     // the page after row 90,000
  Task after_deep;      // the last row before it
  TaskFilter filter;    // desired status + service
  Cluster writes;       // where the write paths create their tasks
  Page<Task> page;      // what the `_into` read paths read their pages into
  Task task;            // and their tasks

  // The SQL that `call` prepares, on a store of its own with an empty
  // statement cache (the main store's may already hold it), on the same
  // database and logger.
  std::vector<std::string> Capture(const std::function<void()>& call);
};

// The `t`th task of a seeded cluster: one service in 20, one task in 10 stopped.
Task SeedTask(const std::string& cluster_arn, int t);

// The backend's fixture, seeded on first use.
Fixture& Seeded(Backend backend);

}  // namespace strata::bench
