// A primary and a streaming standby from the local PostgreSQL binaries, on
// loopback ports, for failover tests (docs/testing.md): node 0 starts as the
// primary, node 1 as its synchronous standby (pg_basebackup -R), so that a
// commit the primary acknowledged is on the standby too and a promotion
// loses none. Cleaned up like the single test server, also when the test
// binary dies.
#pragma once

#include <sys/types.h>

#include <array>
#include <memory>
#include <string>

#include "cleanup_guard.h"
#include "local_postgres.h"

namespace strata::testing {

class ReplicatedSet {
 public:
  static constexpr const char* kDatabase = "strata";

  // std::runtime_error with the reason and the failing node's log tail.
  explicit ReplicatedSet(CleanupGuard& guard);
  ~ReplicatedSet();
  ReplicatedSet(const ReplicatedSet&) = delete;
  ReplicatedSet& operator=(const ReplicatedSet&) = delete;

  // Every node, in node order, as one multi-host URL:
  // postgresql://postgres@127.0.0.1:P0,127.0.0.1:P1/strata
  std::string Url() const;
  // One node's URL.
  std::string NodeUrl(int node) const;
  int port(int node) const { return nodes_[node].port; }
  int primary() const { return primary_; }
  int standby() const { return 1 - primary_; }
  bool running(int node) const { return nodes_[node].pid > 0; }

  // Kills the node's postmaster and every backend at once (SIGKILL to its
  // process group), as a machine that loses power.
  void Kill(int node);
  // Starts the node again on its port and data directory (crash recovery);
  // returns once it accepts connections.
  void Start(int node);
  // Promotes the standby and makes it the primary: waits until it takes
  // writes, and clears synchronous_standby_names, which would otherwise make
  // every commit wait for a standby that is gone.
  void Promote(int node);
  // Brings a node that was primary back as the standby of the current
  // primary (pg_rewind from it, standby.signal, primary_conninfo): what a
  // failover manager does so that the old primary never takes writes again.
  // Commits are synchronous again once it streams.
  void Rejoin(int node);
  // Pauses or resumes the standby's WAL replay (pg_wal_replay_pause).
  void PauseReplay(bool paused);
  // Runs one query on a node as postgres, in `database`; its first value.
  std::string Query(int node, const std::string& sql,
                    const std::string& database = "postgres") const;

 private:
  struct Node {
    std::string data, log, tag;
    int port = 0;
    pid_t pid = -1;
  };
  void Launch(int node);
  void WaitForStreaming();

  CleanupGuard& guard_;
  Account account_;
  std::string bindir_;
  std::string dir_;
  int lock_fd_ = -1;
  std::array<Node, 2> nodes_;
  int primary_ = 0;
};

}  // namespace strata::testing
