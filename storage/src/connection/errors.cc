#include "connection/errors.h"

#include <stdexcept>

#include "strata/error.h"

namespace strata::connection {

bool ConnectionLost(PooledConnection& connection) {
  try {
    throw;
  } catch (const backends::DatabaseError& e) {
    return e.connection_lost() || connection.Broken();
  } catch (...) {
    return false;
  }
}

namespace {

// The strata::Error that a database error means.
[[noreturn]] void Translate(PooledConnection& connection, const backends::DatabaseError& e,
                            const std::string& entity) {
  if (connection.Broken()) {
    throw ConnectionError("lost the connection to the database while working on a " + entity +
                          "; it is reconnected on the next call");
  }
  // The message is the database's primary message (and hint): no DETAIL,
  // which can quote row values.
  const std::string& c = e.code();
  const std::string message = e.what();
  // PostgreSQL SQLSTATEs; SQLite extended codes: 2067 UNIQUE, 1555 PRIMARY
  // KEY, 787 FOREIGN KEY, 275 CHECK, 5/517 BUSY, 6 LOCKED.
  if (c == "23505" || c == "2067" || c == "1555") {
    throw AlreadyExistsError("a " + entity +
                             " with the same name, ARN or id already exists: choose another "
                             "name, or get or update the existing one");
  }
  if (c == "23503" || c == "787") {
    throw NotFoundError("the cluster of the " + entity + " does not exist");
  }
  if (c == "23514" || c == "275" || c == "22P02" || c.starts_with("22")) {
    throw InvalidArgumentError("the database rejected a value of the " + entity + ": " + message);
  }
  if (c == "40001" || c == "40P01") {
    throw ConflictError("the database aborted the " + entity +
                        " write to resolve a conflict with a concurrent one (" + message +
                        "): retry it");
  }
  if (c == "5" || c == "517" || c == "6" || c == "261") {
    throw Error("the SQLite database stayed locked by another writer: " + message +
                " (retry, or shorten the other process's transactions)");
  }
  if (c.starts_with("08")) {
    throw ConnectionError("database connection failure: " + message);
  }
  throw Error("database error on a " + entity + (c.empty() ? "" : " (code " + c + ")") + ": " +
              message);
}

}  // namespace

void RethrowTranslated(PooledConnection& connection, const std::string& entity) {
  try {
    throw;
  } catch (const Error&) {
    throw;
  } catch (const std::logic_error&) {
    throw;
  } catch (const backends::DatabaseError& e) {
    Translate(connection, e, entity);
  }
}

}  // namespace strata::connection
