// Small POSIX process and file helpers for the test harness. Test code only:
// strata itself never forks.
#pragma once

#include <sys/types.h>
#include <time.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace strata::testing {

struct CommandResult {
  int exit_code = -1;  // -1 when killed by a signal or timed out
  bool timed_out = false;
  std::string output;  // stdout and stderr, interleaved
  std::string out;     // stdout alone
  std::string err;     // stderr alone
};

// Runs argv[0] (searched on PATH) with stdin from /dev/null, waiting at most
// `timeout`; a command still running then is killed. `env` entries NAME=VALUE
// are added to (or replace in) the current environment.
// `on_output(pid, output so far)` runs after each read, e.g. to signal the
// command once it has printed something.
CommandResult RunCommand(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                         const std::vector<std::string>& env = {},
                         const std::function<void(pid_t, const std::string&)>& on_output = {});

// True while `pid` exists and is not a zombie (PID 1 here reaps slowly, so
// kill(pid, 0) alone reports exited processes alive).
bool ProcessRunning(pid_t pid);

// The command line of `pid`, arguments separated by spaces; "" when gone.
std::string CommandLine(pid_t pid);

// PIDs of running processes whose command line contains `needle`.
std::vector<pid_t> ProcessesMatching(const std::string& needle);

// Removes a directory tree; missing paths are fine.
void RemoveTree(const std::string& path);

std::optional<std::string> ReadFile(const std::string& path);
// The last `lines` lines of a file, for error messages (server logs).
std::string TailOfFile(const std::string& path, int lines);

std::optional<std::string> GetEnv(const char* name);

// Where the harness puts servers and databases: STRATA_TEST_TMPDIR, else
// /dev/shm when it is a writable tmpfs (start-up and resets are I/O bound),
// else TMPDIR or /tmp.
std::string ScratchBase();

// Creates BASE/<prefix><pid>-XXXXXX holding a .lock file locked by this
// process (close-on-exec: servers do not inherit it); returns the path and
// stores the lock's descriptor, which must stay open while the directory is in use.
std::string MakeScratchDirectory(const std::string& prefix, int& lock_fd);

// Calls `sweep(dir)` for each BASE/<prefix>* directory whose .lock no live
// process holds: left by a test binary that died before its watcher could
// clean up (e.g. the machine rebooted), then removes the directory.
void SweepStaleScratchDirectories(const std::string& prefix,
                                  void (*sweep)(const std::string& dir) = nullptr);

// A TCP port on 127.0.0.1 that was free a moment ago.
int PickFreePort();

// Polls `done` every 10 ms until it returns true or `timeout` passes.
bool WaitFor(std::chrono::milliseconds timeout, const auto& done) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    struct timespec ten_ms = {0, 10'000'000};
    nanosleep(&ten_ms, nullptr);
  }
}

}  // namespace strata::testing
