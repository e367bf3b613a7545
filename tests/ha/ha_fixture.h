// The fixture of the HA tests: one replicated set (harness/replicated_set.h)
// for the whole binary, started by the first test that needs it, with the
// schema migrated and a cluster to put tasks in.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "cleanup_guard.h"
#include "replicated_set.h"
#include "strata/options.h"
#include "strata/store.h"

namespace strata::testing {

inline constexpr int kThreads = 8;
inline constexpr const char* kCluster = "ha";

class HaTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();

  // The multi-host URL of the set's `database`: strata connects to whichever
  // node is the primary.
  static StoreOptions Options(const std::string& database = ReplicatedSet::kDatabase);

 public:  // for the environment that stops the set
  static CleanupGuard* guard_;
  static ReplicatedSet* set_;
};

// Runs the fault suite's workload (workload.h) on a store opened with
// `options`, breaks the database with `fault` one second in, repairs it with
// `repair`, lets it run until a write that started after the fault commits
// and one second more, prints the scenario's "strata-ha:" line and checks
// that nothing committed was lost or applied twice.
void RunFaultScenario(const StoreOptions& options, const std::string& name,
                      const std::function<void()>& fault, const std::function<void()>& repair);

}  // namespace strata::testing
