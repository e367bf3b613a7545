// One PostgreSQL server for a whole test binary (docs/testing.md), from the first
// source that applies, in this order:
//   1. STRATA_TEST_POSTGRES_URL: an existing server (URI or key=value conninfo);
//   2. a `postgres:15` container, when `docker version` reports an engine;
//   3. the local PostgreSQL binaries: initdb plus a directly exec'd postgres.
// STRATA_TEST_POSTGRES_SOURCE=url|docker|local forces one. Whatever the source,
// the tests get a private database, so several test binaries can share an
// existing server.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

#include "cleanup_guard.h"

namespace strata::testing {

struct PostgresServerInfo {
  std::string source;          // "url", "docker" or "local"
  std::string conninfo;        // key=value conninfo of the private test database
  std::string admin_conninfo;  // the same server's maintenance database
  std::string database;        // name of the private test database
  std::string version;         // server_version, e.g. "15.18"
  std::string location;        // data directory, container id or redacted URL
  std::string tag;             // cluster_name of a local server (names its processes)
  std::string container_id;
  pid_t pid = -1;  // postmaster of a local server
  int port = 0;
  double start_seconds = 0;  // from nothing to the private database being usable
  std::string phases;        // where start_seconds went: "initdb 0.38 s, ..."
};

class PostgresServer {
 public:
  // Throws std::runtime_error with the reason (and the server log's tail).
  static std::unique_ptr<PostgresServer> Start(CleanupGuard& guard);
  virtual ~PostgresServer() = default;
  // Drops the private database or stops the server; idempotent.
  virtual void Stop() = 0;
  // For tests of a server that goes away and comes back (local source only;
  // std::runtime_error naming STRATA_TEST_POSTGRES_SOURCE=local otherwise):
  // Halt stops the server at once (SIGQUIT: every connection breaks, the
  // next start runs crash recovery); Resume starts it again on the same
  // port and data directory and returns once it accepts connections.
  virtual void Halt();
  virtual void Resume();
  const PostgresServerInfo& info() const { return info_; }

 protected:
  PostgresServerInfo info_;
};

// Quotes a value for a key=value conninfo string.
std::string QuoteConninfoValue(const std::string& value);

}  // namespace strata::testing
