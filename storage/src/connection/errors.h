// The one place that turns a backends::DatabaseError into the strata::Error
// it means, for the repositories and the migration engine alike. Messages
// name what failed, never a bound value.
#pragma once

#include <string>
#include <string_view>

#include "backends/database_error.h"
#include "connection/connection.h"

namespace strata::connection {

// What a failed statement was doing.
struct Failure {
  // A repository call: the entity ("task"). The migration engine: what it
  // was running ("migration 3 add_index failed at 0003_add_index.up.sql:4
  // (statement 2 of 3)", "cannot use the migration ledger ...").
  std::string subject;
  // The migration engine's statement: whatever the database's reason, its
  // failure is a MigrationError, unless the connection was lost or the
  // database stayed locked.
  bool migration = false;
  // What the failure left behind, appended to a MigrationError's message.
  std::string outcome;
};

// ConnectionError for a lost connection or a server that became a standby; Error for a SQLite
// database that stayed locked; for a migration, MigrationError; for a repository call,
// AlreadyExistsError (unique key), NotFoundError (missing cluster),
// InvalidArgumentError (a value the schema refuses), ConflictError (a
// serialization failure: retry), else Error.
[[noreturn]] void ThrowTranslated(const backends::DatabaseError& error, const Failure& failure);

// Call inside a catch block of a repository call: rethrows the exception in
// flight as the strata::Error it means (any error on a broken connection is
// a ConnectionError). strata::Error and std::logic_error pass unchanged.
[[noreturn]] void RethrowTranslated(Connection& connection, std::string_view entity);

// What the exception in flight says about the server behind `connection`.
enum class Fault {
  kNone,     // nothing a new connection would change
  kStandby,  // the server refused a write as a standby: nothing was applied
  kLost,     // the connection is gone: a statement in flight may have been applied
};
Fault FailoverFault(Connection& connection);

}  // namespace strata::connection
