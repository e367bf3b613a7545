// Running the real `strata` binary from a test. Only for test binaries that
// define STRATA_CLI (its path; tests/CMakeLists.txt).
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "process.h"

namespace strata::testing {

// Runs `strata ARGS...` with every STRATA_* setting cleared, then `env`
// (NAME=VALUE, later entries win), so that a test states exactly the settings
// it means and nothing leaks in from the caller's environment.
inline CommandResult RunStrata(
    std::vector<std::string> args, const std::vector<std::string>& env = {},
    std::chrono::milliseconds timeout = std::chrono::seconds(60),
    const std::function<void(pid_t, const std::string&)>& on_output = {}) {
  args.insert(args.begin(), STRATA_CLI);
  std::vector<std::string> all_env = {
      "STRATA_STORAGE=",          "STRATA_DATABASE_URL=",    "STRATA_AUTO_MIGRATE=",
      "STRATA_POOL_SIZE=",        "STRATA_OUTPUT=",          "STRATA_LOG_LEVEL=",
      "STRATA_MIGRATIONS_DIR=",   "STRATA_CONNECT_TIMEOUT=", "STRATA_FAILOVER_TIMEOUT=",
      "STRATA_READ_DATABASE_URL="};
  all_env.insert(all_env.end(), env.begin(), env.end());
  return RunCommand(args, timeout, all_env, on_output);
}

}  // namespace strata::testing
