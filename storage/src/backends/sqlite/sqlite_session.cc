// SQLite through its C API: opening a database with strata's settings
// (ADR 0004, ADR 0014), scripts and bulk inserts on the native handle, and
// what a migration run needs (deferred syncs, ADR 0006; foreign key checks).
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "backends/backend_sessions.h"
#include "backends/sqlite/sqlite_internal.h"
#include "base/ascii.h"
#include "strata/error.h"

namespace strata::backends::sqlite {
namespace {

// A one-off statement, finalized when it goes out of scope.
class OneOff {
 public:
  OneOff(sqlite3* db, std::string_view sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) !=
        SQLITE_OK) {
      Fail(db);
    }
  }
  ~OneOff() { sqlite3_finalize(stmt_); }
  // Steps to the next row; false after the last.
  bool Step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) Fail(db_);
    return false;
  }
  std::string Text(int column) const {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    return text == nullptr ? "" : text;
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// The first column of the first row, "" when there is none.
std::string QueryText(sqlite3* db, std::string_view sql) {
  OneOff statement(db, sql);
  return statement.Step() ? statement.Text(0) : "";
}

// Rows inserted kRows to a statement (INSERT ... VALUES (...), (...), ...).
// Inside the bulk's transaction each statement keeps a statement journal of
// the pages it changes: a task row changes about 30 (its table, ten
// indexes, the counters). A bulk's transaction keeps those journals in
// memory (SetBulkTransaction; ADR 0025); kRows rows share the pages they
// have in common and the statement's fixed cost, while each journal stays
// small enough (about 1 MB at most) that a process with a small heap does
// not give its memory back to the kernel after every statement (32 rows
// were slower there). The last rows go in one statement of their number.
class SqliteBulkInsert : public BulkInsert {
 public:
  static constexpr std::size_t kRows = 8;

  SqliteBulkInsert(sqlite3* db, std::string_view table, const std::vector<std::string>& columns)
      : db_(db), columns_(columns.size()), params_(columns.size() * kRows) {
    std::string names, values;
    for (const std::string& column : columns) {
      names += (names.empty() ? "" : ", ") + column;
      values += values.empty() ? "?" : ", ?";
    }
    insert_ = "INSERT INTO " + std::string(table) + " (" + names + ") VALUES ";
    row_ = "(" + values + ")";
  }
  BulkInsert& Null() override {
    Next().null = true;
    return *this;
  }
  BulkInsert& Int(std::int64_t value) override {
    Param& p = Next();
    p.integer = true;
    p.number = value;
    return *this;
  }
  BulkInsert& Bool(bool value) override { return Int(value ? 1 : 0); }
  BulkInsert& Text(std::string_view value) override {
    Next().text.assign(value);
    return *this;
  }
  BulkInsert& Time(std::int64_t micros) override { return Int(micros); }
  void EndRow() override {
    if (next_ == params_.size()) Flush();
  }
  void Finish() override {
    if (next_ > 0) Flush();
  }

 private:
  Param& Next() {
    Param& p = params_.at(next_++);
    p = Param{};
    return p;
  }
  // Inserts the rows bound so far: kRows of them, or the last ones.
  void Flush() {
    const std::size_t rows = next_ / columns_;
    std::unique_ptr<Prepared>& statement = rows == kRows ? full_ : rest_;
    if (statement == nullptr || (rows != kRows && rows != rest_rows_)) {
      std::string sql = insert_;
      for (std::size_t i = 0; i < rows; ++i) sql.append(i == 0 ? "" : ", ").append(row_);
      statement = PrepareStatement(db_, sql, rows * columns_);
      if (rows != kRows) rest_rows_ = rows;
    }
    params_.resize(next_);  // the last rows: the statement binds what there is
    next_ = 0;
    statement->Execute(params_);
    statement->Finish();
    params_.resize(columns_ * kRows);
  }

  sqlite3* db_;
  std::size_t columns_;
  std::string insert_, row_;
  std::unique_ptr<Prepared> full_, rest_;  // kRows rows; the last ones
  std::size_t rest_rows_ = 0;              // the rows rest_ inserts
  std::vector<Param> params_;              // kRows rows' values
  std::size_t next_ = 0;
};

class SqliteNative : public NativeConnection {
 public:
  // Owns `db`: closed when the connection goes (after its statement cache,
  // which the Connection destroys first; close_v2 waits for any left).
  explicit SqliteNative(sqlite3* db)
      : db_(db), turn_(std::make_unique<WriterTurn>(db, WriteGate::For(db))) {
    turn_->TakeOverCheckpoints(AutoCheckpointPages());
  }
  ~SqliteNative() override {
    turn_.reset();  // gives back a turn an unfinished write held
    sqlite3_close_v2(db_);
  }
  SqliteNative(const SqliteNative&) = delete;
  SqliteNative& operator=(const SqliteNative&) = delete;

  Backend backend() const override { return Backend::kSqlite; }

  void Exec(std::string_view sql) override {
    const std::string text(sql);
    char* message = nullptr;
    // Any script may write (BEGIN IMMEDIATE, DDL, a PRAGMA that does): it
    // takes the turn, kept while a transaction it began is open.
    turn_->Acquire();
    const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
    turn_->ReleaseIfDone();
    if (message != nullptr) sqlite3_free(message);
    if (rc != SQLITE_OK) Fail(db_);
  }

  std::unique_ptr<Prepared> Prepare(const std::string& sql, std::size_t params) override {
    return PrepareStatement(db_, sql, params, turn_.get());
  }

  // temp_store = MEMORY is read when a transaction begins: then each
  // statement's journal stays in memory. It writes nothing, so it runs
  // without the writers' turn.
  void SetBulkTransaction(bool bulk) override {
    if (bulk == bulk_) return;
    if (sqlite3_exec(db_, bulk ? "PRAGMA temp_store = MEMORY" : "PRAGMA temp_store = DEFAULT",
                     nullptr, nullptr, nullptr) != SQLITE_OK) {
      Fail(db_);
    }
    bulk_ = bulk;
  }

  void ExecBatch(const std::vector<BatchStep>& steps) override {
    for (std::size_t i = 0; i < steps.size(); ++i) {
      const BatchStep& step = steps[i];
      try {
        if (step.prepared == nullptr) {
          Exec(step.sql);
          continue;
        }
        for (bool row = step.prepared->Execute(*step.params); row; row = step.prepared->Next()) {
        }
        step.prepared->Finish();
      } catch (const DatabaseError& e) {
        if (step.prepared != nullptr) step.prepared->Finish();
        throw BatchError(e, i);
      }
    }
  }

  std::unique_ptr<BulkInsert> BulkInsertInto(std::string_view table,
                                             const std::vector<std::string>& columns) override {
    return std::make_unique<SqliteBulkInsert>(db_, table, columns);
  }

  bool IsBroken() const override { return false; }

  bool ReadOnly() const override { return sqlite3_db_readonly(db_, "main") == 1; }

  void SetBusyTimeout(std::chrono::milliseconds timeout) override {
    sqlite3_busy_timeout(db_, static_cast<int>(timeout.count()));
    turn_->set_timeout(timeout);
  }

  void Interrupt() override { sqlite3_interrupt(db_); }

  void ConfigureForMigrations(std::chrono::milliseconds lock_timeout) override {
    SetBusyTimeout(lock_timeout);
    Exec("PRAGMA foreign_keys = OFF");
  }

  void BeginMigrationRun() override {
    foreign_keys_possible_.reset();  // read again: another runner may have added one
    if (synchronous_) return;
    if (QueryText(db_, "PRAGMA journal_mode") != "wal") return;
    const std::string level = QueryText(db_, "PRAGMA synchronous");
    synchronous_ = level.empty() ? "2" : level;
    Exec("PRAGMA synchronous = NORMAL");
  }

  void EndMigrationRun() override {
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
          ErrorKind::kOther, std::to_string(rc));
    }
  }

  // Skipped while no table can have a foreign key: every SQLite foreign key
  // is declared with REFERENCES, which then appears in sqlite_schema.sql or
  // in the script (the check scans every table with one, so it is not free).
  std::optional<ForeignKeyViolation> ForeignKeyViolations(std::string_view script) override {
    if (!foreign_keys_possible_) {
      foreign_keys_possible_ = !QueryText(db_,
                                          "SELECT 1 FROM sqlite_schema WHERE sql LIKE "
                                          "'%REFERENCES%' LIMIT 1")
                                    .empty();
    }
    if (!*foreign_keys_possible_) {
      if (!base::ContainsIgnoringCase(script, "REFERENCES")) return std::nullopt;
      foreign_keys_possible_ = true;
    }
    OneOff check(db_, "PRAGMA foreign_key_check");
    if (!check.Step()) return std::nullopt;
    return ForeignKeyViolation{check.Text(0), check.Text(2)};
  }

 private:
  // The connection's wal_autocheckpoint; 0 when it cannot be read, which
  // leaves SQLite's automatic checkpoint in place.
  int AutoCheckpointPages() const {
    sqlite3_stmt* stmt = nullptr;
    int pages = 0;
    if (sqlite3_prepare_v2(db_, "PRAGMA wal_autocheckpoint", -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      pages = sqlite3_column_int(stmt, 0);
    }
    sqlite3_finalize(stmt);
    return pages;
  }

  sqlite3* db_;
  std::unique_ptr<WriterTurn> turn_;
  std::optional<std::string> synchronous_;     // the level BeginMigrationRun replaced
  std::optional<bool> foreign_keys_possible_;  // per run
  bool bulk_ = false;                          // temp_store = MEMORY (SetBulkTransaction)
};

constexpr std::string_view kReadOnlyHint =
    " (opened read-only, as this user may not write the file or its directory: give it read "
    "access to the file, and to its -wal and -shm files when a writer has them open)";

// What SQLite is asked to open: a file: URI (Debian's SQLite reads URIs in
// every filename) whose mode says whether the file may be created and
// whether it is written.
struct OpenName {
  std::string uri;
  bool read_only = false;
};

// '%', '?' and '#' would end or escape the URI's path: percent-encoded
// (SQLite decodes them).
std::string UriPath(std::string_view path) {
  std::string out;
  for (const char c : path) {
    if (c == '%' || c == '?' || c == '#') {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out += '%';
      out += kHex[static_cast<unsigned char>(c) >> 4];
      out += kHex[static_cast<unsigned char>(c) & 0xf];
    } else {
      out += c;
    }
  }
  return out;
}

OpenName NameToOpen(const std::string& path, bool create) {
  // In-memory databases and the caller's own URIs are opened as given.
  if (IsSqliteMemory(path) || path.starts_with("file:")) return {path, false};
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) {
    if (errno == ENOENT && !create) {
      throw ConnectionError("no SQLite database at '" + path +
                            "': run 'strata migrate up' to create it, or correct the path "
                            "(--database-url, STRATA_DATABASE_URL)");
    }
    return {"file:" + UriPath(path) + "?mode=rwc", false};  // SQLite says why it cannot
  }
  const std::string dir = std::filesystem::path(path).parent_path().string();
  const bool dir_writable = access(dir.empty() ? "." : dir.c_str(), W_OK) == 0;
  if (dir_writable && access(path.c_str(), W_OK) == 0)
    return {"file:" + UriPath(path) + "?mode=rw"};
  // A reader of a WAL database needs its -shm file. In a directory this user
  // cannot write, with neither -wal nor -shm there (no writer has it open:
  // a writer keeps both), the file is read as immutable: a read-only mount
  // or a copy. A writer that starts later is not seen by this connection.
  const auto exists = [&](const char* suffix) {
    return access((path + suffix).c_str(), F_OK) == 0;
  };
  const bool immutable = !dir_writable && !exists("-wal") && !exists("-shm");
  return {"file:" + UriPath(path) + (immutable ? "?mode=ro&immutable=1" : "?mode=ro"), true};
}

// A pooled connection is used by one thread at a time (the pool hands it
// out whole and takes it back), so SQLite's per-connection mutex, taken on
// every API call in Debian's serialized build, guards nothing: NOMUTEX drops
// it (ADR 0014). The only call made from another thread is
// sqlite3_interrupt, which takes no mutex in any mode.
constexpr int kOpenFlags =
    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;

}  // namespace

Session Connect(const std::string& path, bool create) {
  const OpenName name = NameToOpen(path, create);
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(name.uri.c_str(), &db, kOpenFlags, nullptr);
  auto native = std::make_unique<SqliteNative>(db);  // closes it, also on failure
  if (rc != SQLITE_OK) {
    // SQLite's messages name no secrets; the path is the user's own.
    throw ConnectionError("cannot open SQLite database '" + path +
                          "': " + (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc)) +
                          (name.read_only ? std::string(kReadOnlyHint) : ""));
  }
  native->SetBusyTimeout(kDefaultBusyTimeout);
  try {
    QueryText(db, "PRAGMA foreign_keys = ON");  // writes nothing: no turn at the gate
    // WAL: readers never wait for the writer, and a commit appends to one
    // file instead of creating and deleting a journal (ADR 0004). Persistent
    // in the file; an in-memory database answers "memory" and stays so. A
    // read-only connection reads in whatever mode the file is.
    if (!name.read_only) QueryText(db, "PRAGMA journal_mode = WAL");
    QueryText(db, "SELECT count(*) FROM sqlite_schema");  // reads the file now
  } catch (const DatabaseError& e) {
    throw ConnectionError("cannot use SQLite database '" + path + "': " + e.what() +
                          (name.read_only ? std::string(kReadOnlyHint) : ""));
  }
  Session session;
  session.native = std::move(native);
  return session;
}

}  // namespace strata::backends::sqlite
