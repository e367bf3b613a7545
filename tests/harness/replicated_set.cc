#include "replicated_set.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "process.h"

namespace strata::testing {
namespace {

using std::chrono::milliseconds;

std::runtime_error Failure(const std::string& what) {
  return std::runtime_error("test replicated set: " + what);
}

// Streaming replication, synchronous once the standby streams (Rejoin and
// the constructor set synchronous_standby_names), and what pg_rewind needs.
constexpr const char* kPrimarySettings =
    "wal_level = replica\nmax_wal_senders = 10\nwal_log_hints = on\nfull_page_writes = on\n"
    "hot_standby = on\n"
    "synchronous_commit = on\nwal_keep_size = 256MB\nwal_receiver_status_interval = 1s\n"
    "wal_retrieve_retry_interval = 200ms\n";

}  // namespace

ReplicatedSet::ReplicatedSet(CleanupGuard& guard)
    : guard_(guard), account_(ServerAccount()), bindir_(FindBinDir()) {
  dir_ = MakeServerDirectory("strata-pgha-", account_, guard, lock_fd_);
  const std::string base = dir_.substr(dir_.rfind('/') + 1);
  for (int i = 0; i < 2; ++i) {
    Node& node = nodes_[i];
    node.data = dir_ + "/node" + std::to_string(i);
    node.log = dir_ + "/node" + std::to_string(i) + ".log";
    node.tag = base + "-n" + std::to_string(i);
    node.port = PickFreePort();
  }
  InitDataDirectory(account_, bindir_, dir_, nodes_[0].data, nodes_[0].tag, kPrimarySettings);
  Launch(0);
  Query(0, "CREATE DATABASE " + std::string(kDatabase));
  // The standby: a base backup that writes standby.signal and primary_conninfo.
  RunAsServer(
      account_,
      {bindir_ + "/pg_basebackup", "-D", nodes_[1].data, "-R", "-X", "stream", "-c", "fast", "-d",
       "host=127.0.0.1 port=" + std::to_string(nodes_[0].port) +
           " user=postgres application_name=node1"},
      dir_ + "/basebackup.log", dir_);
  std::ofstream conf(nodes_[1].data + "/postgresql.conf", std::ios::app);
  conf << "cluster_name = '" << nodes_[1].tag << "'\n";
  conf.close();
  Launch(1);
  WaitForStreaming();
}

ReplicatedSet::~ReplicatedSet() {
  for (Node& node : nodes_) {
    if (node.pid > 0) StopPostmaster(node.pid, node.tag, node.data, /*is_child=*/true);
  }
  RemoveTree(dir_);
  if (lock_fd_ >= 0) close(lock_fd_);
}

std::string ReplicatedSet::Url() const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(nodes_[0].port) +
         ",127.0.0.1:" + std::to_string(nodes_[1].port) + "/" + kDatabase;
}

std::string ReplicatedSet::NodeUrl(int node) const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(nodes_[node].port) + "/" + kDatabase;
}

std::string ReplicatedSet::Query(int node, const std::string& sql,
                                 const std::string& database) const {
  try {
    return QueryOne("host=127.0.0.1 port=" + std::to_string(nodes_[node].port) +
                        " user=postgres dbname=" + database + " connect_timeout=5",
                    sql);
  } catch (const std::runtime_error& e) {
    throw Failure("node " + std::to_string(node) + ": " + e.what());
  }
}

void ReplicatedSet::Launch(int i) {
  Node& node = nodes_[i];
  node.pid =
      LaunchPostmaster(account_, bindir_, dir_, node.data, node.log, node.tag, node.port, guard_);
  if (node.pid <= 0) throw Failure("node " + std::to_string(i) + "'s port was taken");
}

void ReplicatedSet::Kill(int i) {
  Node& node = nodes_[i];
  if (node.pid <= 0) return;
  kill(-node.pid, SIGKILL);  // Spawn made the postmaster its process group's leader
  waitpid(node.pid, nullptr, 0);
  StopPostmaster(node.pid, node.tag, node.data, /*is_child=*/true);  // strays, shared memory
  node.pid = -1;
}

void ReplicatedSet::Start(int i) {
  if (nodes_[i].pid <= 0) Launch(i);
}

void ReplicatedSet::Promote(int i) {
  Query(i, "SELECT pg_promote(true, 60)");
  const bool writable =
      WaitFor(ReadyTimeout(), [&] { return Query(i, "SELECT pg_is_in_recovery()") == "f"; });
  if (!writable) throw Failure("node " + std::to_string(i) + " did not finish its promotion");
  Query(i, "ALTER SYSTEM RESET synchronous_standby_names");
  Query(i, "SELECT pg_reload_conf()");
  // The new timeline reaches pg_control with a checkpoint, which pg_rewind
  // reads: without it, a rewind from here finds "the same timeline" and
  // does nothing.
  Query(i, "CHECKPOINT");
  primary_ = i;
}

void ReplicatedSet::Rejoin(int i) {
  if (i == primary_) throw Failure("node " + std::to_string(i) + " is the primary");
  Kill(i);
  const std::string source = "host=127.0.0.1 port=" + std::to_string(nodes_[primary_].port) +
                             " user=postgres dbname=postgres application_name=node" +
                             std::to_string(i);
  // pg_rewind runs the crash recovery a killed node needs first, and -R
  // writes standby.signal and primary_conninfo.
  RunAsServer(account_,
              {bindir_ + "/pg_rewind", "-D", nodes_[i].data, "--source-server", source, "-R"},
              dir_ + "/rewind" + std::to_string(i) + ".log", dir_);
  // The copied configuration is the primary's: this node keeps its own name.
  std::ofstream conf(nodes_[i].data + "/postgresql.conf", std::ios::app);
  conf << "cluster_name = '" << nodes_[i].tag << "'\n";
  conf.close();
  Launch(i);
  WaitForStreaming();
}

void ReplicatedSet::PauseReplay(bool paused) {
  Query(standby(), paused ? "SELECT pg_wal_replay_pause()" : "SELECT pg_wal_replay_resume()");
}

// Until the standby streams; then commits wait for it.
void ReplicatedSet::WaitForStreaming() {
  const bool streaming = WaitFor(ReadyTimeout(), [&] {
    return Query(primary_, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'") ==
           "1";
  });
  if (!streaming) {
    throw Failure("the standby did not stream (log " + nodes_[standby()].log + "):\n" +
                  TailOfFile(nodes_[standby()].log, 20));
  }
  Query(primary_, "ALTER SYSTEM SET synchronous_standby_names = '*'");
  Query(primary_, "SELECT pg_reload_conf()");
}

}  // namespace strata::testing
