// The SQL that differs between the backends, for the layers above that build
// statements from constants: how each type of value is bound and read, and
// the few expressions that have no common spelling. Each backend's folder
// defines its own.
#pragma once

#include <string>
#include <string_view>

#include "strata/fields.h"
#include "strata/options.h"

namespace strata::backends {

class SqlDialect {
 public:
  virtual ~SqlDialect() = default;

  // Values cross the native APIs as 64-bit integers or text (Param); these
  // wrap a placeholder or a column so that the database converts them.
  // Integers, booleans (0/1) and timestamps (microseconds since the epoch)
  // are exchanged as integers, the rest as text.
  virtual std::string Param(FieldType type, std::string_view placeholder) const = 0;
  virtual std::string Column(FieldType type, std::string_view column) const = 0;
  // A subquery yielding each string of the JSON array bound to `placeholder`.
  virtual std::string JsonArrayElements(std::string_view placeholder) const = 0;
  // Starts a transaction that will write: SQLite takes the write lock at
  // once (a deferred transaction that reads, then writes, fails with BUSY
  // when another writer got in between).
  virtual const char* BeginWrite() const = 0;
  // Ends a SELECT that locks the rows it reads until the transaction ends
  // (" FOR UPDATE" on PostgreSQL; "" on SQLite, whose write transaction
  // already holds the only write lock).
  virtual const char* LockRows() const = 0;
  // Whether a write should do in one statement what it could do in two,
  // because every statement costs a round trip to the server (PostgreSQL):
  // an INSERT ... SELECT guarded by its cluster instead of a lookup and an
  // INSERT, a DELETE in a WITH whose rows the main statement archives. False
  // on SQLite, in process, where no round trip is saved and the one
  // statement costs more (an INSERT ... SELECT into a table with row
  // triggers goes through a temporary table) or does not exist (no DELETE
  // in a WITH).
  virtual bool WritesInOneStatement() const = 0;
  // A statement that sets how long each later statement waits for a table
  // lock, to the text bound to :timeout ("5000ms"; "0" waits without
  // limit): for the rest of the transaction when `local`, else for the
  // session. Null where there are no table locks (SQLite).
  virtual const char* SetLockTimeout(bool local) const = 0;
  // A query of the other sessions that hold table locks in open
  // transactions, oldest first: pid, user, application, state, transaction
  // age in seconds, and "table mode, ..." (never their SQL, which can hold
  // values). Null on SQLite.
  virtual const char* TableLockHolders() const = 0;
  // The schema as rows of (object, definition), ordered by object: tables,
  // columns (type, NOT NULL, default, primary key), indexes, constraints,
  // triggers, views (and on PostgreSQL functions and sequences), leaving out
  // the migration ledger. Two schemas are the same when the rows are.
  virtual const char* Catalog() const = 0;

  static const SqlDialect& For(Backend backend);
};

// Whether `type` crosses as an integer (else as text).
inline bool ExchangedAsInteger(FieldType type) {
  return type != FieldType::kText && type != FieldType::kJson;
}

}  // namespace strata::backends
