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
  // statement without columns the rows it changed.
  virtual std::size_t Run(const std::string& sql, const std::vector<Value>& values) = 0;
  // A statement without values or rows: BEGIN, COMMIT.
  virtual void Exec(const char* sql) = 0;
  // PostgreSQL: `copy` (COPY ... FROM STDIN) with `data` in text format.
  virtual void Copy(const std::string& copy, const std::string& data) = 0;
  // The first column of every row of `sql` (a query without values), as
  // text: for the set-up of a benchmark, not its timing.
  virtual std::vector<std::string> Texts(const char* sql) = 0;
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
