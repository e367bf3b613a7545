// The fixture of the HA tests: one replicated set (harness/replicated_set.h)
// for the whole binary, started by the first test that needs it, with the
// schema migrated and a cluster to put tasks in.
#pragma once

#include <gtest/gtest.h>

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

}  // namespace strata::testing
