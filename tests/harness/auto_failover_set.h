// Debian's pg_auto_failover on loopback, for failover tests through a real
// failover manager: a monitor and two nodes (node 0 starts as the primary),
// each a `pg_autoctl ... --run` process group of its own run as `postgres`,
// with every file pg_autoctl keeps (its configuration, state and pid files)
// inside one scratch directory. The monitor's health checks are tightened to
// 1 s, so that losing the primary node is noticed and the secondary promoted
// in 2-4 s instead of about 30. Cleaned up like the other servers.
#pragma once

#include <sys/types.h>

#include <array>
#include <chrono>
#include <string>
#include <vector>

#include "cleanup_guard.h"
#include "local_postgres.h"

namespace strata::testing {

class AutoFailoverSet {
 public:
  static constexpr const char* kDatabase = "strata";

  // std::runtime_error with the reason and the failing process's log tail.
  explicit AutoFailoverSet(CleanupGuard& guard);
  ~AutoFailoverSet();
  AutoFailoverSet(const AutoFailoverSet&) = delete;
  AutoFailoverSet& operator=(const AutoFailoverSet&) = delete;

  // The URL the monitor hands out (`pg_autoctl show uri`): both nodes, with
  // target_session_attrs=read-write; plus user=postgres.
  const std::string& Url() const { return url_; }
  // The node the monitor wants as the primary (goal state primary,
  // wait_primary or single), or -1.
  int Primary() const;
  // The node's state as its keeper last reported it to the monitor.
  std::string State(int node) const;
  bool WaitForState(int node, const std::string& state, std::chrono::milliseconds timeout) const;

  // Kills the node's keeper, postmaster and backends at once: a lost machine.
  void KillNode(int node);
  // Runs the node's keeper again (`pg_autoctl run`): it rejoins as the
  // monitor tells it, a secondary after pg_rewind for an old primary.
  void StartNode(int node);

 private:
  struct Process {
    std::string data, log;
    int port = 0;
    pid_t pid = -1;
  };
  // pg_autoctl `args` as postgres, in its own process group, for `data`.
  pid_t Run(const std::vector<std::string>& args, const std::string& data, const std::string& log);
  std::string Monitor(const std::string& sql) const;
  void Stop(Process& process);

  CleanupGuard& guard_;
  Account account_;
  std::string bindir_, dir_, monitor_uri_, url_;
  int lock_fd_ = -1;
  Process monitor_;
  std::array<Process, 2> nodes_;
};

}  // namespace strata::testing
