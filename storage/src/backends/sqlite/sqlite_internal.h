// What the SQLite backend's files share: the C API, error classification,
// and the prepared statement.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>

#include "backends/native_connection.h"
#include "backends/sqlite/sqlite_write_gate.h"

namespace strata::backends::sqlite {

// The DatabaseError for the connection's last error, classified by its
// extended result code.
DatabaseError LastError(sqlite3* db);
[[noreturn]] inline void Fail(sqlite3* db) { throw LastError(db); }

// Persistent: it lives as long as the connection's statement cache. A
// statement that writes takes `turn` (when given) outside a transaction.
std::unique_ptr<Prepared> PrepareStatement(sqlite3* db, const std::string& sql, std::size_t params,
                                           WriterTurn* turn = nullptr);

}  // namespace strata::backends::sqlite
