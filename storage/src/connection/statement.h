// A statement prepared once per connection on the native handle (sqlite3 or
// libpq) and executed many times, with its parameters: the one statement
// API of the repositories, the ledger and the migration lock. Values are
// exchanged as 64-bit integers or text; the SQL converts where a column's
// type differs (backends::SqlDialect).
//
// Why not SOCI statements: a reused SOCI statement costs the same as the C
// API for a point read, but its per-column conversions took half the time of
// a 100-row page (ADR 0005). Why not one-shot `session << sql`: it prepares
// again on every call.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "backends/native_connection.h"

namespace strata::connection {

enum class Type { kInt, kText };

// `text` into `into`, in its buffer. A value of the length `into` already
// has is copied over it without libstdc++'s general replace (about 53
// instructions): a page read into the previous one (ListInto) and a
// statement bound again with values of the same lengths mostly find them
// unchanged.
void CopyIntoResized(std::string_view text, std::string& into);  // the other lengths
inline void CopyInto(std::string_view text, std::string& into) {
  if (text.size() != into.size()) {
    CopyIntoResized(text, into);
  } else if (!text.empty()) {
    std::memcpy(into.data(), text.data(), text.size());
  }
}

class Statement {
 public:
  // `sql` uses :name placeholders, each once, in the order of `params`.
  // `columns` are the types the caller reads. `active` collects the
  // statements executed since the connection last finished them
  // (Connection::FinishActive).
  Statement(backends::NativeConnection& native, const std::string& sql,
            const std::vector<Type>& params, const std::vector<Type>& columns,
            std::vector<Statement*>* active);
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are bound in order; Execute starts the next round at the
  // first. std::logic_error for a parameter of the wrong type or one too many.
  // Inline: a call binds a few, and the call into the statement was a third
  // of their cost.
  Statement& Int(std::int64_t value) {
    NextParam(Type::kInt).number = value;
    return *this;
  }
  Statement& Text(std::string_view value) {
    CopyInto(value, NextParam(Type::kText).text);
    return *this;
  }
  Statement& Null();
  Statement& Bool(bool value) { return Int(value ? 1 : 0); }
  Statement& Time(std::int64_t micros) { return Int(micros); }  // since the epoch

  // Runs the statement; true when a first row is there to read.
  // backends::DatabaseError when the database refuses it.
  bool Execute();
  // Moves to the next row; false after the last.
  bool Next();
  long long AffectedRows();
  // Ends the execution: SQLite resets the statement, which ends a read's
  // snapshot (a statement left on a row holds it); PostgreSQL frees the
  // result. A write with RETURNING must step to its end first (Next), not
  // be finished on its row: SQLite checkpoints its WAL only then.
  void Finish();
  // The statement with its bound parameters as a step of a batch
  // (NativeConnection::ExecBatch), which runs it; binding starts again.
  backends::BatchStep InBatch();

  // The current row's columns; text is valid until the next Next, Execute
  // or Finish. NULL reads as 0 or "". Inline: a page reads thousands.
  // std::out_of_range for a column past those declared.
  std::int64_t GetInt(std::size_t column) const {
    if (column >= columns_) ThrowColumn(column);
    return prepared_->GetInt(column);  // 0 for NULL on both backends
  }
  std::string_view GetText(std::size_t column) const {
    if (column >= columns_) ThrowColumn(column);
    return prepared_->GetText(column);
  }
  // The column's text into `into` (CopyInto).
  void ReadText(std::size_t column, std::string& into) const { CopyInto(GetText(column), into); }
  bool IsNull(std::size_t column) const {
    if (column >= columns_) ThrowColumn(column);
    return prepared_->IsNull(column);
  }

 private:
  [[noreturn]] void ThrowColumn(std::size_t column) const;
  backends::Param& NextParam(Type type) {
    if (next_param_ >= params_.size() || params_[next_param_].integer != (type == Type::kInt)) {
      ThrowWrongParam();
    }
    backends::Param& param = params_[next_param_++];
    param.null = false;
    return param;
  }
  [[noreturn, gnu::cold]] void ThrowWrongParam() const;
  void RequireAllBound();

  std::unique_ptr<backends::Prepared> prepared_;
  std::vector<backends::Param> params_;  // each one's type is its `integer` flag
  std::size_t columns_;
  std::vector<Statement*>* active_;
  std::size_t next_param_ = 0;
};

}  // namespace strata::connection
