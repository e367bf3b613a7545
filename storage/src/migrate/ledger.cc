#include "migrate/ledger.h"

#include <charconv>
#include <chrono>
#include <string>

namespace strata::migrate {
namespace {

using connection::Type;

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
// applied_at is RFC 3339 text, as every SQLite ledger has held it.
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

// applied_at and duration_ms are written as text on both backends (the
// SQLite ledger stores RFC 3339 text); PostgreSQL converts them to the
// column's type, which it infers for each placeholder. PostgreSQL reads
// applied_at back as microseconds since the epoch, as the repositories read
// a timestamp (SqlDialect): the server formats an integer in a fraction of
// the time to_char takes, and there is no text to parse.
//
// Both read duration_ms back as whole microseconds, an integer: it is
// written with three decimals, so nothing is lost, and neither side formats
// a double as text for the client to parse back. On SQLite that formatting
// (its printf) was a quarter of a 10,000-row status's time (ADR 0023).
constexpr const char* kPostgresSelect =
    "SELECT version, name, checksum, CAST(EXTRACT(EPOCH FROM applied_at) * 1000000 AS bigint), "
    "CAST(round(duration_ms * 1000) AS bigint), state, failed_statement, error "
    "FROM strata_schema_migrations ORDER BY version";
constexpr const char* kSqliteSelect =
    "SELECT version, name, checksum, applied_at, CAST(round(duration_ms * 1000) AS INTEGER), "
    "state, failed_statement, error FROM strata_schema_migrations ORDER BY version";

}  // namespace

std::vector<LedgerRow> Ledger::Read() {
  std::vector<LedgerRow> rows;
  ReadEach([&](const LedgerRowView& view) {
    LedgerRow& row = rows.emplace_back();
    row.version = view.version;
    row.name = view.name;
    row.checksum = view.checksum;
    row.applied_at = view.applied_at;
    row.duration_ms = view.duration_ms;
    row.state = view.state;
    row.failed_statement = view.failed_statement;
    row.error = view.error;
  });
  return rows;
}

void Ledger::ReadEach(base::FunctionRef<void(const LedgerRowView&)> visit) {
  // applied_at: an integer on PostgreSQL, text on SQLite; Statement reads
  // either way.
  static const std::vector<Type> kColumns = {Type::kInt, Type::kText, Type::kText, Type::kText,
                                             Type::kInt, Type::kText, Type::kInt,  Type::kText};
  const bool postgres = db_.backend() == Backend::kPostgres;
  connection::Statement* st = nullptr;
  try {
    st = &db_.Prepare(postgres ? kPostgresSelect : kSqliteSelect, {}, kColumns);
  } catch (const backends::DatabaseError& e) {
    if (e.kind() == backends::ErrorKind::kUndefinedTable) return;
    throw;
  }
  // One view, its text pointing into the statement's current row.
  LedgerRowView row;
  for (bool more = st->Execute(); more; more = st->Next()) {
    row.version = st->GetInt(0);
    row.name = st->GetText(1);
    row.checksum = st->GetText(2);
    row.applied_at = postgres ? Timestamp(std::chrono::microseconds(st->GetInt(3)))
                              : ParseTimestamp(st->GetText(3));
    row.duration_ms = static_cast<double>(st->GetInt(4)) / 1000.0;
    row.state = st->IsNull(5) ? std::string_view("applied") : st->GetText(5);
    row.failed_statement.reset();
    if (!st->IsNull(6)) row.failed_statement = static_cast<int>(st->GetInt(6));
    row.error = st->GetText(7);
    visit(row);
  }
  st->Finish();
}

std::int64_t Ledger::CurrentVersion() {
  connection::Statement& st =
      db_.Prepare("SELECT max(version) FROM strata_schema_migrations WHERE state = 'applied'", {},
                  {Type::kInt});
  const std::int64_t version = st.Execute() ? st.GetInt(0) : 0;  // NULL reads as 0
  st.Finish();
  return version;
}

void Ledger::Create() {
  if (db_.backend() == Backend::kSqlite) {
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
  connection::Statement& st = BindWrite(row, mode);
  st.Execute();
  st.Finish();
}

backends::BatchStep Ledger::WriteStep(const LedgerRow& row, Mode mode) {
  return BindWrite(row, mode).InBatch();
}

connection::Statement& Ledger::BindWrite(const LedgerRow& row, Mode mode) {
  char duration[32];
  const auto [end, ec] = std::to_chars(duration, duration + sizeof duration, row.duration_ms,
                                       std::chars_format::fixed, 3);
  // A plain INSERT leaves out the columns at their defaults (state
  // 'applied', no failure): SQLite compiles this statement again after every
  // migration's schema change, and a shorter one compiles faster. An upsert
  // sets every column, so that a resumed row loses its failure.
  const bool insert = mode == Mode::kInsert;
  const bool with_state = !insert || row.state != "applied";
  const bool with_failure = !insert || row.failed_statement.has_value();
  const bool with_error = !insert || !row.error.empty();
  std::string names = "version, name, checksum, applied_at, duration_ms";
  std::string values = ":version, :name, :checksum, :applied_at, :duration_ms";
  std::vector<Type> types = {Type::kInt, Type::kText, Type::kText, Type::kText, Type::kText};
  const auto add = [&](bool wanted, const char* name, Type type) {
    if (!wanted) return;
    names.append(", ").append(name);
    values.append(", :").append(name);
    types.push_back(type);
  };
  add(with_state, "state", Type::kText);
  add(with_failure, "failed_statement", Type::kInt);
  add(with_error, "error", Type::kText);
  std::string sql =
      std::string("INSERT INTO ") + kLedgerTable + " (" + names + ") VALUES (" + values + ")";
  if (!insert) {
    sql +=
        " ON CONFLICT (version) DO UPDATE SET name = excluded.name, checksum = excluded.checksum, "
        "applied_at = excluded.applied_at, duration_ms = excluded.duration_ms, state = "
        "excluded.state, failed_statement = excluded.failed_statement, error = excluded.error";
  }
  connection::Statement& st = db_.Prepare(sql, types, {});
  st.Int(row.version).Text(row.name).Text(row.checksum).Text(FormatTimestamp(row.applied_at));
  st.Text(std::string_view(duration, ec == std::errc() ? end : duration));
  if (with_state) st.Text(row.state);
  if (with_failure) {
    if (row.failed_statement) {
      st.Int(*row.failed_statement);
    } else {
      st.Null();
    }
  }
  if (with_error) {
    if (row.error.empty()) {
      st.Null();
    } else {
      st.Text(row.error);
    }
  }
  return st;
}

void Ledger::Remove(std::int64_t version) {
  connection::Statement& st = db_.Prepare(
      "DELETE FROM strata_schema_migrations WHERE version = :version", {Type::kInt}, {});
  st.Int(version);
  st.Execute();
  st.Finish();
}

}  // namespace strata::migrate
