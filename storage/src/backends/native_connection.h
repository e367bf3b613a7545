// The native handle behind each SOCI session (sqlite3*, PGconn*), for what
// SOCI must not do: statements prepared once and read without per-column
// conversions (ADR 0005), migration scripts run statement by statement
// (SOCI's `session << script` runs only the first statement on SQLite and
// rewrites `:name` inside PostgreSQL bodies), bulk inserts, and each
// backend's settings. Only backends/ knows which backend it is on.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backends/database_error.h"
#include "strata/options.h"

namespace soci {
class session;
}

namespace strata::backends {

// How long a SQLite writer waits for another before "database is locked".
inline constexpr std::chrono::milliseconds kDefaultBusyTimeout{5000};

// A parameter of a prepared statement: NULL, an integer or text.
struct Param {
  bool null = false;
  bool integer = false;
  std::int64_t number = 0;
  std::string text;  // the text value; PostgreSQL also writes an integer's digits here
};

// A statement prepared once on the native handle and executed many times.
// Values read are valid until the next Next, Execute or Finish.
class Prepared {
 public:
  virtual ~Prepared() = default;
  // Binds `params` (which must outlive the execution) in order and runs the
  // statement; true when a first row is there to read. DatabaseError on failure.
  virtual bool Execute(std::vector<Param>& params) = 0;
  // Moves to the next row; false after the last.
  virtual bool Next() = 0;
  // Rows changed by the last execution (a statement without RETURNING).
  virtual long long AffectedRows() const = 0;
  // Ends the execution: SQLite resets the statement (ending its transaction
  // or snapshot); PostgreSQL frees the result.
  virtual void Finish() = 0;
  virtual std::int64_t GetInt(std::size_t column) const = 0;
  virtual std::string_view GetText(std::size_t column) const = 0;
  virtual bool IsNull(std::size_t column) const = 0;
};

// One step of a batch: SQL without parameters, or a prepared statement with
// its bound parameters (results are discarded).
struct BatchStep {
  std::string_view sql;
  Prepared* prepared = nullptr;
  std::vector<Param>* params = nullptr;
};

// Rows inserted in bulk, written value by value in the order of the columns
// given to BulkInsertInto. SQLite inserts each row with one prepared
// statement; PostgreSQL streams the rows through one COPY.
class BulkInsert {
 public:
  virtual ~BulkInsert() = default;  // unfinished: the rows are not inserted
  virtual BulkInsert& Null() = 0;
  virtual BulkInsert& Int(std::int64_t value) = 0;
  virtual BulkInsert& Bool(bool value) = 0;
  virtual BulkInsert& Text(std::string_view value) = 0;
  virtual BulkInsert& Time(std::int64_t micros) = 0;  // since the epoch
  // Ends the current row. DatabaseError when it cannot be inserted or sent.
  virtual void EndRow() = 0;
  // Completes the insert. DatabaseError when the database refuses a row.
  virtual void Finish() = 0;
};

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
  // SQLite: how long a writer waits for another; PostgreSQL: ignored.
  virtual void SetBusyTimeout(std::chrono::milliseconds timeout) = 0;

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
Session Connect(const StoreOptions& options);

// PostgreSQL: creates the database that `url` names when it does not exist,
// connecting to the `postgres` maintenance database with the same
// credentials. Returns the database's name when it created it, nullopt when
// it exists or the server cannot be reached (the caller's own connection
// error then stands). Throws ConnectionError when creating it fails.
std::optional<std::string> EnsurePostgresDatabase(const std::string& url);

// ":memory:" or a URI naming an in-memory database: one that exists on its
// connection alone.
bool IsSqliteMemory(const std::string& url);

}  // namespace strata::backends
