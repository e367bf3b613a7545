// SQLite through SOCI's sqlite3 backend, with the native handle for scripts.
#include <soci/sqlite3/soci-sqlite3.h>  // before anything that includes <sqlite3.h>
// SOCI's header wraps the SQLite C API in namespace sqlite_api.

#include <soci/soci.h>

#include <chrono>
#include <optional>
#include <string>

#include "backends/native.h"
#include "strata/error.h"

namespace strata::backends::sqlite {
namespace {

using namespace sqlite_api;

[[noreturn]] void Fail(sqlite3* db) {
  throw DatabaseError(sqlite3_errmsg(db), std::to_string(sqlite3_extended_errcode(db)),
                      sqlite3_error_offset(db), false);
}

class SqlitePrepared : public Prepared {
 public:
  SqlitePrepared(sqlite3* db, const std::string& sql, std::size_t params) : db_(db) {
    // Persistent: it lives as long as the connection's statement cache.
    if (sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                           SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) != SQLITE_OK) {
      Fail(db_);
    }
    if (static_cast<std::size_t>(sqlite3_bind_parameter_count(stmt_)) != params) {
      sqlite3_finalize(stmt_);
      throw std::logic_error("statement has a different number of parameters than bound: " + sql);
    }
  }
  ~SqlitePrepared() override { sqlite3_finalize(stmt_); }

  bool Execute(std::vector<Param>& params) override {
    sqlite3_reset(stmt_);
    for (std::size_t i = 0; i < params.size(); ++i) {
      const int index = static_cast<int>(i + 1);
      const Param& p = params[i];
      // Static: `params` outlives the execution (Prepared's contract).
      const int rc = p.null ? sqlite3_bind_null(stmt_, index)
                     : p.integer
                         ? sqlite3_bind_int64(stmt_, index, p.number)
                         : sqlite3_bind_text(stmt_, index, p.text.data(),
                                             static_cast<int>(p.text.size()), SQLITE_STATIC);
      if (rc != SQLITE_OK) Fail(db_);
    }
    return Step();
  }

  bool Next() override { return Step(); }

  long long AffectedRows() const override { return sqlite3_changes64(db_); }

  void Finish() override { sqlite3_reset(stmt_); }

  std::int64_t GetInt(std::size_t column) const override {
    return sqlite3_column_int64(stmt_, static_cast<int>(column));
  }

  std::string_view GetText(std::size_t column) const override {
    const int c = static_cast<int>(column);
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, c));
    if (text == nullptr) return {};
    return {text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, c))};
  }

  bool IsNull(std::size_t column) const override {
    return sqlite3_column_type(stmt_, static_cast<int>(column)) == SQLITE_NULL;
  }

 private:
  // Steps once. A write commits when its statement steps to SQLITE_DONE,
  // which is also when SQLite runs its automatic WAL checkpoint.
  bool Step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    Fail(db_);
  }

  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

class SqliteNative : public NativeConnection {
 public:
  explicit SqliteNative(sqlite3* db) : db_(db) {}

  Backend backend() const override { return Backend::kSqlite; }

  void Exec(std::string_view sql) override {
    const std::string text(sql);
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
    if (message != nullptr) sqlite3_free(message);
    if (rc != SQLITE_OK) Fail();
  }

  std::vector<Row> Query(const std::string& sql, const std::vector<Value>& params) override {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &stmt, nullptr) !=
        SQLITE_OK) {
      Fail();
    }
    struct Finalizer {
      sqlite3_stmt* stmt;
      ~Finalizer() { sqlite3_finalize(stmt); }
    } finalizer{stmt};
    for (std::size_t i = 0; i < params.size(); ++i) {
      // Appended, not "$" + ...: GCC 12 at -O3 warns falsely (-Wrestrict, PR 105651).
      std::string name = "$";
      name += std::to_string(i + 1);
      const int index = sqlite3_bind_parameter_index(stmt, name.c_str());
      if (index == 0) continue;  // not used by this statement
      const int rc = params[i]
                         ? sqlite3_bind_text(stmt, index, params[i]->data(),
                                             static_cast<int>(params[i]->size()), SQLITE_TRANSIENT)
                         : sqlite3_bind_null(stmt, index);
      if (rc != SQLITE_OK) Fail();
    }
    std::vector<Row> rows;
    const int columns = sqlite3_column_count(stmt);
    while (true) {
      const int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) Fail();
      Row row;
      row.reserve(static_cast<std::size_t>(columns));
      for (int c = 0; c < columns; ++c) {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
        if (text == nullptr) {
          row.emplace_back(std::nullopt);
        } else {
          row.emplace_back(
              std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt, c))));
        }
      }
      rows.push_back(std::move(row));
    }
    return rows;
  }

  std::unique_ptr<Prepared> Prepare(const std::string& sql, std::size_t params) override {
    return std::make_unique<SqlitePrepared>(db_, sql, params);
  }

  bool IsUndefinedTable(const DatabaseError& error) const override {
    return std::string_view(error.what()).starts_with("no such table");
  }

  void SetBusyTimeout(std::chrono::milliseconds timeout) override {
    sqlite3_busy_timeout(db_, static_cast<int>(timeout.count()));
  }

  bool DeferSyncs() override {
    if (synchronous_) return true;
    const std::vector<Row> mode = Query("PRAGMA journal_mode", {});
    if (mode.empty() || mode[0].empty() || mode[0][0] != "wal") return false;
    const std::vector<Row> level = Query("PRAGMA synchronous", {});
    synchronous_ = level.empty() || level[0].empty() ? "2" : level[0][0].value_or("2");
    Exec("PRAGMA synchronous = NORMAL");
    return true;
  }

  void MakeDurable() override {
    if (!synchronous_) return;
    Exec("PRAGMA synchronous = " + *synchronous_);
    synchronous_.reset();
    // The write-ahead log's file as SQLite holds it (unopened when nothing
    // was written through it): one sync covers every commit appended since
    // the last checkpoint, which synced the log and the database itself.
    sqlite3_file* wal = nullptr;
    if (sqlite3_file_control(db_, "main", SQLITE_FCNTL_JOURNAL_POINTER, &wal) != SQLITE_OK ||
        wal == nullptr || wal->pMethods == nullptr) {
      return;
    }
    const int rc = wal->pMethods->xSync(wal, SQLITE_SYNC_NORMAL);
    if (rc != SQLITE_OK) {
      throw DatabaseError(
          "cannot sync the write-ahead log to disk: " + std::string(sqlite3_errstr(rc)),
          std::to_string(rc), -1, false);
    }
  }

 private:
  [[noreturn]] void Fail() { sqlite::Fail(db_); }

  sqlite3* db_;
  std::optional<std::string> synchronous_;  // the level DeferSyncs replaced
};

// SOCI reads `key=value` pairs only when the string holds a '='; a bare path
// (spaces included) is taken whole.
std::string SociConnectString(const std::string& path) {
  if (path.find('=') == std::string::npos) return path;
  if (path.find('"') != std::string::npos) {
    throw InvalidArgumentError(
        "SQLite database path contains both '=' and '\"', which SOCI cannot pass on: rename it");
  }
  return "db=\"" + path + "\"";
}

}  // namespace

Connection Connect(const std::string& path) {
  Connection connection;
  try {
    connection.session = std::make_unique<soci::session>(soci::sqlite3, SociConnectString(path));
  } catch (const soci::soci_error& e) {
    // SQLite's messages name no secrets; the path is the user's own.
    throw ConnectionError("cannot open SQLite database '" + path + "': " + e.get_error_message());
  }
  auto* backend = static_cast<soci::sqlite3_session_backend*>(connection.session->get_backend());
  auto native = std::make_unique<SqliteNative>(backend->conn_);
  native->SetBusyTimeout(kDefaultBusyTimeout);
  try {
    native->Exec("PRAGMA foreign_keys = ON");
    // WAL: readers never wait for the writer, and a commit appends to one
    // file instead of creating and deleting a journal (ADR 0004). Persistent
    // in the file; an in-memory database answers "memory" and stays so.
    native->Query("PRAGMA journal_mode = WAL", {});
  } catch (const DatabaseError& e) {
    throw ConnectionError("cannot use SQLite database '" + path + "': " + e.what());
  }
  connection.native = std::move(native);
  return connection;
}

}  // namespace strata::backends::sqlite
