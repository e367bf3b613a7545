// A SOCI statement prepared once per connection and executed many times, with
// its parameter and column buffers (SOCI binds by address, so they live as
// long as the statement). Values are exchanged as 64-bit integers or text;
// the SQL converts where a column's type differs (see repositories/dialect.h).
//
// Why not one-shot `session << sql`: it re-prepares on every call, 1.4-2.5x
// the cost of a reused statement (SOCI_NOTES.md).
#pragma once

#include <soci/soci.h>

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace strata::connection {

enum class Type { kInt, kText };

class Statement {
 public:
  // `sql` uses SOCI's :name placeholders, each once, in the order of `params`.
  // `active` collects the statements executed since the connection last
  // finished them (PooledConnection::FinishActive).
  Statement(soci::session& session, const std::string& sql, const std::vector<Type>& params,
            const std::vector<Type>& columns, std::vector<Statement*>* active);
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are bound in order; Execute starts the next round at the first.
  Statement& Int(std::int64_t value);
  Statement& Text(std::string_view value);
  Statement& Null();

  // Runs the statement; true when a first row is there to read.
  bool Execute();
  // Moves to the next row; false after the last.
  bool Next();
  long long AffectedRows();
  // Ends the execution: SQLite resets the statement, which completes a write
  // with RETURNING and lets a read go of its snapshot (a statement left on a
  // row holds both). PostgreSQL has the whole result already.
  void Finish();

  std::int64_t GetInt(std::size_t column) const;
  const std::string& GetText(std::size_t column) const;
  bool IsNull(std::size_t column) const;

 private:
  struct Slot {
    Type type;
    long long integer = 0;
    std::string text;
    soci::indicator indicator = soci::i_ok;
  };
  Slot& NextParam(Type type);

  soci::statement statement_;
  bool sqlite_;
  std::vector<Statement*>* active_;
  std::deque<Slot> params_, columns_;  // stable addresses
  std::size_t next_param_ = 0;
};

}  // namespace strata::connection
