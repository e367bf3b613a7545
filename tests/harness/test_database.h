// A raw connection (libpq / sqlite3, not strata) to the database a test runs
// against: the harness resets through it, and tests use it to look behind the
// library's back.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "strata/options.h"

namespace strata::testing {

// The one table a reset keeps: the migration ledger.
inline constexpr const char* kLedgerTable = "strata_schema_migrations";

class TestDatabase {
 public:
  // `url`: a SQLite file path or a PostgreSQL conninfo. Throws std::runtime_error.
  static std::unique_ptr<TestDatabase> Open(Backend backend, const std::string& url);
  virtual ~TestDatabase() = default;

  // Runs one or more statements without parameters; throws with the
  // database's message.
  virtual void Exec(const std::string& sql) = 0;
  // The first column of the first row, or nullopt when there is no row or it is NULL.
  virtual std::optional<std::string> QueryValue(const std::string& sql) = 0;
  std::int64_t QueryInt(const std::string& sql);
  // User tables in the test's schema, sorted.
  virtual std::vector<std::string> Tables() = 0;
  // Empties every table except the ledger and restarts identities; the schema stays.
  virtual void Reset() = 0;
  // Drops every table, view, function and trigger, the ledger included: an
  // unmigrated database, for migration tests.
  virtual void DropAll() = 0;
};

}  // namespace strata::testing
