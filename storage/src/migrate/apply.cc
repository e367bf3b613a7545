#include "migrate/apply.h"

#include <algorithm>

#include "connection/errors.h"
#include "migrate/ledger.h"
#include "strata/error.h"

namespace strata::migrate {
namespace {

using Clock = std::chrono::steady_clock;

int LineAt(std::string_view script, std::size_t offset) {
  offset = std::min(offset, script.size());
  return 1 + static_cast<int>(std::count(
                 script.begin(), script.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

double Milliseconds(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

constexpr const char* kRolledBack = "it was rolled back and is still pending";

// Statement `i` of a migration failed: the MigrationError (or
// ConnectionError) naming the file and line, ending with `outcome`.
// `summary` receives "file:line: message" for the ledger.
[[noreturn]] void ThrowStatementError(const Migration& m, const std::string& file,
                                      const std::string& script, const Statements& statements,
                                      std::size_t i, const backends::DatabaseError& e,
                                      const std::string& outcome, std::string* summary = nullptr) {
  const SqlChunk& chunk = statements[i];
  const int line = e.position() >= 0
                       ? LineAt(script, chunk.offset + static_cast<std::size_t>(e.position()))
                       : chunk.line;
  if (summary != nullptr) *summary = file + ":" + std::to_string(line) + ": " + e.what();
  connection::ThrowTranslated(
      e,
      {"migration " + Id(m) + " failed at " + file + ":" + std::to_string(line) + " (statement " +
           std::to_string(i + 1) + " of " + std::to_string(statements.size()) + ")",
       true, outcome});
}

LedgerRow RowFor(const Migration& m) {
  LedgerRow row;
  row.version = m.version;
  row.name = m.name;
  row.checksum = m.checksum;
  row.applied_at = Now();
  return row;
}

}  // namespace

MigrationEvent EventFor(MigrationEvent::Kind kind, const Migration& m, Clock::duration duration) {
  MigrationEvent event;
  event.kind = kind;
  event.version = m.version;
  event.name = m.name;
  event.duration = std::chrono::duration_cast<std::chrono::microseconds>(duration);
  return event;
}

void Applier::Apply(const Migration& m, const Statements& statements, int resume_at) {
  const auto started = Clock::now();
  emit_(EventFor(MigrationEvent::Kind::kApplying, m));
  LedgerRow row = RowFor(m);
  // Only a failed (or interrupted) no-transaction file has a row already.
  const Ledger::Mode mode = resume_at > 0 ? Ledger::Mode::kUpsert : Ledger::Mode::kInsert;
  if (m.transactional && db_.backend() == Backend::kPostgres) {
    ApplyPipelined(m, statements, row, resume_at > 0);
  } else if (m.transactional) {
    RunInTransaction(m, m.up_file, m.up_sql, statements, kRolledBack, [&] {
      row.duration_ms = Milliseconds(Clock::now() - started);
      Ledger(db_).Write(row, mode);
    });
  } else {
    ApplyStepwise(m, statements, row, resume_at);
  }
  MigrationEvent applied = EventFor(MigrationEvent::Kind::kApplied, m, Clock::now() - started);
  applied.no_statements = statements.empty();
  emit_(applied);
}

// One pipeline: BEGIN, the statements, the ledger row, COMMIT. The duration
// recorded covers the statements' dispatch; the progress event reports the
// whole round trip.
void Applier::ApplyPipelined(const Migration& m, const Statements& statements, LedgerRow& row,
                             bool upsert) {
  const auto started = Clock::now();
  std::vector<backends::BatchStep> batch;
  batch.reserve(statements.size() + 3);
  batch.push_back({db_.dialect().BeginWrite()});
  for (const SqlChunk& chunk : statements) batch.push_back({chunk.text});
  row.duration_ms = Milliseconds(Clock::now() - started);
  batch.push_back(
      Ledger(db_).WriteStep(row, upsert ? Ledger::Mode::kUpsert : Ledger::Mode::kInsert));
  batch.push_back({"COMMIT"});
  try {
    db_.native().ExecBatch(batch);
  } catch (const backends::BatchError& e) {
    RollBack();
    if (e.index() >= 1 && e.index() <= statements.size()) {
      ThrowStatementError(m, m.up_file, m.up_sql, statements, e.index() - 1, e, kRolledBack);
    }
    connection::ThrowTranslated(
        e, {"migration " + Id(m) + " (" + m.up_file + ") could not be recorded", true,
            "it was rolled back"});
  }
}

// BEGIN IMMEDIATE takes SQLite's write lock at once; the run's lock keeps
// other strata runners out, and the ledger was re-read under it.
void Applier::RunInTransaction(const Migration& m, const std::string& file,
                               const std::string& script, const Statements& statements,
                               const std::string& outcome, const std::function<void()>& record) {
  std::vector<backends::BatchStep> batch;
  batch.reserve(statements.size() + 1);
  batch.push_back({db_.dialect().BeginWrite()});
  for (const SqlChunk& chunk : statements) batch.push_back({chunk.text});
  try {
    try {
      db_.native().ExecBatch(batch);
    } catch (const backends::BatchError& e) {
      if (e.index() == 0) throw;  // BEGIN: the engine's own statement
      ThrowStatementError(m, file, script, statements, e.index() - 1, e, outcome);
    }
    CheckForeignKeys(m, file, script);
    record();
    db_.Exec("COMMIT");
  } catch (...) {
    RollBack();
    throw;
  }
}

void Applier::ApplyStepwise(const Migration& m, const Statements& statements, LedgerRow& row,
                            int resume_at) {
  const auto started = Clock::now();
  Ledger ledger(db_);
  const int first = std::max(resume_at, 1);
  if (first > static_cast<int>(statements.size()) && resume_at > 0) {
    throw MigrationError("migration " + Id(m) + " (" + m.up_file + ") failed at statement " +
                         std::to_string(first) + " but now has " +
                         std::to_string(statements.size()) +
                         " statements: restore the statements that ran, or undo them and "
                         "run 'strata migrate repair'");
  }
  if (resume_at > 0) {
    MigrationEvent event = EventFor(MigrationEvent::Kind::kResuming, m);
    event.statement = first;
    emit_(event);
  }
  for (std::size_t i = static_cast<std::size_t>(first - 1); i < statements.size(); ++i) {
    row.state = "running";
    row.failed_statement = static_cast<int>(i + 1);
    row.duration_ms = Milliseconds(Clock::now() - started);
    ledger.Write(row);
    try {
      Run(m, m.up_file, m.up_sql, statements, i,
          "the statements before it stay applied; it is recorded as failed: fix it and run "
          "'strata migrate up' to resume there",
          &row.error);
    } catch (const MigrationError&) {
      row.state = "failed";
      ledger.Write(row);
      throw;
    }
  }
  row.state = "applied";
  row.failed_statement.reset();
  row.duration_ms = Milliseconds(Clock::now() - started);
  ledger.Write(row);
}

void Applier::Run(const Migration& m, const std::string& file, const std::string& script,
                  const Statements& statements, std::size_t i, const std::string& outcome,
                  std::string* summary) {
  try {
    db_.Exec(statements[i].text);
  } catch (const backends::DatabaseError& e) {
    ThrowStatementError(m, file, script, statements, i, e, outcome, summary);
  }
}

void Applier::CheckForeignKeys(const Migration& m, const std::string& file,
                               const std::string& script) {
  const std::optional<backends::ForeignKeyViolation> violation =
      db_.native().ForeignKeyViolations(script);
  if (!violation) return;
  throw MigrationError("migration " + Id(m) + " (" + file + ") leaves rows in table '" +
                       violation->table + "' whose foreign key to '" + violation->parent +
                       "' matches no row; it was rolled back: fix the data in the migration");
}

void Applier::RollBack() {
  try {
    db_.Exec("ROLLBACK");
  } catch (const backends::DatabaseError&) {
    // No transaction left (the connection is gone): nothing to undo here.
  }
}

void Applier::Revert(const Migration& m, const Statements& statements) {
  const std::string& file = *m.down_file;
  const std::string& script = m.down_sql();
  const auto started = Clock::now();
  emit_(EventFor(MigrationEvent::Kind::kReverting, m));
  if (m.down_transactional()) {
    RunInTransaction(m, file, script, statements, "it was rolled back and stays applied",
                     [&] { Ledger(db_).Remove(m.version); });
  } else {
    for (std::size_t i = 0; i < statements.size(); ++i) {
      Run(m, file, script, statements, i,
          "the statements before it ran and the ledger still lists it as applied: finish "
          "reverting it by hand");
    }
    Ledger(db_).Remove(m.version);
  }
  emit_(EventFor(MigrationEvent::Kind::kReverted, m, Clock::now() - started));
}

}  // namespace strata::migrate
