// The ledger, strata_schema_migrations: one row per applied (or part-applied)
// migration, written in the migration's own transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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

// Every method throws backends::DatabaseError when its statement fails.
class Ledger {
 public:
  explicit Ledger(connection::Connection& db) : db_(db) {}

  // Every row by version, in one query; empty when there is no ledger yet.
  std::vector<LedgerRow> Read();
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
