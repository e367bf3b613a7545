#include "connection/errors.h"

#include <stdexcept>

#include "strata/error.h"

namespace strata::connection {

using backends::ErrorKind;

void ThrowTranslated(const backends::DatabaseError& e, const Failure& failure) {
  const std::string message = e.what();
  const std::string& subject = failure.subject;
  switch (e.kind()) {
    case ErrorKind::kConnectionLost:
      throw ConnectionError("lost the connection to the database (" +
                            (failure.migration ? subject : "working on a " + subject) + "): " +
                            message + (failure.migration ? "" : "; the next call reconnects"));
    case ErrorKind::kStandby:
      throw ConnectionError("cannot write the " + subject +
                            ": the PostgreSQL server is read-only now, a standby or a primary "
                            "being demoted (" +
                            message +
                            "); point the database URL at the primary, or list every host in it "
                            "(postgresql://h1,h2/db?target_session_attrs=read-write)");
    case ErrorKind::kBusy:
      throw Error("the SQLite database stayed locked by another writer: " + message +
                  " (retry, or shorten the other process's transactions)");
    case ErrorKind::kReadOnly:
      throw Error("cannot write the " + subject + ": the database is read-only here (" + message +
                  "); writes need write access to the SQLite file and its directory, or a "
                  "PostgreSQL primary");
    default:
      break;
  }
  if (failure.migration) {
    throw MigrationError(subject + ": " + message +
                         (failure.outcome.empty() ? "" : "; " + failure.outcome));
  }
  switch (e.kind()) {
    case ErrorKind::kUniqueViolation:
      throw AlreadyExistsError("a " + subject +
                               " with the same name, ARN or id already exists: choose another "
                               "name, or get or update the existing one");
    case ErrorKind::kForeignKeyViolation:
      throw NotFoundError("the cluster of the " + subject + " does not exist");
    case ErrorKind::kInvalidValue:
      throw InvalidArgumentError("the database rejected a value of the " + subject + ": " +
                                 message);
    case ErrorKind::kSerializationFailure:
      throw ConflictError("the database aborted the " + subject +
                          " write to resolve a conflict with a concurrent one (" + message +
                          "): retry it");
    default:
      throw Error("database error on a " + subject +
                  (e.code().empty() ? "" : " (code " + e.code() + ")") + ": " + message);
  }
}

void RethrowTranslated(Connection& connection, std::string_view entity) {
  try {
    throw;
  } catch (const Error&) {
    throw;
  } catch (const std::logic_error&) {
    throw;
  } catch (const backends::DatabaseError& e) {
    if (connection.Broken() && e.kind() != ErrorKind::kConnectionLost) {
      ThrowTranslated(backends::DatabaseError(e.what(), ErrorKind::kConnectionLost, e.code()),
                      {std::string(entity), false, ""});
    }
    ThrowTranslated(e, {std::string(entity), false, ""});
  }
}

Fault FailoverFault(Connection& connection) {
  try {
    throw;
  } catch (const backends::DatabaseError& e) {
    if (e.kind() == ErrorKind::kConnectionLost || connection.Broken()) return Fault::kLost;
    return e.kind() == ErrorKind::kStandby ? Fault::kStandby : Fault::kNone;
  } catch (...) {
    return Fault::kNone;
  }
}

}  // namespace strata::connection
