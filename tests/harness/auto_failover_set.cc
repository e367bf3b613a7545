#include "auto_failover_set.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "process.h"

namespace strata::testing {
namespace {

using std::chrono::milliseconds;

std::runtime_error Failure(const std::string& what) {
  return std::runtime_error("test pg_auto_failover: " + what);
}

// Failover in 2-4 s: a node is unhealthy after one failed check a second
// (and no report for a second), a primary that cannot be reached is demoted
// after a second, and no 10 s grace after the monitor starts. Below 1 s a
// slow check on a loaded CI machine could fail over by mistake.
constexpr const char* kFastHealthChecks[] = {
    "ALTER SYSTEM SET pgautofailover.health_check_period = 1000",
    "ALTER SYSTEM SET pgautofailover.health_check_timeout = 1000",
    "ALTER SYSTEM SET pgautofailover.health_check_max_retries = 1",
    "ALTER SYSTEM SET pgautofailover.health_check_retry_delay = 200",
    "ALTER SYSTEM SET pgautofailover.node_considered_unhealthy_timeout = 1000",
    "ALTER SYSTEM SET pgautofailover.primary_demote_timeout = 1000",
    "ALTER SYSTEM SET pgautofailover.startup_grace_period = 1",
    "SELECT pg_reload_conf()"};

std::string PostgresAt(int port, const std::string& database) {
  return "host=127.0.0.1 port=" + std::to_string(port) + " user=postgres dbname=" + database +
         " connect_timeout=5 sslmode=disable";
}

}  // namespace

AutoFailoverSet::AutoFailoverSet(CleanupGuard& guard)
    : guard_(guard), account_(ServerAccount()), bindir_(FindBinDir()) {
  dir_ = MakeServerDirectory("strata-paf-", account_, guard, lock_fd_);
  for (const char* sub : {"/home", "/config", "/share", "/run"}) {
    const std::string path = dir_ + sub;
    mkdir(path.c_str(), 0700);
    if (account_.switch_user && chown(path.c_str(), account_.uid, account_.gid) != 0) {
      throw Failure("cannot chown " + path + ": " + strerror(errno));
    }
  }
  monitor_ = {dir_ + "/monitor", dir_ + "/monitor.log", PickFreePort()};
  monitor_uri_ = "postgres://autoctl_node@127.0.0.1:" + std::to_string(monitor_.port) +
                 "/pg_auto_failover?sslmode=disable";
  monitor_.pid = Run({"create", "monitor", "--pgdata", monitor_.data, "--pgport",
                      std::to_string(monitor_.port), "--pgctl", bindir_ + "/pg_ctl", "--hostname",
                      "127.0.0.1", "--auth", "trust", "--no-ssl", "--run"},
                     monitor_.data, monitor_.log);
  if (!WaitFor(ReadyTimeout(), [&] {
        try {
          Monitor("SELECT 1 FROM pgautofailover.formation");
          return true;
        } catch (const std::runtime_error&) {
          return false;
        }
      })) {
    throw Failure("the monitor did not start (log " + monitor_.log + "):\n" +
                  TailOfFile(monitor_.log, 20));
  }
  for (const char* setting : kFastHealthChecks) {
    QueryOne(PostgresAt(monitor_.port, "pg_auto_failover"), setting);
  }
  for (int i = 0; i < 2; ++i) {
    const std::string name = "node" + std::to_string(i);
    nodes_[i] = {dir_ + "/" + name, dir_ + "/" + name + ".log", PickFreePort()};
    nodes_[i].pid = Run({"create",     "postgres",
                         "--pgdata",   nodes_[i].data,
                         "--pgport",   std::to_string(nodes_[i].port),
                         "--pgctl",    bindir_ + "/pg_ctl",
                         "--hostname", "127.0.0.1",
                         "--listen",   "127.0.0.1",
                         "--name",     name,
                         "--dbname",   kDatabase,
                         "--monitor",  monitor_uri_,
                         "--auth",     "trust",
                         "--no-ssl",   "--run"},
                        nodes_[i].data, nodes_[i].log);
    // The node registered first becomes the primary.
    if (i == 0 && !WaitFor(ReadyTimeout(), [&] { return !State(0).empty(); })) {
      throw Failure("node0 did not register (log " + nodes_[0].log + "):\n" +
                    TailOfFile(nodes_[0].log, 20));
    }
  }
  // The base backup of node1 waits for a checkpoint spread over minutes
  // unless the primary completes checkpoints at once.
  if (!WaitForState(0, "single", ReadyTimeout())) {
    throw Failure("node0 did not start (log " + nodes_[0].log + "):\n" +
                  TailOfFile(nodes_[0].log, 20));
  }
  QueryOne(PostgresAt(nodes_[0].port, "postgres"),
           "ALTER SYSTEM SET checkpoint_completion_target = 0");
  QueryOne(PostgresAt(nodes_[0].port, "postgres"), "SELECT pg_reload_conf()");
  if (!WaitForState(1, "secondary", ReadyTimeout()) ||
      !WaitForState(0, "primary", ReadyTimeout())) {
    throw Failure("node1 did not become a secondary (log " + nodes_[1].log + "):\n" +
                  TailOfFile(nodes_[1].log, 20));
  }
  url_ = "postgresql://postgres@127.0.0.1:" + std::to_string(nodes_[0].port) +
         ",127.0.0.1:" + std::to_string(nodes_[1].port) + "/" + kDatabase +
         "?target_session_attrs=read-write&sslmode=disable";
}

AutoFailoverSet::~AutoFailoverSet() {
  for (Process& node : nodes_) Stop(node);
  Stop(monitor_);
  RemoveTree(dir_);
  if (lock_fd_ >= 0) close(lock_fd_);
}

pid_t AutoFailoverSet::Run(const std::vector<std::string>& args, const std::string& data,
                           const std::string& log) {
  // pg_autoctl keeps its files under HOME and the XDG directories.
  std::vector<std::string> argv = {"/usr/bin/env",
                                   "HOME=" + dir_ + "/home",
                                   "XDG_CONFIG_HOME=" + dir_ + "/config",
                                   "XDG_DATA_HOME=" + dir_ + "/share",
                                   "XDG_RUNTIME_DIR=" + dir_ + "/run",
                                   "PATH=" + bindir_ + ":/usr/bin:/bin",
                                   "pg_autoctl"};
  argv.insert(argv.end(), args.begin(), args.end());
  const pid_t pid = Spawn(account_, argv, log, dir_, /*die_with_parent=*/true);
  // The watcher stops it (SIGQUIT: pg_autoctl stops its postgres at once)
  // if the test binary dies without doing so.
  guard_.AddServer(pid, "strata-paf", data);
  return pid;
}

std::string AutoFailoverSet::Monitor(const std::string& sql) const {
  return QueryOne("host=127.0.0.1 port=" + std::to_string(monitor_.port) +
                      " user=autoctl_node dbname=pg_auto_failover sslmode=disable "
                      "connect_timeout=5",
                  sql);
}

std::string AutoFailoverSet::State(int node) const {
  try {
    return Monitor("SELECT reportedstate FROM pgautofailover.node WHERE nodename = 'node" +
                   std::to_string(node) + "'");
  } catch (const std::runtime_error&) {
    return "";
  }
}

bool AutoFailoverSet::WaitForState(int node, const std::string& state, milliseconds timeout) const {
  return WaitFor(timeout, [&] {
    if (State(node) == state) return true;
    usleep(90'000);  // the monitor changes states at most once a check
    return false;
  });
}

// By the monitor's goal: a lost node keeps reporting the state it had.
int AutoFailoverSet::Primary() const {
  try {
    const std::string name = Monitor(
        "SELECT nodename FROM pgautofailover.node WHERE goalstate IN ('primary', "
        "'wait_primary', 'single')");
    return name == "node0" ? 0 : name == "node1" ? 1 : -1;
  } catch (const std::runtime_error&) {
    return -1;
  }
}

void AutoFailoverSet::KillNode(int node) {
  Process& p = nodes_[node];
  if (p.pid <= 0) return;
  kill(-p.pid, SIGKILL);  // Spawn made the keeper its process group's leader
  waitpid(p.pid, nullptr, 0);
  // Backends notice their postmaster died a moment later.
  WaitFor(milliseconds(5000), [&] { return kill(-p.pid, 0) != 0; });
  p.pid = -1;
}

void AutoFailoverSet::StartNode(int node) {
  Process& p = nodes_[node];
  if (p.pid > 0) return;
  p.pid = Run({"run", "--pgdata", p.data}, p.data, p.log);
}

void AutoFailoverSet::Stop(Process& p) {
  if (p.pid <= 0) return;
  kill(p.pid, SIGINT);  // pg_autoctl's fast stop: postgres, then itself
  if (!WaitFor(milliseconds(10'000), [&] { return waitpid(p.pid, nullptr, WNOHANG) != 0; })) {
    kill(-p.pid, SIGKILL);
    waitpid(p.pid, nullptr, 0);
  }
  WaitFor(milliseconds(5000), [&] { return kill(-p.pid, 0) != 0; });
  p.pid = -1;
}

}  // namespace strata::testing
