#include "connection/errors.h"

#include <soci/sqlite3/soci-sqlite3.h>  // before anything that includes <sqlite3.h>
// SOCI's header wraps the SQLite C API in namespace sqlite_api.
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include <stdexcept>
#include <string_view>

#include "strata/error.h"

namespace strata::connection {
namespace {

struct Failure {
  std::string code;     // SQLSTATE, or SQLite's extended result code
  std::string message;  // the primary message alone
};

// PostgreSQL's text through SOCI: "ERROR:  primary\nDETAIL:  ..." (the
// detail can quote row values: dropped).
std::string PrimaryLine(std::string text) {
  text = text.substr(0, text.find('\n'));
  for (std::string_view prefix : {"ERROR:  ", "FATAL:  "}) {
    if (text.starts_with(prefix)) text.erase(0, prefix.size());
  }
  return text;
}

Failure Describe(PooledConnection& connection) {
  try {
    throw;
  } catch (const soci::postgresql_soci_error& e) {
    return {e.sqlstate(), PrimaryLine(e.get_error_message())};
  } catch (const soci::sqlite3_soci_error& e) {
    auto* backend = static_cast<soci::sqlite3_session_backend*>(connection.session().get_backend());
    return {std::to_string(sqlite_api::sqlite3_extended_errcode(backend->conn_)),
            PrimaryLine(e.get_error_message())};
  } catch (const soci::soci_error& e) {
    return {"", PrimaryLine(e.get_error_message())};
  } catch (const backends::DatabaseError& e) {
    return {e.code(), e.what()};
  }
}

}  // namespace

bool ConnectionLost(PooledConnection& connection) {
  try {
    throw;
  } catch (const soci::soci_error&) {
    return connection.Broken();
  } catch (const backends::DatabaseError& e) {
    return e.connection_lost() || connection.Broken();
  } catch (...) {
    return false;
  }
}

void RethrowTranslated(PooledConnection& connection, const std::string& entity) {
  try {
    throw;
  } catch (const Error&) {
    throw;
  } catch (const std::logic_error&) {
    throw;
  } catch (const soci::soci_error&) {
  } catch (const backends::DatabaseError&) {
  }
  if (connection.Broken()) {
    throw ConnectionError("lost the connection to the database while working on a " + entity +
                          "; it is reconnected on the next call");
  }
  const Failure f = Describe(connection);
  const std::string& c = f.code;
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
    throw InvalidArgumentError("the database rejected a value of the " + entity + ": " + f.message);
  }
  if (c == "40001" || c == "40P01") {
    throw ConflictError("the database aborted the " + entity +
                        " write to resolve a conflict with a concurrent one (" + f.message +
                        "): retry it");
  }
  if (c == "5" || c == "517" || c == "6" || c == "261") {
    throw Error("the SQLite database stayed locked by another writer: " + f.message +
                " (retry, or shorten the other process's transactions)");
  }
  if (c.starts_with("08")) {
    throw ConnectionError("database connection failure: " + f.message);
  }
  throw Error("database error on a " + entity + (c.empty() ? "" : " (code " + c + ")") + ": " +
              f.message);
}

}  // namespace strata::connection
