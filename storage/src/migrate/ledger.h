// The ledger, strata_schema_migrations: one row per applied (or part-applied)
// migration, written in the migration's own transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/function_ref.h"
#include "connection/connection.h"
#include "strata/timestamp.h"

namespace strata::migrate {

inline constexpr const char* kLedgerTable = "strata_schema_migrations";

struct LedgerRow {
  std::int64_t version = 0;
  std::string name;
  std::string checksum;
  Timestamp applied_at{};
  double duration_ms = 0;
  // "applied"; "running" while a no-transaction file runs (left behind if the
  // runner dies); "failed" after one of its statements failed.
  std::string state = "applied";
  std::optional<int> failed_statement;  // 1-based; the statements before it ran
  std::string error;
};

// A row as the query returns it, read in place: its text is valid only
// while the visitor that receives it runs (Ledger::ReadEach).
struct LedgerRowView {
  std::int64_t version = 0;
  std::string_view name;
  std::string_view checksum;
  Timestamp applied_at{};
  double duration_ms = 0;
  std::string_view state = "applied";  // as LedgerRow::state
  std::optional<int> failed_statement;
  std::string_view error;
};

// Every method throws backends::DatabaseError when its statement fails.
class Ledger {
 public:
  explicit Ledger(connection::Connection& db) : db_(db) {}

  // Every row by version, in one query; empty when there is no ledger yet.
  std::vector<LedgerRow> Read();
  // The same rows, each passed to `visit` in ascending version as it is
  // read, without a copy (status reads 10,000 rows in about the time of the
  // query). Nothing is visited when there is no ledger yet.
  void ReadEach(base::FunctionRef<void(const LedgerRowView&)> visit);
  // The highest applied version, 0 for none.
  std::int64_t CurrentVersion();
  // Creates the table when missing; run under the migration lock.
  void Create();
  // kInsert when no row can have the version (a pending migration): a plain
  // INSERT, which SQLite compiles in about half the time of an upsert, and
  // it is compiled again after every migration's schema change.
  enum class Mode { kInsert, kUpsert };
  // Inserts the row, or with kUpsert replaces the one with its version.
  void Write(const LedgerRow& row, Mode mode = Mode::kUpsert);
  // Write's statement with the row bound, for a batch that runs it.
  backends::BatchStep WriteStep(const LedgerRow& row, Mode mode = Mode::kUpsert);
  void Remove(std::int64_t version);

 private:
  connection::Statement& BindWrite(const LedgerRow& row, Mode mode);

  connection::Connection& db_;
};

}  // namespace strata::migrate
