#include "migrate/ledger.h"

#include <charconv>
#include <string>

namespace strata::migrate {
namespace {

constexpr const char* kPostgresTable = R"(CREATE TABLE IF NOT EXISTS strata_schema_migrations (
  version bigint PRIMARY KEY CHECK (version > 0),
  name text NOT NULL,
  checksum text NOT NULL,
  applied_at timestamptz NOT NULL,
  duration_ms double precision NOT NULL,
  state text NOT NULL DEFAULT 'applied' CHECK (state IN ('applied', 'running', 'failed')),
  failed_statement integer,
  error text
))";

// No CHECK constraints on SQLite: only the engine writes these rows, and
// SQLite compiles the checks into every INSERT, which it compiles again after
// each migration's schema change (about 10 us of a 220 us migration).
constexpr const char* kSqliteTable = R"(CREATE TABLE IF NOT EXISTS strata_schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  checksum TEXT NOT NULL,
  applied_at TEXT NOT NULL,
  duration_ms REAL NOT NULL,
  state TEXT NOT NULL DEFAULT 'applied',
  failed_statement INTEGER,
  error TEXT
))";

}  // namespace

std::vector<LedgerRow> Ledger::Select(const std::string& where,
                                      const std::vector<backends::Value>& params) {
  const std::string applied_at =
      postgres() ? R"(to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))"
                 : "applied_at";
  const std::string sql = "SELECT version, name, checksum, " + applied_at +
                          ", duration_ms, state, failed_statement, error FROM " + kLedgerTable +
                          where + " ORDER BY version";
  std::vector<LedgerRow> rows;
  for (const backends::Row& r : db_.Query(sql, params)) {
    LedgerRow row;
    row.version = std::stoll(r[0].value_or("0"));
    row.name = r[1].value_or("");
    row.checksum = r[2].value_or("");
    row.applied_at = ParseTimestamp(r[3].value_or(""));
    row.duration_ms = std::stod(r[4].value_or("0"));
    row.state = r[5].value_or("applied");
    if (r[6]) row.failed_statement = std::stoi(*r[6]);
    row.error = r[7].value_or("");
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<LedgerRow> Ledger::Read() {
  try {
    return Select("", {});
  } catch (const backends::DatabaseError& e) {
    if (db_.IsUndefinedTable(e)) return {};
    throw;
  }
}

std::int64_t Ledger::CurrentVersion() {
  const auto rows = db_.Query(std::string("SELECT max(version) FROM ") + kLedgerTable +
                              " WHERE state = 'applied'");
  return rows.empty() || !rows[0][0] ? 0 : std::stoll(*rows[0][0]);
}

void Ledger::Create() {
  if (!postgres()) {
    db_.Exec(kSqliteTable);
    return;
  }
  // IF NOT EXISTS on an existing table is a NOTICE on every run: not news
  // for the application's logger.
  db_.Exec("SET client_min_messages = warning");
  db_.Exec(kPostgresTable);
  db_.Exec("RESET client_min_messages");
}

void Ledger::Write(const LedgerRow& row, Mode mode) {
  const backends::BatchItem item = WriteStatement(row, mode);
  db_.Query(item.sql, item.params);
}

backends::BatchItem Ledger::WriteStatement(const LedgerRow& row, Mode mode) const {
  char duration[32];
  const auto [end, ec] = std::to_chars(duration, duration + sizeof duration, row.duration_ms,
                                       std::chars_format::fixed, 3);
  // Values go as text: PostgreSQL needs the casts, SQLite's column affinity
  // converts them.
  struct Column {
    std::string_view name;
    std::string_view postgres_type;  // empty for text
    backends::Value value;
  };
  Column columns[] = {
      {"version", "bigint", std::to_string(row.version)},
      {"name", "", row.name},
      {"checksum", "", row.checksum},
      {"applied_at", "timestamptz", FormatTimestamp(row.applied_at)},
      {"duration_ms", "double precision",
       std::string(duration, ec == std::errc() ? end : duration)},
      {"state", "", row.state},
      {"failed_statement", "integer",
       row.failed_statement ? backends::Value(std::to_string(*row.failed_statement))
                            : std::nullopt},
      {"error", "", row.error.empty() ? std::nullopt : backends::Value(row.error)},
  };
  // A plain INSERT leaves out the columns at their defaults (state
  // 'applied', no failure): SQLite compiles this statement again after every
  // migration's schema change, and a shorter one compiles faster. An upsert
  // sets every column, so that a resumed row loses its failure.
  const auto at_default = [&](const Column& c) {
    return mode == Mode::kInsert &&
           ((c.name == "state" && c.value == "applied") ||
            ((c.name == "failed_statement" || c.name == "error") && !c.value));
  };
  backends::BatchItem item;
  std::string names;
  std::string values;
  std::string updates;
  for (Column& c : columns) {
    if (at_default(c)) continue;
    item.params.push_back(std::move(c.value));
    const std::string placeholder = "$" + std::to_string(item.params.size());
    if (!names.empty()) {
      names += ", ";
      values += ", ";
    }
    names += c.name;
    if (postgres() && !c.postgres_type.empty()) {
      values.append("CAST(").append(placeholder).append(" AS ").append(c.postgres_type) += ')';
    } else {
      values += placeholder;
    }
    if (mode == Mode::kUpsert && c.name != "version") {
      if (!updates.empty()) updates += ", ";
      updates.append(c.name).append(" = excluded.").append(c.name);
    }
  }
  item.sql =
      std::string("INSERT INTO ") + kLedgerTable + " (" + names + ") VALUES (" + values + ")";
  if (mode == Mode::kUpsert) item.sql += " ON CONFLICT (version) DO UPDATE SET " + updates;
  return item;
}

void Ledger::Remove(std::int64_t version) {
  db_.Query(std::string("DELETE FROM ") + kLedgerTable +
                " WHERE version = " + (postgres() ? "CAST($1 AS bigint)" : "$1"),
            {std::to_string(version)});
}

}  // namespace strata::migrate
