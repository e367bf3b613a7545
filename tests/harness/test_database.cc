#include "test_database.h"

#include <libpq-fe.h>
#include <sqlite3.h>

#include <stdexcept>

namespace strata::testing {
namespace {

// ---- PostgreSQL ----

// One round trip: the server lists the tables and truncates them in one
// statement (TRUNCATE ... CASCADE needs no particular order).
// The ledger's name comes from kLedgerTable, a constant, so one place names it.
std::string PostgresResetSql() {
  return R"sql(
DO $strata_reset$
DECLARE
  tables text;
BEGIN
  SELECT string_agg(format('%I.%I', schemaname, tablename), ', ') INTO tables
    FROM pg_tables
   WHERE schemaname = current_schema() AND tablename <> ')sql" +
         std::string(kLedgerTable) + R"sql(';
  IF tables IS NOT NULL THEN
    EXECUTE 'TRUNCATE ' || tables || ' RESTART IDENTITY CASCADE';
  END IF;
END
$strata_reset$)sql";
}

class PostgresDatabase : public TestDatabase {
 public:
  explicit PostgresDatabase(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str())) {
    if (PQstatus(conn_) != CONNECTION_OK) {
      const std::string message = PQerrorMessage(conn_);
      PQfinish(conn_);
      throw std::runtime_error("test database: cannot connect to PostgreSQL: " + message);
    }
    // A reset blocked by a transaction a test leaked should fail, not hang.
    Exec("SET lock_timeout = '10s'; SET client_min_messages = warning");
  }
  ~PostgresDatabase() override { PQfinish(conn_); }

  void Exec(const std::string& sql) override { PQclear(Run(sql)); }

  std::optional<std::string> QueryValue(const std::string& sql) override {
    PGresult* result = Run(sql);
    std::optional<std::string> value;
    if (PQntuples(result) > 0 && PQnfields(result) > 0 && !PQgetisnull(result, 0, 0)) {
      value = PQgetvalue(result, 0, 0);
    }
    PQclear(result);
    return value;
  }

  std::vector<std::string> Tables() override {
    PGresult* result = Run(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename");
    std::vector<std::string> tables;
    for (int i = 0; i < PQntuples(result); ++i) tables.emplace_back(PQgetvalue(result, i, 0));
    PQclear(result);
    return tables;
  }

  void DropAll() override { Exec("DROP SCHEMA public CASCADE; CREATE SCHEMA public"); }

  void Reset() override {
    static const std::string sql = PostgresResetSql();
    Exec(sql);
  }

 private:
  PGresult* Run(const std::string& sql) {
    PGresult* result = PQexec(conn_, sql.c_str());
    const ExecStatusType status = PQresultStatus(result);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      const std::string message = PQresultErrorMessage(result);
      PQclear(result);
      throw std::runtime_error("test database (postgres): " + message);
    }
    return result;
  }

  PGconn* conn_;
};

// ---- SQLite ----

std::string QuoteIdentifier(const std::string& name) {
  std::string out = "\"";
  for (const char c : name) {
    out += c;
    if (c == '"') out += '"';
  }
  return out + "\"";
}

class SqliteDatabase : public TestDatabase {
 public:
  explicit SqliteDatabase(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
        SQLITE_OK) {
      const std::string message = sqlite3_errmsg(db_);
      sqlite3_close(db_);
      throw std::runtime_error("test database: cannot open SQLite " + path + ": " + message);
    }
    sqlite3_busy_timeout(db_, 10'000);
    Exec("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON");
  }
  ~SqliteDatabase() override { sqlite3_close(db_); }

  void Exec(const std::string& sql) override {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      const std::string message = error != nullptr ? error : sqlite3_errmsg(db_);
      sqlite3_free(error);
      throw std::runtime_error("test database (sqlite): " + message);
    }
  }

  std::optional<std::string> QueryValue(const std::string& sql) override {
    std::optional<std::string> value;
    ForEachRow(sql, [&](sqlite3_stmt* row) {
      if (!value && sqlite3_column_type(row, 0) != SQLITE_NULL) {
        value = reinterpret_cast<const char*>(sqlite3_column_text(row, 0));
      }
    });
    return value;
  }

  std::vector<std::string> Tables() override {
    std::vector<std::string> tables;
    ForEachRow(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
        "ESCAPE '\\' ORDER BY name",
        [&](sqlite3_stmt* row) {
          tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(row, 0)));
        });
    return tables;
  }

  void DropAll() override {
    std::vector<std::pair<std::string, std::string>> objects;
    ForEachRow(
        "SELECT type, name FROM sqlite_schema WHERE type IN ('view', 'table') AND name NOT LIKE "
        "'sqlite\\_%' ESCAPE '\\'",
        [&](sqlite3_stmt* row) {
          objects.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(row, 0)),
                               reinterpret_cast<const char*>(sqlite3_column_text(row, 1)));
        });
    std::string sql = "PRAGMA foreign_keys = OFF; BEGIN;";
    for (const auto& [type, name] : objects) {
      sql +=
          " DROP " + std::string(type == "view" ? "VIEW " : "TABLE ") + QuoteIdentifier(name) + ";";
    }
    sql += " COMMIT; PRAGMA foreign_keys = ON;";
    Exec(sql);
  }

  // Foreign keys off for the reset, so the order of the DELETEs does not matter.
  void Reset() override {
    std::string sql = "PRAGMA foreign_keys = OFF; BEGIN;";
    for (const std::string& table : Tables()) {
      if (table != kLedgerTable) sql += " DELETE FROM " + QuoteIdentifier(table) + ";";
    }
    const bool has_sequences =
        QueryValue("SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_sequence'").has_value();
    if (has_sequences) {
      sql += " DELETE FROM sqlite_sequence WHERE name <> '" + std::string(kLedgerTable) + "';";
    }
    sql += " COMMIT; PRAGMA foreign_keys = ON;";
    Exec(sql);
  }

 private:
  template <typename OnRow>
  void ForEachRow(const std::string& sql, const OnRow& on_row) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
      throw std::runtime_error("test database (sqlite): " + std::string(sqlite3_errmsg(db_)));
    }
    int rc;
    while ((rc = sqlite3_step(statement)) == SQLITE_ROW) on_row(statement);
    sqlite3_finalize(statement);
    if (rc != SQLITE_DONE) {
      throw std::runtime_error("test database (sqlite): " + std::string(sqlite3_errmsg(db_)));
    }
  }

  sqlite3* db_ = nullptr;
};

}  // namespace

std::unique_ptr<TestDatabase> TestDatabase::Open(Backend backend, const std::string& url) {
  if (backend == Backend::kPostgres) return std::make_unique<PostgresDatabase>(url);
  return std::make_unique<SqliteDatabase>(url);
}

std::int64_t TestDatabase::QueryInt(const std::string& sql) {
  const auto value = QueryValue(sql);
  if (!value) throw std::runtime_error("test database: no value for: " + sql);
  return std::stoll(*value);
}

}  // namespace strata::testing
