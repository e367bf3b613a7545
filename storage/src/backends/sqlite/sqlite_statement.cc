// sqlite3 statements behind backends::Prepared, and what SQLite's result
// codes mean.
#include <string>
#include <string_view>

#include "backends/sqlite/sqlite_internal.h"

namespace strata::backends::sqlite {
namespace {

ErrorKind Classify(int extended, std::string_view message) {
  switch (extended) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return ErrorKind::kUniqueViolation;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return ErrorKind::kForeignKeyViolation;
    case SQLITE_CONSTRAINT_CHECK:
    case SQLITE_CONSTRAINT_TRIGGER:  // RAISE(ABORT): migration 6's enumeration CHECKs
    case SQLITE_CONSTRAINT_NOTNULL:
    case SQLITE_MISMATCH:
      return ErrorKind::kInvalidValue;
    default:
      break;
  }
  const int primary = extended & 0xff;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) return ErrorKind::kBusy;
  if (primary == SQLITE_READONLY) return ErrorKind::kReadOnly;
  // SQLite has no code of its own for a missing table.
  if (primary == SQLITE_ERROR && message.starts_with("no such table")) {
    return ErrorKind::kUndefinedTable;
  }
  return ErrorKind::kOther;
}

class SqlitePrepared : public Prepared {
 public:
  SqlitePrepared(sqlite3* db, const std::string& sql, std::size_t params) : db_(db) {
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

}  // namespace

DatabaseError LastError(sqlite3* db) {
  const int code = sqlite3_extended_errcode(db);
  const std::string message = sqlite3_errmsg(db);
  return DatabaseError(message, Classify(code, message), std::to_string(code),
                       sqlite3_error_offset(db));
}

std::unique_ptr<Prepared> PrepareStatement(sqlite3* db, const std::string& sql,
                                           std::size_t params) {
  return std::make_unique<SqlitePrepared>(db, sql, params);
}

}  // namespace strata::backends::sqlite
