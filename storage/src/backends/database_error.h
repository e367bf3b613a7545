// A statement failed on the native handle: the database's message and a
// backend-neutral kind, classified where the native error is read (sqlite3
// result codes in backends/sqlite/, SQLSTATEs in backends/postgres/). The
// one place that turns a kind into a strata::Error is connection/errors.cc.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>

namespace strata::backends {

enum class ErrorKind {
  kOther,
  kConnectionLost,        // the server went away, or the socket broke
  kUniqueViolation,       // a UNIQUE or PRIMARY KEY constraint
  kForeignKeyViolation,   // a row references a parent that does not exist
  kInvalidValue,          // a CHECK constraint, or a value the column's type refuses
  kSerializationFailure,  // PostgreSQL aborted a transaction to resolve a conflict
  kBusy,                  // SQLite: another writer kept the database locked
  kUndefinedTable,
  kDuplicateDatabase,  // CREATE DATABASE of one that exists
  kReadOnly,           // a write on a database this connection may only read
  kStandby,  // PostgreSQL: a write on a server in recovery (a standby, or a primary being demoted)
  kLockTimeout,  // PostgreSQL: a table lock not granted within lock_timeout
};

// A failure that a failover explains, after which a call may succeed on a
// new connection: the connection lost, or the server a standby now.
inline bool IsFailover(ErrorKind kind) {
  return kind == ErrorKind::kConnectionLost || kind == ErrorKind::kStandby;
}

// The message is the database's primary message (with its hint on
// PostgreSQL, never DETAIL, which can quote row values): it never contains
// bound values.
class DatabaseError : public std::runtime_error {
 public:
  DatabaseError(const std::string& message, ErrorKind kind, std::string code = "",
                int position = -1)
      : std::runtime_error(message), kind_(kind), code_(std::move(code)), position_(position) {}
  ErrorKind kind() const { return kind_; }
  // PostgreSQL's SQLSTATE ("42P07") or SQLite's extended result code ("2067"),
  // for messages; "" when there is none.
  const std::string& code() const { return code_; }
  // 0-based byte offset of the error in the statement, or -1 when unknown.
  int position() const { return position_; }

 private:
  ErrorKind kind_;
  std::string code_;
  int position_;
};

// A step of a batch failed; `index` says which.
class BatchError : public DatabaseError {
 public:
  BatchError(const DatabaseError& cause, std::size_t index) : DatabaseError(cause), index_(index) {}
  std::size_t index() const { return index_; }

 private:
  std::size_t index_;
};

}  // namespace strata::backends
