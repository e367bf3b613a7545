#include "migrate/apply.h"

#include <algorithm>
#include <thread>

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

// A statement of a transaction gave up waiting for a table lock; the
// transaction was rolled back. `where` is "file:line (statement i of n)".
struct LockTimeout {
  std::string where;
};

// Statement `i` of `file` gave up on a lock: where it is.
LockTimeout LockTimeoutAt(const std::string& file, const Statements& statements, std::size_t i) {
  return {file + ":" + std::to_string(statements[i].line) + " (statement " + std::to_string(i + 1) +
          " of " + std::to_string(statements.size()) + ")"};
}

// The dialect's statement that sets the lock timeout (for the transaction
// when `local`, else the session) with `timeout` bound; null where there
// are no table locks (SQLite).
connection::Statement* LockTimeoutStatement(connection::Connection& db, bool local,
                                            std::chrono::milliseconds timeout) {
  const char* sql = db.dialect().SetLockTimeout(local);
  if (sql == nullptr) return nullptr;
  connection::Statement& st = db.Prepare(sql, {connection::Type::kText}, {});
  st.Text(std::to_string(timeout.count()) + "ms");
  return &st;
}

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

std::chrono::milliseconds LockTimeoutOf(const std::string& file, const std::string& script,
                                        std::chrono::milliseconds fallback) {
  return LockTimeoutAnnotation(file, script).value_or(fallback);
}

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
    WithLockRetries(m, [&] { ApplyPipelined(m, statements, row, resume_at > 0); });
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
  batch.reserve(statements.size() + 4);
  Begin(batch, UpLockTimeout(m));
  const std::size_t first = batch.size();
  for (const SqlChunk& chunk : statements) batch.push_back({chunk.text});
  row.duration_ms = Milliseconds(Clock::now() - started);
  batch.push_back(
      Ledger(db_).WriteStep(row, upsert ? Ledger::Mode::kUpsert : Ledger::Mode::kInsert));
  batch.push_back({"COMMIT"});
  try {
    db_.native().ExecBatch(batch);
  } catch (const backends::BatchError& e) {
    RollBack();
    if (e.index() >= first && e.index() < first + statements.size()) {
      const std::size_t i = e.index() - first;
      if (e.kind() == backends::ErrorKind::kLockTimeout) {
        throw LockTimeoutAt(m.up_file, statements, i);
      }
      ThrowStatementError(m, m.up_file, m.up_sql, statements, i, e, kRolledBack);
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
  batch.reserve(statements.size() + 2);
  Begin(batch, LockTimeoutOf(file, script, options_.statement_lock_timeout));
  const std::size_t first = batch.size();
  for (const SqlChunk& chunk : statements) batch.push_back({chunk.text});
  try {
    try {
      db_.native().ExecBatch(batch);
    } catch (const backends::BatchError& e) {
      if (e.index() < first) throw;  // BEGIN, the lock timeout: the engine's own
      const std::size_t i = e.index() - first;
      if (e.kind() == backends::ErrorKind::kLockTimeout) {
        throw LockTimeoutAt(file, statements, i);
      }
      ThrowStatementError(m, file, script, statements, i, e, outcome);
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
  // A statement that gives up on a lock fails like any other: a
  // no-transaction file is not run again.
  const SessionLockTimeout timeout(db_, UpLockTimeout(m));
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
    if (e.kind() != backends::ErrorKind::kLockTimeout) {
      ThrowStatementError(m, file, script, statements, i, e, outcome, summary);
    }
    const std::string holders = LockHolders();
    ThrowStatementError(m, file, script, statements, i, e,
                        "it gave up waiting for a table lock" +
                            (holders.empty() ? std::string() : " held by " + holders) + "; " +
                            outcome,
                        summary);
  }
}

void Applier::Begin(std::vector<backends::BatchStep>& batch, std::chrono::milliseconds timeout) {
  batch.push_back({db_.dialect().BeginWrite()});
  if (connection::Statement* st = LockTimeoutStatement(db_, /*local=*/true, timeout)) {
    batch.push_back(st->InBatch());
  }
}

std::chrono::milliseconds Applier::UpLockTimeout(const Migration& m) const {
  return m.lock_timeout.value_or(options_.statement_lock_timeout);
}

Applier::SessionLockTimeout::SessionLockTimeout(connection::Connection& db,
                                                std::chrono::milliseconds timeout)
    : db_(db) {
  connection::Statement* st = LockTimeoutStatement(db, /*local=*/false, timeout);
  if (st == nullptr) return;
  st->Execute();
  st->Finish();
  set_ = true;
}

Applier::SessionLockTimeout::~SessionLockTimeout() {
  if (!set_) return;
  try {
    db_.Exec("RESET lock_timeout");
  } catch (const backends::DatabaseError&) {
    // The connection is gone, and its setting with it.
  }
}

void Applier::WithLockRetries(const Migration& m, const std::function<void()>& transaction) {
  for (int attempt = 1;; ++attempt) {
    try {
      transaction();
      return;
    } catch (const LockTimeout& timeout) {
      const std::string holders = LockHolders();
      const std::string held =
          holders.empty() ? std::string("another session") : "the session(s) " + holders;
      if (attempt > options_.lock_retries) {
        throw MigrationError(
            "migration " + Id(m) + " gave up waiting for a table lock at " + timeout.where +
            " in each of " + std::to_string(attempt) + " attempts: " + held +
            " held locks it needs. It was rolled back and is still pending: end that "
            "transaction, or raise the file's '-- strata:lock-timeout' (or "
            "--statement-lock-timeout) and run up again");
      }
      const auto backoff =
          std::min(std::chrono::milliseconds(500) * (1 << std::min(attempt - 1, 5)),
                   std::chrono::milliseconds(10'000));
      MigrationEvent event = EventFor(MigrationEvent::Kind::kLockTimeout, m, backoff);
      event.statement = attempt;
      event.detail = holders;
      emit_(event);
      const auto until = Clock::now() + backoff;
      while (Clock::now() < until) {
        if (cancelled_) {
          throw Error("cancelled while migration " + Id(m) +
                      " waited to run again after a lock timeout; it is still pending");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
  }
}

std::string Applier::LockHolders() {
  const char* sql = db_.dialect().TableLockHolders();
  if (sql == nullptr) return "";
  using connection::Type;
  std::string holders;
  try {
    connection::Statement& st = db_.Prepare(
        sql, {}, {Type::kInt, Type::kText, Type::kText, Type::kText, Type::kInt, Type::kText});
    for (bool more = st.Execute(); more; more = st.Next()) {
      if (!holders.empty()) holders += "; ";
      holders += "pid " + std::to_string(st.GetInt(0)) + " (user " + std::string(st.GetText(1)) +
                 ", application '" + std::string(st.GetText(2)) + "', " +
                 std::string(st.GetText(3)) + ", transaction open " + std::to_string(st.GetInt(4)) +
                 " s: " + std::string(st.GetText(5)) + ")";
    }
    st.Finish();
  } catch (const backends::DatabaseError&) {
    // Who holds the locks is a courtesy; the error stands without it.
  }
  return holders;
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
    WithLockRetries(m, [&] {
      RunInTransaction(m, file, script, statements, "it was rolled back and stays applied",
                       [&] { Ledger(db_).Remove(m.version); });
    });
  } else {
    const SessionLockTimeout timeout(db_,
                                     LockTimeoutOf(file, script, options_.statement_lock_timeout));
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
