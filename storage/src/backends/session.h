// Opening a connection: a SOCI session and the NativeConnection on its handle.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "backends/native_connection.h"
#include "strata/error.h"
#include "strata/options.h"

namespace soci {
class session;
}

namespace strata::backends {

// How long a SQLite writer waits for another before "database is locked".
inline constexpr std::chrono::milliseconds kDefaultBusyTimeout{5000};

// An open connection: the SOCI session owns the handle, `native` borrows it.
// `logger` is options.logger (null when empty): where PostgreSQL's notice
// receiver sends notices and the statement cache logs what it prepares. It
// lives on the heap so that its address survives moves, and outlives the
// session.
struct Session {
  std::unique_ptr<Logger> logger;
  std::unique_ptr<soci::session> session;
  std::unique_ptr<NativeConnection> native;
  ~Session();
  Session();
  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;
};

// Opens a connection for the options: SQLite with a busy timeout, foreign
// keys on and WAL; PostgreSQL with the session time zone UTC and notices
// sent to options.logger (never to stderr). Throws ConnectionError naming
// the redacted target.
//
// SQLite: a missing database file is created only when `create` is true
// (the commands that migrate); otherwise it is a ConnectionError that says
// how to create it, and nothing is written. A file this process may not
// write (the file or its directory read-only) is opened read-only: reads
// work, writes fail with ErrorKind::kReadOnly. PostgreSQL ignores `create`
// (the migrator creates a missing database itself).
//
// PostgreSQL: a URL with several hosts connects to the primary among them
// (target_session_attrs=read-write) unless it sets target_session_attrs.
Session Connect(const StoreOptions& options, bool create = false);

// PostgreSQL: a connection to options.read_url, for the reads that may go to
// a standby; its target_session_attrs are the URL's.
Session ConnectForReads(const StoreOptions& options);

// Connect found no server that could take the connection now, but one may
// soon: during a failover. A store's call tries again (failover_timeout);
// opening a store does not.
class UnavailableError : public ConnectionError {
 public:
  using ConnectionError::ConnectionError;
};

// Connect could not reach the server at all (refused, timed out, unknown
// host), as opposed to a server that answered with a refusal (no such
// database, bad password): there is no point in trying the maintenance
// database on the same server.
class UnreachableError : public UnavailableError {
 public:
  using UnavailableError::UnavailableError;
};

// What EnsurePostgresDatabase found.
enum class DatabaseCreation {
  kUnreachable,  // the maintenance database could not be reached
  kExists,       // it existed, or another runner created it at the same time
  kCreated,
};

// PostgreSQL: creates the database that `options.url` names when it does not exist,
// connecting to the `postgres` maintenance database with the same
// credentials. Any number of runners may call it at once: the ones that lose
// the race to create it see kExists. Throws ConnectionError when creating it
// fails for another reason (a role without CREATEDB).
DatabaseCreation EnsurePostgresDatabase(const StoreOptions& options);

// A database of its own, for a check that must not touch the one
// `options` names: SQLite in memory; on PostgreSQL a new database on the
// same server (strata_scratch_<16 hex digits>, made with the same
// credentials through the `postgres` maintenance database), dropped with
// any connection left to it when this ends. ConnectionError when it cannot
// be created (the role needs CREATEDB).
class ScratchDatabase {
 public:
  explicit ScratchDatabase(const StoreOptions& options);
  ~ScratchDatabase();
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;
  // Options that connect to the scratch database.
  const StoreOptions& options() const { return scratch_; }

 private:
  StoreOptions origin_, scratch_;
  std::string name_;  // PostgreSQL
};

// The database a PostgreSQL `url` connects to (dbname, else libpq's default).
std::string PostgresDatabaseName(const std::string& url);

// ":memory:" or a URI naming an in-memory database: one that exists on its
// connection alone.
bool IsSqliteMemory(const std::string& url);

// The file a SQLite `url` names (a path, or a file: URI without its query),
// "" for an in-memory database.
std::string SqliteFilePath(const std::string& url);

}  // namespace strata::backends
