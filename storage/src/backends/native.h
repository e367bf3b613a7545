// The native handle behind a SOCI session, for what SOCI must not do: run
// migration scripts statement by statement (SOCI_NOTES.md: `session << script`
// runs only the first statement on SQLite and rewrites `:name` inside
// PostgreSQL bodies), and read or write the ledger with bound values.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "strata/options.h"

namespace soci {
class session;
}

namespace strata::backends {

// How long a SQLite writer waits for another before "database is locked".
inline constexpr std::chrono::milliseconds kDefaultBusyTimeout{5000};

// A statement failed. The message is the database's (with detail and hint on
// PostgreSQL); it never contains bound values.
class DatabaseError : public std::runtime_error {
 public:
  DatabaseError(const std::string& message, std::string code, int position, bool connection_lost)
      : std::runtime_error(message),
        code_(std::move(code)),
        position_(position),
        connection_lost_(connection_lost) {}
  // PostgreSQL SQLSTATE ("42P07"), or SQLite's extended result code ("1").
  const std::string& code() const { return code_; }
  // 0-based byte offset of the error in the statement, or -1 when unknown.
  int position() const { return position_; }
  bool connection_lost() const { return connection_lost_; }

 private:
  std::string code_;
  int position_;
  bool connection_lost_;
};

using Value = std::optional<std::string>;
using Row = std::vector<Value>;

// One statement of a batch: SQL and its $1, $2, ... values.
struct BatchItem {
  std::string sql;
  std::vector<Value> params;
};

// A statement of a batch failed; `index` says which.
class BatchError : public DatabaseError {
 public:
  BatchError(const DatabaseError& cause, std::size_t index) : DatabaseError(cause), index_(index) {}
  std::size_t index() const { return index_; }

 private:
  std::size_t index_;
};

// A parameter of a prepared statement: NULL, an integer or text.
struct Param {
  bool null = false;
  bool integer = false;
  std::int64_t number = 0;
  std::string text;  // the text value; PostgreSQL also writes an integer's digits here
};

// A statement prepared once on the native handle and executed many times.
// SOCI's statements cost up to half of a 100-row page read in their
// per-column conversions (docs/benchmarks.md), so the repositories' queries
// run here. Values read are valid until the next Next, Execute or Finish.
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

class NativeConnection {
 public:
  virtual ~NativeConnection() = default;
  virtual Backend backend() const = 0;
  // Runs SQL without parameters (one statement of a migration, or BEGIN).
  virtual void Exec(std::string_view sql) = 0;
  // Runs one statement with $1, $2, ... bound to `params` (NULL for nullopt),
  // returning every row as text.
  virtual std::vector<Row> Query(const std::string& sql, const std::vector<Value>& params = {}) = 0;
  // Runs the items in order and stops at the first that fails (BatchError).
  // PostgreSQL sends them in one pipeline: one round trip for a whole
  // migration. Results are discarded.
  virtual void ExecBatch(const std::vector<BatchItem>& items) {
    for (std::size_t i = 0; i < items.size(); ++i) {
      try {
        Query(items[i].sql, items[i].params);
      } catch (const DatabaseError& e) {
        throw BatchError(e, i);
      }
    }
  }
  // Prepares `sql`, whose parameters are :name placeholders, each used once,
  // `params` of them. std::logic_error when the count differs.
  virtual std::unique_ptr<Prepared> Prepare(const std::string& sql, std::size_t params) = 0;
  // True when `error` says that a table does not exist.
  virtual bool IsUndefinedTable(const DatabaseError& error) const = 0;
  // SQLite: how long a writer waits for another; PostgreSQL: ignored.
  virtual void SetBusyTimeout(std::chrono::milliseconds timeout) = 0;
  // Lets commits return before they reach the disk, until MakeDurable; each
  // stays atomic. SQLite in WAL mode: synchronous = NORMAL, where a power
  // loss can undo the newest commits but never leaves half of one. False,
  // and nothing changes, where that does not apply: PostgreSQL (the server
  // decides), or SQLite in another journal mode.
  virtual bool DeferSyncs() { return false; }
  // Syncs every commit made since DeferSyncs to the disk and makes commits
  // sync again. A no-op without DeferSyncs.
  virtual void MakeDurable() {}
};

// An open connection: the SOCI session owns it, `native` borrows its handle.
// `logger` is options.logger (null when empty): where PostgreSQL's notice
// receiver sends notices and the pool logs each statement it prepares. It
// lives on the heap so that its address survives moves, and outlives the
// session.
struct Connection {
  std::unique_ptr<Logger> logger;
  std::unique_ptr<soci::session> session;
  std::unique_ptr<NativeConnection> native;
  ~Connection();
  Connection();
  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
};

// Opens a connection for the options: SQLite with a busy timeout and foreign
// keys on; PostgreSQL with the session time zone UTC and notices sent to
// options.logger (never to stderr). Throws ConnectionError naming the redacted target.
Connection Connect(const StoreOptions& options);

// PostgreSQL: creates the database that `url` names when it does not exist,
// connecting to the `postgres` maintenance database with the same
// credentials. Returns the database's name when it created it, nullopt when
// it exists or the server cannot be reached (the caller's own connection
// error then stands). Throws ConnectionError when creating it fails.
std::optional<std::string> EnsurePostgresDatabase(const std::string& url);

namespace sqlite {
Connection Connect(const std::string& path);
}

// ":memory:" or a URI naming an in-memory database: one that exists on its
// connection alone.
bool IsSqliteMemory(const std::string& url);
namespace postgres {
Connection Connect(const std::string& url, const Logger& logger = {});
}

}  // namespace strata::backends
