// The local PostgreSQL binaries, for the servers the harness runs itself (the
// single test server, and the replicated set): initdb, a postmaster exec'd
// directly (no pg_ctl), both as the `postgres` user when run as root.
#pragma once

#include <libpq-fe.h>
#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "cleanup_guard.h"

namespace strata::testing {

// STRATA_TEST_POSTGRES_READY_TIMEOUT (seconds, default 60): how long a server
// may take to accept connections.
std::chrono::milliseconds ReadyTimeout();

// STRATA_TEST_POSTGRES_BINDIR, else the newest /usr/lib/postgresql/*/bin,
// else pg_config's. std::runtime_error naming scripts/setup when none.
std::string FindBinDir();

// Whom initdb and postgres run as: both refuse root.
struct Account {
  bool switch_user = false;
  uid_t uid = 0;
  gid_t gid = 0;
};
Account ServerAccount();

// fork + exec as `account`, output to `log_path`, in its own process group;
// with `die_with_parent`, SIGQUIT when the test binary dies.
pid_t Spawn(const Account& account, const std::vector<std::string>& argv,
            const std::string& log_path, const std::string& cwd, bool die_with_parent);

// Runs a binary of the server's to its end as `account`; std::runtime_error
// with its output's tail when it fails.
void RunAsServer(const Account& account, const std::vector<std::string>& argv,
                 const std::string& log_path, const std::string& cwd);

// initdb into `data` (trust, UTF8, C locale), then the harness's settings:
// durability off (fsync, full_page_writes), loopback only, the socket in
// `socket_dir`, cluster_name `tag`, and `extra` (postgresql.conf lines).
void InitDataDirectory(const Account& account, const std::string& bindir,
                       const std::string& socket_dir, const std::string& data,
                       const std::string& tag, const std::string& extra);

// Starts postgres on `data` and `port` and waits until it accepts
// connections; its pid, or -1 when the port was taken. std::runtime_error
// with the log's tail when it exits or does not start in time.
pid_t LaunchPostmaster(const Account& account, const std::string& bindir,
                       const std::string& socket_dir, const std::string& data,
                       const std::string& log, const std::string& tag, int port,
                       CleanupGuard& guard);

// BASE/<prefix>... (MakeScratchDirectory), owned by `account` and removed
// by `guard` if the test binary dies: where a server's files go.
std::string MakeServerDirectory(const std::string& prefix, const Account& account,
                                CleanupGuard& guard, int& lock_fd);

// A libpq connection that finishes itself.
struct PgConnection {
  explicit PgConnection(const std::string& conninfo);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;
  bool ok() const;
  std::string error() const;
  // Runs one command; its first value ("" when it returns no row).
  // std::runtime_error with the server's message.
  std::string Query(const std::string& sql);
  PGconn* conn;
};

// One query on a new connection to `conninfo`; as PgConnection::Query, and
// std::runtime_error when it cannot connect.
std::string QueryOne(const std::string& conninfo, const std::string& sql);

}  // namespace strata::testing
