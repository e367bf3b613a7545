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
  SqlitePrepared(sqlite3* db, const std::string& sql, std::size_t params, WriterTurn* turn)
      : db_(db) {
    if (sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                           SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) != SQLITE_OK) {
      Fail(db_);
    }
    if (sqlite3_stmt_readonly(stmt_) == 0) turn_ = turn;  // a write takes its turn
    if (static_cast<std::size_t>(sqlite3_bind_parameter_count(stmt_)) != params) {
      sqlite3_finalize(stmt_);
      throw std::logic_error("statement has a different number of parameters than bound: " + sql);
    }
  }
  ~SqlitePrepared() override { sqlite3_finalize(stmt_); }

  bool Execute(std::vector<Param>& params) override {
    sqlite3_reset(stmt_);
    if (turn_ != nullptr) turn_->Acquire();
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

  void Finish() override {
    sqlite3_reset(stmt_);
    if (turn_ != nullptr) turn_->ReleaseIfDone();
  }

  // Each reads the column's value once (sqlite3_column_value) and then its
  // text, length or type from the value itself, without entering the
  // connection again: a column_text and a column_bytes each look the column
  // up, take the connection's mutex (a call even under NOMUTEX) and check for
  // an allocation failure. The value is one SQLite calls unprotected, which
  // is safe here because the connection is used by one thread at a time (ADR
  // 0014); it stays valid until the next step or reset, as the row does.
  std::int64_t GetInt(std::size_t column) const override {
    return sqlite3_value_int64(Value(column));
  }

  std::string_view GetText(std::size_t column) const override {
    sqlite3_value* value = Value(column);
    const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(value));
    if (text == nullptr) return {};
    return {text, static_cast<std::size_t>(sqlite3_value_bytes(value))};  // after the text
  }

  bool IsNull(std::size_t column) const override {
    return sqlite3_value_type(Value(column)) == SQLITE_NULL;
  }

 private:
  sqlite3_value* Value(std::size_t column) const {
    return sqlite3_column_value(stmt_, static_cast<int>(column));
  }

  // Steps once. A write commits when its statement steps to SQLITE_DONE,
  // which is also when SQLite runs its automatic WAL checkpoint.
  // A write outside a transaction is done (committed, or rolled back) when it
  // stops stepping: its turn ends then.
  bool Step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (turn_ != nullptr) turn_->ReleaseIfDone();
    if (rc == SQLITE_DONE) return false;
    Fail(db_);
  }

  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  WriterTurn* turn_ = nullptr;  // the connection's, for a statement that writes
};

}  // namespace

DatabaseError LastError(sqlite3* db) {
  const int code = sqlite3_extended_errcode(db);
  const std::string message = sqlite3_errmsg(db);
  return DatabaseError(message, Classify(code, message), std::to_string(code),
                       sqlite3_error_offset(db));
}

std::unique_ptr<Prepared> PrepareStatement(sqlite3* db, const std::string& sql, std::size_t params,
                                           WriterTurn* turn) {
  return std::make_unique<SqlitePrepared>(db, sql, params, turn);
}

}  // namespace strata::backends::sqlite
