// Statements on a native handle: parameters, a prepared statement and its
// rows, a step of a batch, and a bulk insert.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace strata::backends {

// A parameter of a prepared statement: NULL, an integer or text.
struct Param {
  bool null = false;
  bool integer = false;
  std::int64_t number = 0;
  std::string text;  // the text value; PostgreSQL also writes an integer's digits here
};

// A statement prepared once on the native handle and executed many times.
// Values read are valid until the next Next, Execute or Finish.
class Prepared {
 public:
  virtual ~Prepared() = default;
  // Binds `params` (which must outlive the execution) in order and runs the
  // statement; true when a first row is there to read. DatabaseError on failure.
  virtual bool Execute(std::vector<Param>& params) = 0;
  // Moves to the next row; false after the last.
  virtual bool Next() = 0;
  // Rows changed by the last execution (a statement without RETURNING).
  virtual long long AffectedRows() const = 0;
  // Ends the execution: SQLite resets the statement (ending its transaction
  // or snapshot); PostgreSQL frees the result.
  virtual void Finish() = 0;
  virtual std::int64_t GetInt(std::size_t column) const = 0;
  virtual std::string_view GetText(std::size_t column) const = 0;
  virtual bool IsNull(std::size_t column) const = 0;
};

// One step of a batch: SQL without parameters, or a prepared statement with
// its bound parameters (results are discarded).
struct BatchStep {
  std::string_view sql;
  Prepared* prepared = nullptr;
  std::vector<Param>* params = nullptr;
};

// Rows inserted in bulk, written value by value in the order of the columns
// given to BulkInsertInto. SQLite inserts each row with one prepared
// statement; PostgreSQL streams the rows through one COPY.
class BulkInsert {
 public:
  virtual ~BulkInsert() = default;  // unfinished: the rows are not inserted
  virtual BulkInsert& Null() = 0;
  virtual BulkInsert& Int(std::int64_t value) = 0;
  virtual BulkInsert& Bool(bool value) = 0;
  virtual BulkInsert& Text(std::string_view value) = 0;
  virtual BulkInsert& Time(std::int64_t micros) = 0;  // since the epoch
  // Ends the current row. Rows may go to the database in groups (SQLite: 8
  // to a statement; PostgreSQL: COPY pieces), so the DatabaseError of a row
  // that cannot be inserted or sent may come from a later EndRow or Finish.
  virtual void EndRow() = 0;
  // Completes the insert. DatabaseError when the database refuses a row.
  virtual void Finish() = 0;
};

}  // namespace strata::backends
