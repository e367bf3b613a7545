// The native handle behind each SOCI session (sqlite3*, PGconn*), for what
// SOCI must not do: statements prepared once and read without per-column
// conversions (ADR 0005), migration scripts run statement by statement
// (SOCI's `session << script` runs only the first statement on SQLite and
// rewrites `:name` inside PostgreSQL bodies), bulk inserts, and each
// backend's settings. Only backends/ knows which backend it is on.
// session.h opens one.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backends/database_error.h"
#include "backends/prepared.h"
#include "strata/options.h"

namespace strata::backends {

// A foreign key that a migration left dangling (SQLite checks them only
// when asked).
struct ForeignKeyViolation {
  std::string table, parent;
};

class NativeConnection {
 public:
  virtual ~NativeConnection() = default;
  virtual Backend backend() const = 0;
  // Runs SQL without parameters: one statement of a migration, BEGIN.
  virtual void Exec(std::string_view sql) = 0;
  // Prepares `sql`, whose parameters are :name placeholders, each used once,
  // `params` of them. std::logic_error when the count differs.
  virtual std::unique_ptr<Prepared> Prepare(const std::string& sql, std::size_t params) = 0;
  // Runs the steps in order and stops at the first that fails (BatchError).
  // PostgreSQL sends them in one pipeline: one round trip for a whole
  // migration; SQLite runs them one by one.
  virtual void ExecBatch(const std::vector<BatchStep>& steps) = 0;
  virtual std::unique_ptr<BulkInsert> BulkInsertInto(std::string_view table,
                                                     const std::vector<std::string>& columns) = 0;
  // True when the connection is gone (PostgreSQL's server closed it): it
  // must be replaced, its statements dropped first.
  virtual bool IsBroken() const = 0;
  // Before an idle connection is used again: false when the server closed
  // it or sent anything while it was idle (PostgreSQL sends a FATAL message
  // before it closes a connection on a restart, a failover or
  // pg_terminate_backend), so that it is replaced before a statement is sent
  // on it rather than after. PostgreSQL: one poll(2) that does not wait.
  virtual bool Usable() { return true; }
  // Whether the connection can only read (a SQLite file opened read-only).
  virtual bool ReadOnly() const { return false; }
  // PostgreSQL: whether the server is a standby (in recovery). SQLite: false.
  // DatabaseError when the query fails.
  virtual bool InRecovery() { return false; }
  // PostgreSQL: a position in the write-ahead log, as a number. On a
  // primary, where its next record goes (after a commit on this connection:
  // past that commit); on a standby, how far it has replayed. SQLite:
  // nullopt. DatabaseError when the query fails.
  virtual std::optional<std::uint64_t> WalPosition() { return std::nullopt; }
  // SQLite: how long a writer waits for another; PostgreSQL: ignored.
  virtual void SetBusyTimeout(std::chrono::milliseconds timeout) = 0;
  // The one call that may come from another thread while this connection is
  // in use: asks the statement running now to stop (PostgreSQL sends a
  // cancel request, SQLite interrupts it), which then fails and leaves its
  // transaction to be rolled back. Does nothing when no statement runs.
  virtual void Interrupt() = 0;
  // Whether the transaction about to begin is a bulk: many rows inserted a
  // few to a statement (BulkInsert). SQLite keeps such a transaction's
  // statement journals in memory (each holds one statement's changed
  // pages, about 1 MB at most) instead of writing them to a temporary file
  // (ADR 0025); its other transactions spill as SQLite does, since one
  // statement of theirs (a cluster's cascade) may change every page.
  // Called before each BEGIN, outside any transaction. PostgreSQL: nothing.
  virtual void SetBulkTransaction(bool bulk) { (void)bulk; }

  // --- for the migration engine ---------------------------------------------
  // The settings of a connection that runs migrations: writers wait up to
  // `lock_timeout`; SQLite's foreign keys are off (table rebuilds must not
  // fire ON DELETE actions; ForeignKeyViolations runs before each commit);
  // PostgreSQL notices a client that died mid-statement.
  virtual void ConfigureForMigrations(std::chrono::milliseconds lock_timeout) = 0;
  // A run starts: commits may return before they reach the disk until
  // EndMigrationRun, each staying atomic (SQLite in WAL mode: synchronous =
  // NORMAL; docs/decisions/0006). PostgreSQL: nothing (the server decides).
  virtual void BeginMigrationRun() {}
  // Syncs every commit made since BeginMigrationRun and makes commits sync
  // again. DatabaseError when the sync fails.
  virtual void EndMigrationRun() {}
  // SQLite: the first foreign key that the transaction's changes left
  // dangling, checked only when some table can have one (`script` is the
  // migration's text, which may declare the first). PostgreSQL: nullopt
  // (it checks every statement).
  virtual std::optional<ForeignKeyViolation> ForeignKeyViolations(std::string_view script) {
    (void)script;
    return std::nullopt;
  }
};

}  // namespace strata::backends
