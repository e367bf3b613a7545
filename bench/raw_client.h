// The raw side of query_bench: the SQL strata prepared, run through sqlite3 or
// libpq as hand-written code would, so that each strata path has a floor
// measured on the same database with the same statements and values.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "strata/options.h"
#include "strata/timestamp.h"

namespace strata::bench {

// A bound value: NULL, an integer, or text.
using Value = std::variant<std::monostate, std::int64_t, std::string>;

// Timestamps are bound as integers: microseconds since the epoch.
inline std::int64_t Micros(Timestamp t) { return t.time_since_epoch().count(); }

// A placeholder of a strata statement and where it stands in the SQL.
struct Placeholder {
  std::string name;  // ":c3"
  std::size_t at;
};

// `:name` placeholders of a strata statement, in order of appearance.
std::vector<Placeholder> Placeholders(const std::string& sql);

// The raw side: statements prepared once by SQL text; values bound in the
// order strata binds them (one per placeholder occurrence).
class Raw {
 public:
  virtual ~Raw() = default;
  // Runs `sql`: the rows it returned, each column copied out, or for a
  // statement without columns the rows it changed. Text is copied into the
  // strings of the call before, which keep their capacity, as code that
  // reads into its previous result does (the floor of FindInto, ListInto).
  std::size_t Run(const std::string& sql, const std::vector<Value>& values) {
    new_rows_ = 0;
    return Execute(sql, values);
  }
  // As Run, but every text value is copied into a new string of a result
  // made for this call, with room reserved for `rows` rows, and the previous
  // call's result is freed: what code that returns new objects does (the
  // like-for-like side of Find and List, which hand over new objects).
  std::size_t RunNew(const std::string& sql, const std::vector<Value>& values, std::size_t rows) {
    new_rows_ = rows == 0 ? 1 : rows;
    return Execute(sql, values);
  }
  // A statement without values or rows: BEGIN, COMMIT.
  virtual void Exec(const char* sql) = 0;
  // PostgreSQL: `copy` (COPY ... FROM STDIN) with `data` in text format.
  virtual void Copy(const std::string& copy, const std::string& data) = 0;
  // The first column of every row of `sql` (a query without values), as
  // text: for the set-up of a benchmark, not its timing.
  virtual std::vector<std::string> Texts(const char* sql) = 0;

 protected:
  virtual std::size_t Execute(const std::string& sql, const std::vector<Value>& values) = 0;

  // Starts copying out a result of `columns` columns.
  void Start(std::size_t columns) {
    row_.resize(columns);
    numbers_.resize(columns);
    if (new_rows_ != 0) {
      std::vector<std::string>().swap(cells_);
      cells_.reserve(new_rows_ * columns);
    }
  }
  // Copies out text column `c` of the current row.
  void Text(std::size_t c, const char* text, std::size_t size) {
    if (new_rows_ != 0) {
      cells_.emplace_back(text, size);
    } else {
      row_[c].assign(text, size);
    }
  }

  std::vector<std::int64_t> numbers_;  // integer columns, parsed

 private:
  std::size_t new_rows_ = 0;        // 0: Run; else RunNew's rows to reserve
  std::vector<std::string> row_;    // Run: one row's text, reused
  std::vector<std::string> cells_;  // RunNew: every text value of the result
};

// A raw connection to the backend's database at `url` (a file path for
// SQLite, a conninfo for PostgreSQL).
std::unique_ptr<Raw> OpenRaw(Backend backend, const std::string& url);

// What a column's Value stands for, where the encoding depends on it.
enum class ColumnKind { kText, kJson, kInt, kBool, kTime, kOptionalTime };

// Appends COPY's text format for `value` of a column of `kind` to `out`.
// Inline, as in hand-written code: the raw CreateMany calls it for every
// column of every row.
inline void AppendCopy(std::string& out, ColumnKind kind, const Value& value) {
  if (std::holds_alternative<std::monostate>(value)) {
    out += "\\N";
  } else if (kind == ColumnKind::kBool) {
    out += std::get<std::int64_t>(value) != 0 ? 't' : 'f';
  } else if (kind == ColumnKind::kTime || kind == ColumnKind::kOptionalTime) {
    out += FormatTimestamp(Timestamp(std::chrono::microseconds(std::get<std::int64_t>(value))));
  } else if (const auto* n = std::get_if<std::int64_t>(&value)) {
    out += std::to_string(*n);
  } else {
    for (const char c : std::get<std::string>(value)) {
      switch (c) {
        case '\\':
          out += "\\\\";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        default:
          out += c;
      }
    }
  }
}

}  // namespace strata::bench
