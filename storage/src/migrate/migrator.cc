// The migration engine behind strata::Migrator (docs/decisions/0001).
#include "strata/migrator.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "backends/native.h"
#include "migrate/ledger.h"
#include "migrate/lock.h"
#include "migrate/migration_set.h"
#include "migrate/prepare_on.h"
#include "migrate/sql_splitter.h"
#include "strata/error.h"

namespace strata {

std::string_view MigrationStateName(MigrationState state) {
  switch (state) {
    case MigrationState::kApplied:
      return "applied";
    case MigrationState::kPending:
      return "pending";
    case MigrationState::kChecksumMismatch:
      return "checksum_mismatch";
    case MigrationState::kMissing:
      return "missing";
    case MigrationState::kFailed:
      return "failed";
  }
  return "unknown";
}

bool SchemaStatus::Ready() const {
  return std::all_of(migrations.begin(), migrations.end(),
                     [](const MigrationStatus& m) { return m.state == MigrationState::kApplied; });
}

std::vector<std::string> SchemaStatus::Problems() const {
  std::vector<std::string> problems;
  for (const MigrationStatus& m : migrations) {
    const std::string id = std::to_string(m.version) + " " + m.name;
    switch (m.state) {
      case MigrationState::kApplied:
        break;
      case MigrationState::kPending:
        problems.push_back(id + " is pending: run 'strata migrate up'");
        break;
      case MigrationState::kChecksumMismatch:
        problems.push_back(id + " (" + m.file +
                           ") was edited after it was applied: restore the file, or run "
                           "'strata migrate repair' to accept the edit");
        break;
      case MigrationState::kMissing:
        problems.push_back(id +
                           " is applied but not in this migration set (a newer release?): use "
                           "the set that has it, or run 'strata migrate repair' to forget it");
        break;
      case MigrationState::kFailed: {
        const std::string at = std::to_string(m.failed_statement.value_or(1));
        problems.push_back(
            id + " stopped at statement " + at +
            (m.error.empty() ? " (interrupted)" : " (" + m.error + ")") +
            ": fix the file and run 'strata migrate up' to resume at statement " + at +
            ", or undo its statements by hand and run 'strata migrate repair' to start it over");
        break;
      }
    }
  }
  return problems;
}

std::string DescribeEvent(const MigrationEvent& event) {
  const std::string id = std::to_string(event.version) + " " + event.name;
  char ms[32];
  std::snprintf(ms, sizeof ms, " in %.1f ms", static_cast<double>(event.duration.count()) / 1000.0);
  switch (event.kind) {
    case MigrationEvent::Kind::kCreatedDatabase:
      return "created database '" + event.detail + "'";
    case MigrationEvent::Kind::kWaitingForLock:
      return "waiting: " + event.detail;
    case MigrationEvent::Kind::kApplying:
      return "applying " + id;
    case MigrationEvent::Kind::kReverting:
      return "reverting " + id;
    case MigrationEvent::Kind::kApplied:
      return "applied " + id + ms;
    case MigrationEvent::Kind::kReverted:
      return "reverted " + id + ms;
    case MigrationEvent::Kind::kResuming:
      break;
  }
  return "resuming " + id + " at statement " + std::to_string(event.statement);
}

namespace {

using migrate::Dialect;
using migrate::LedgerRow;
using migrate::Migration;
using Clock = std::chrono::steady_clock;

std::string Join(const std::vector<std::string>& lines, const std::string& separator) {
  std::string out;
  for (const std::string& line : lines) {
    if (!out.empty()) out += separator;
    out += line;
  }
  return out;
}

std::string Id(const Migration& m) { return std::to_string(m.version) + " " + m.name; }

int LineAt(std::string_view script, std::size_t offset) {
  offset = std::min(offset, script.size());
  return 1 + static_cast<int>(std::count(
                 script.begin(), script.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

double Milliseconds(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

class MigratorImpl : public Migrator {
 public:
  MigratorImpl(const StoreOptions& options, MigratorOptions migrator_options)
      : options_(options),
        migrator_options_(std::move(migrator_options)),
        dialect_(options.backend == Backend::kSqlite ? Dialect::kSqlite : Dialect::kPostgres),
        set_(migrate::LoadMigrations(options)) {
    for (const Migration& m : set_) by_version_[m.version] = &m;
  }

  MigrationResult Up(std::optional<std::int64_t> to) override {
    MigrationResult result;
    Locked([&] { UpLocked(to, result); }, result);
    return result;
  }

  MigrationResult Down(int steps) override {
    if (steps < 1) throw InvalidArgumentError("down --steps must be 1 or more");
    MigrationResult result;
    Locked([&] { DownLocked(steps, std::nullopt, result); }, result);
    return result;
  }

  MigrationResult DownTo(std::int64_t version) override {
    if (version < 0) throw InvalidArgumentError("down --to must be 0 or a migration version");
    MigrationResult result;
    Locked([&] { DownLocked(std::nullopt, version, result); }, result);
    return result;
  }

  MigrationResult Redo() override {
    MigrationResult result;
    Locked(
        [&] {
          DownLocked(1, std::nullopt, result);
          if (result.reverted.empty())
            throw SchemaError("nothing to redo: no migration is applied");
          UpLocked(result.reverted.front(), result);
        },
        result);
    return result;
  }

  MigrationResult Reset() override { return DownTo(0); }

  SchemaStatus Status() override {
    return Translated([&] { return Merge(migrate::Ledger(Db(/*create_database=*/false)).Read()); });
  }

  std::int64_t CurrentVersion() override { return Status().current_version; }

  SchemaStatus Validate() override {
    SchemaStatus status = Status();
    std::vector<std::string> problems = status.Problems();
    for (std::string& problem : CheckFiles()) problems.push_back(std::move(problem));
    if (!problems.empty()) {
      throw SchemaError("the " + std::string(BackendName(options_.backend)) +
                        " schema is not ready: " + Join(problems, "; "));
    }
    return status;
  }

  SchemaStatus Prepare() override {
    if (options_.auto_migrate) Up(std::nullopt);
    SchemaStatus status = Status();
    if (!status.Ready()) {
      throw SchemaError("the " + std::string(BackendName(options_.backend)) +
                        " schema is not ready: " + Join(status.Problems(), "; ") +
                        (options_.auto_migrate ? "" : " (or open with --auto-migrate)"));
    }
    return status;
  }

  std::vector<std::string> CheckFiles() const override {
    std::vector<std::string> problems;
    for (const Migration& m : set_) {
      try {
        CheckFiles(m);
      } catch (const SchemaError& e) {
        problems.push_back(e.what());
      }
    }
    return problems;
  }

  RepairResult Repair() override {
    return Translated([&] { return RepairLocked(); });
  }

 private:
  RepairResult RepairLocked() {
    RepairResult result;
    backends::NativeConnection& db = Db(false);
    auto lock = Lock(db);
    migrate::Ledger ledger(db);
    for (const LedgerRow& row : ledger.Read()) {
      const auto it = by_version_.find(row.version);
      const std::string id = std::to_string(row.version) + " " + row.name;
      if (it == by_version_.end()) {
        ledger.Remove(row.version);
        result.actions.push_back(id +
                                 ": missing from the set, removed from the ledger (its "
                                 "schema changes stay)");
      } else if (row.state != "applied") {
        ledger.Remove(row.version);
        result.actions.push_back(id + ": failed at statement " +
                                 std::to_string(row.failed_statement.value_or(1)) +
                                 ", removed from the ledger; up runs it from the start");
      } else if (row.checksum != it->second->checksum || row.name != it->second->name) {
        LedgerRow updated = row;
        updated.checksum = it->second->checksum;
        updated.name = it->second->name;
        ledger.Write(updated);
        result.actions.push_back(id + ": recorded the edited file's checksum " +
                                 updated.checksum.substr(0, 12));
      }
    }
    return result;
  }

  // --- connection and lock -------------------------------------------------

  backends::NativeConnection& Db(bool create_database) {
    if (connection_.native) return *connection_.native;
    try {
      connection_ = backends::Connect(options_);
    } catch (const ConnectionError&) {
      if (!create_database || options_.backend != Backend::kPostgres ||
          !migrator_options_.create_database) {
        throw;
      }
      const std::optional<std::string> created = backends::EnsurePostgresDatabase(options_.url);
      if (!created) throw;  // it exists: the first error stands
      MigrationEvent event;
      event.kind = MigrationEvent::Kind::kCreatedDatabase;
      event.detail = *created;
      Emit(event);
      connection_ = backends::Connect(options_);
    }
    Configure();
    return *connection_.native;
  }

 public:
  // Runs Prepare on a connection the caller owns (an in-memory SQLite
  // database exists on its connection alone) and gives it back with the
  // settings every strata connection has.
  SchemaStatus PrepareOn(backends::Connection& connection) {
    connection_ = std::move(connection);
    struct GiveBack {
      MigratorImpl& self;
      backends::Connection& to;
      ~GiveBack() {
        try {
          if (self.options_.backend == Backend::kSqlite) {
            self.connection_.native->Exec("PRAGMA foreign_keys = ON");
          }
        } catch (const backends::DatabaseError&) {
          // Left for the store's own error on first use.
        }
        self.connection_.native->SetBusyTimeout(backends::kDefaultBusyTimeout);
        to = std::move(self.connection_);
      }
    } give_back{*this, connection};
    Configure();
    return Prepare();
  }

 private:
  // The migrator's own settings on its connection.
  void Configure() {
    connection_.native->SetBusyTimeout(migrator_options_.lock_timeout);
    if (options_.backend == Backend::kPostgres) {
      // A runner killed mid-statement: without this its server process runs
      // the statement to the end, holding the lock and the transaction.
      try {
        connection_.native->Exec("SET client_connection_check_interval = '1s'");
      } catch (const backends::DatabaseError&) {
        // PostgreSQL before 14: the lock is released when the statement ends.
      }
    }
    if (options_.backend == Backend::kSqlite) {
      // Table rebuilds (the 12-step ALTER of SQLite's docs) must not fire
      // ON DELETE actions; foreign_key_check runs before each commit instead.
      connection_.native->Exec("PRAGMA foreign_keys = OFF");
    }
  }

  std::unique_ptr<migrate::MigrationLock> Lock(backends::NativeConnection& db) {
    return migrate::MigrationLock::Acquire(db, options_.url, migrator_options_.lock_timeout, [&] {
      MigrationEvent event;
      event.kind = MigrationEvent::Kind::kWaitingForLock;
      event.detail = "another runner holds the migration lock";
      Emit(event);
    });
  }

  // Runs `work` with the lock held and the ledger in place, then fills
  // current_version.
  //
  // Each migration commits without waiting for the disk, and the run syncs
  // once at its end, failed or not, before it reports: a power loss mid-run
  // can undo the newest migrations, each whole with its ledger row, never
  // half of one (docs/decisions/0006).
  void Locked(const std::function<void()>& work, MigrationResult& result) {
    Translated([&] {
      backends::NativeConnection& db = Db(true);
      auto lock = Lock(db);
      foreign_keys_possible_.reset();  // read again under the lock
      db.DeferSyncs();
      try {
        migrate::Ledger(db).Create();
        work();
      } catch (...) {
        try {
          db.MakeDurable();
        } catch (const backends::DatabaseError&) {
          // The run's own error says more; a failed sync is the disk's.
        }
        throw;
      }
      db.MakeDurable();
      result.current_version = migrate::Ledger(db).CurrentVersion();
    });
  }

  // The engine's own SQL (lock, ledger, BEGIN/COMMIT) failed: a strata error
  // that names the ledger, never a backend type escaping the library.
  template <typename Work>
  static auto Translated(const Work& work) -> decltype(work()) {
    try {
      return work();
    } catch (const backends::DatabaseError& e) {
      if (e.connection_lost()) {
        throw ConnectionError(std::string("lost the database connection: ") + e.what());
      }
      throw MigrationError(std::string("cannot use the migration ledger ") + migrate::kLedgerTable +
                           ": " + e.what());
    }
  }

  static MigrationEvent Event(MigrationEvent::Kind kind, const Migration& m,
                              Clock::duration duration = {}) {
    MigrationEvent event;
    event.kind = kind;
    event.version = m.version;
    event.name = m.name;
    event.duration = std::chrono::duration_cast<std::chrono::microseconds>(duration);
    return event;
  }

  void Emit(const MigrationEvent& event) const {
    if (migrator_options_.on_progress) {
      migrator_options_.on_progress(event);
    } else if (options_.logger) {
      using Kind = MigrationEvent::Kind;
      const LogLevel level = event.kind == Kind::kWaitingForLock ? LogLevel::kWarn
                             : event.kind == Kind::kApplying || event.kind == Kind::kReverting
                                 ? LogLevel::kDebug
                                 : LogLevel::kInfo;
      options_.logger(level, "migrate: " + DescribeEvent(event));
    }
  }

  // --- state ---------------------------------------------------------------

  SchemaStatus Merge(const std::vector<LedgerRow>& rows) const {
    SchemaStatus status;
    status.backend = options_.backend;
    std::map<std::int64_t, const LedgerRow*> ledger;
    for (const LedgerRow& row : rows) ledger[row.version] = &row;
    for (const Migration& m : set_) {
      MigrationStatus s;
      s.version = m.version;
      s.name = m.name;
      s.file = m.up_file;
      s.checksum = m.checksum;
      s.has_down = m.down_file.has_value();
      s.transactional = m.transactional;
      const auto it = ledger.find(m.version);
      if (it == ledger.end()) {
        s.state = MigrationState::kPending;
        ++status.pending;
      } else {
        Describe(*it->second, s);
        if (it->second->state != "applied") {
          s.state = MigrationState::kFailed;
        } else {
          s.state = it->second->checksum == m.checksum ? MigrationState::kApplied
                                                       : MigrationState::kChecksumMismatch;
        }
        ledger.erase(it);
      }
      status.migrations.push_back(std::move(s));
    }
    for (const auto& [version, row] : ledger) {
      MigrationStatus s;
      s.version = version;
      s.name = row->name;
      s.checksum = row->checksum;
      Describe(*row, s);
      s.state = MigrationState::kMissing;  // whatever its ledger state: the set lacks it
      status.migrations.push_back(std::move(s));
    }
    std::sort(
        status.migrations.begin(), status.migrations.end(),
        [](const MigrationStatus& a, const MigrationStatus& b) { return a.version < b.version; });
    for (const LedgerRow& row : rows) {
      if (row.state == "applied")
        status.current_version = std::max(status.current_version, row.version);
    }
    return status;
  }

  static void Describe(const LedgerRow& row, MigrationStatus& s) {
    s.applied_checksum = row.checksum;
    s.applied_at = row.applied_at;
    s.duration_ms = row.duration_ms;
    if (row.state != "applied") {
      s.failed_statement = row.failed_statement.value_or(1);
      s.error = row.error;
    }
  }

  // --- checks --------------------------------------------------------------

  // Throws SchemaError when a file holds a statement its mode cannot run.
  void CheckFiles(const Migration& m) const {
    UpStatements(m);
    if (m.down_file) DownStatements(m);
  }

  // A file's statements, split once per run: the check before anything runs
  // and the run itself use the same split.
  using Statements = std::vector<migrate::SqlChunk>;
  Statements UpStatements(const Migration& m) const {
    return CheckedStatements(m, m.up_file, m.up_sql, m.transactional);
  }
  Statements DownStatements(const Migration& m) const {
    return CheckedStatements(m, *m.down_file, m.down_sql(), m.down_transactional());
  }

  Statements CheckedStatements(const Migration& m, const std::string& file, std::string_view sql,
                               bool transactional) const {
    Statements statements = migrate::SplitStatements(sql, dialect_);
    if (!transactional) return statements;
    for (const migrate::SqlChunk& chunk : statements) {
      if (auto why = migrate::TransactionRefusal(chunk.text, dialect_)) {
        throw SchemaError("migration " + Id(m) + " (" + file + ":" + std::to_string(chunk.line) +
                          ") " + *why);
      }
    }
    return statements;
  }

  // --- up ------------------------------------------------------------------

  void UpLocked(std::optional<std::int64_t> to, MigrationResult& result) {
    backends::NativeConnection& db = *connection_.native;
    migrate::Ledger ledger(db);
    const std::vector<LedgerRow> rows = ledger.Read();  // re-read under the lock
    const SchemaStatus status = Merge(rows);
    // Edited and unknown migrations stop everything: the schema is not what
    // the set describes.
    SchemaStatus blocking = status;
    std::erase_if(blocking.migrations, [](const MigrationStatus& s) {
      return s.state != MigrationState::kChecksumMismatch && s.state != MigrationState::kMissing;
    });
    const std::vector<std::string> blockers = blocking.Problems();
    std::vector<const MigrationStatus*> plan;
    for (const MigrationStatus& s : status.migrations) {
      if ((s.state == MigrationState::kPending || s.state == MigrationState::kFailed) &&
          by_version_.contains(s.version) && (!to || s.version <= *to)) {
        plan.push_back(&s);
      }
    }
    if (!blockers.empty()) {
      throw SchemaError("refusing to migrate up: " + Join(blockers, "; "));
    }
    for (const MigrationStatus* s : plan) {
      if (s->state == MigrationState::kPending && s->version < status.current_version) {
        throw SchemaError(
            "refusing to migrate up: pending migration " + std::to_string(s->version) + " " +
            s->name + " is older than applied migration " + std::to_string(status.current_version) +
            "; give it a version above " + std::to_string(status.current_version));
      }
    }
    // Every file that will run is checked before the first one runs. Down
    // files are not read: down and validate check them.
    std::vector<Statements> statements;
    statements.reserve(plan.size());
    for (const MigrationStatus* s : plan)
      statements.push_back(UpStatements(*by_version_.at(s->version)));
    for (std::size_t i = 0; i < plan.size(); ++i) {
      const Migration& m = *by_version_.at(plan[i]->version);
      Apply(m, statements[i],
            plan[i]->state == MigrationState::kFailed ? plan[i]->failed_statement.value_or(1) : 0);
      result.applied.push_back(m.version);
    }
  }

  // Applies one migration; `resume_at` > 0 continues a failed no-transaction
  // one at that statement.
  void Apply(const Migration& m, const Statements& statements, int resume_at) {
    backends::NativeConnection& db = *connection_.native;
    migrate::Ledger ledger(db);
    const auto started = Clock::now();
    Emit(Event(MigrationEvent::Kind::kApplying, m));
    LedgerRow row;
    row.version = m.version;
    row.name = m.name;
    row.checksum = m.checksum;
    row.applied_at = Now();
    // Only a failed (or interrupted) no-transaction file has a row already.
    const auto mode =
        resume_at > 0 ? migrate::Ledger::Mode::kUpsert : migrate::Ledger::Mode::kInsert;
    if (m.transactional && dialect_ == Dialect::kPostgres) {
      // One pipeline: BEGIN, the statements, the ledger row, COMMIT. The
      // duration recorded covers the statements' dispatch; the progress
      // event reports the whole round trip.
      std::vector<backends::BatchItem> batch;
      batch.push_back({"BEGIN", {}});
      for (const migrate::SqlChunk& chunk : statements)
        batch.push_back({std::string(chunk.text), {}});
      row.duration_ms = Milliseconds(Clock::now() - started);
      batch.push_back(ledger.WriteStatement(row, mode));
      batch.push_back({"COMMIT", {}});
      try {
        db.ExecBatch(batch);
      } catch (const backends::BatchError& e) {
        RollBack();
        if (e.index() >= 1 && e.index() <= statements.size()) {
          ThrowStatementError(m, m.up_file, m.up_sql, statements, e.index() - 1, e,
                              "it was rolled back and is still pending");
        }
        throw MigrationError("migration " + Id(m) + " (" + m.up_file +
                             ") could not be recorded: " + e.what() + "; it was rolled back");
      }
    } else if (m.transactional) {
      // BEGIN IMMEDIATE takes SQLite's write lock at once; the run's flock
      // keeps other strata runners out, and the ledger was re-read under it.
      db.Exec("BEGIN IMMEDIATE");
      try {
        for (std::size_t i = 0; i < statements.size(); ++i) {
          Run(m, m.up_file, m.up_sql, statements, i, "it was rolled back and is still pending");
        }
        CheckForeignKeys(m, m.up_file, m.up_sql);
        row.duration_ms = Milliseconds(Clock::now() - started);
        ledger.Write(row, mode);
        db.Exec("COMMIT");
      } catch (...) {
        RollBack();
        throw;
      }
    } else {
      const int first = std::max(resume_at, 1);
      if (first > static_cast<int>(statements.size()) && resume_at > 0) {
        throw MigrationError("migration " + Id(m) + " (" + m.up_file + ") failed at statement " +
                             std::to_string(first) + " but now has " +
                             std::to_string(statements.size()) +
                             " statements: restore the statements that ran, or undo them and "
                             "run 'strata migrate repair'");
      }
      if (resume_at > 0) {
        MigrationEvent event = Event(MigrationEvent::Kind::kResuming, m);
        event.statement = first;
        Emit(event);
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
    Emit(Event(MigrationEvent::Kind::kApplied, m, Clock::now() - started));
  }

  // Runs statement `i`; a failure becomes a MigrationError naming the file
  // and line and ending with `outcome`.
  // `summary` receives "file:line: message" for the ledger.
  void Run(const Migration& m, const std::string& file, const std::string& script,
           const std::vector<migrate::SqlChunk>& statements, std::size_t i,
           const std::string& outcome, std::string* summary = nullptr) {
    try {
      connection_.native->Exec(statements[i].text);
    } catch (const backends::DatabaseError& e) {
      ThrowStatementError(m, file, script, statements, i, e, outcome, summary);
    }
  }

  [[noreturn]] static void ThrowStatementError(const Migration& m, const std::string& file,
                                               const std::string& script,
                                               const std::vector<migrate::SqlChunk>& statements,
                                               std::size_t i, const backends::DatabaseError& e,
                                               const std::string& outcome,
                                               std::string* summary = nullptr) {
    const migrate::SqlChunk& chunk = statements[i];
    if (e.connection_lost()) {
      throw ConnectionError("lost the connection while running migration " + Id(m) + " (" + file +
                            ":" + std::to_string(chunk.line) + "): " + e.what());
    }
    const int line = e.position() >= 0
                         ? LineAt(script, chunk.offset + static_cast<std::size_t>(e.position()))
                         : chunk.line;
    if (summary != nullptr) *summary = file + ":" + std::to_string(line) + ": " + e.what();
    throw MigrationError("migration " + Id(m) + " failed at " + file + ":" + std::to_string(line) +
                         " (statement " + std::to_string(i + 1) + " of " +
                         std::to_string(statements.size()) + "): " + e.what() + "; " + outcome);
  }

  // Skipped while no table can have a foreign key: every SQLite foreign key
  // is declared with REFERENCES, which then appears in sqlite_schema.sql or in
  // the script (the check scans every table with one, so it is not free).
  void CheckForeignKeys(const Migration& m, const std::string& file, const std::string& script) {
    if (dialect_ != Dialect::kSqlite) return;
    if (!foreign_keys_possible_) {
      foreign_keys_possible_ =
          !connection_.native
               ->Query("SELECT 1 FROM sqlite_schema WHERE sql LIKE '%REFERENCES%' LIMIT 1")
               .empty();
    }
    if (!*foreign_keys_possible_) {
      if (!migrate::ContainsIgnoringCase(script, "REFERENCES")) return;
      foreign_keys_possible_ = true;
    }
    const auto rows = connection_.native->Query("PRAGMA foreign_key_check");
    if (rows.empty()) return;
    throw MigrationError("migration " + Id(m) + " (" + file + ") leaves rows in table '" +
                         rows[0][0].value_or("?") + "' whose foreign key to '" +
                         rows[0][2].value_or("?") +
                         "' matches no row; it was rolled back: fix the data in the migration");
  }

  void RollBack() {
    try {
      connection_.native->Exec("ROLLBACK");
    } catch (const backends::DatabaseError&) {
      // No transaction left (the connection is gone): nothing to undo here.
    }
  }

  // --- down ----------------------------------------------------------------

  void DownLocked(std::optional<int> steps, std::optional<std::int64_t> to,
                  MigrationResult& result) {
    migrate::Ledger ledger(*connection_.native);
    const SchemaStatus status = Merge(ledger.Read());
    std::vector<const MigrationStatus*> plan;
    for (auto it = status.migrations.rbegin(); it != status.migrations.rend(); ++it) {
      if (it->state == MigrationState::kPending) continue;
      if (steps && static_cast<int>(plan.size()) >= *steps) break;
      if (to && it->version <= *to) break;
      plan.push_back(&*it);
    }
    std::vector<Statements> statements;
    for (const MigrationStatus* s : plan) {
      const std::string id = std::to_string(s->version) + " " + s->name;
      switch (s->state) {
        case MigrationState::kMissing:
          throw SchemaError("cannot revert " + id +
                            ": it is not in this migration set; use the set that has it");
        case MigrationState::kFailed:
          throw SchemaError("cannot revert " + id +
                            ": it failed part way; finish it with "
                            "'strata migrate up' or clear it with 'strata migrate repair' first");
        case MigrationState::kChecksumMismatch:
          throw SchemaError("cannot revert " + id + ": " + s->file +
                            " was edited after it was applied; restore it or run 'strata "
                            "migrate repair' first");
        default:
          break;
      }
      const Migration& m = *by_version_.at(s->version);
      if (!m.down_file) {
        throw SchemaError("cannot revert " + id + ": it has no down file; add " +
                          m.up_file.substr(0, m.up_file.size() - 7) + ".down.sql");
      }
      statements.push_back(DownStatements(m));
    }
    for (std::size_t i = 0; i < plan.size(); ++i) {
      Revert(*by_version_.at(plan[i]->version), statements[i]);
      result.reverted.push_back(plan[i]->version);
    }
  }

  void Revert(const Migration& m, const Statements& statements) {
    backends::NativeConnection& db = *connection_.native;
    migrate::Ledger ledger(db);
    const std::string& file = *m.down_file;
    const std::string& script = m.down_sql();
    const auto started = Clock::now();
    Emit(Event(MigrationEvent::Kind::kReverting, m));
    if (m.down_transactional()) {
      db.Exec(dialect_ == Dialect::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN");
      try {
        for (std::size_t i = 0; i < statements.size(); ++i) {
          Run(m, file, script, statements, i, "it was rolled back and stays applied");
        }
        CheckForeignKeys(m, file, script);
        ledger.Remove(m.version);
        db.Exec("COMMIT");
      } catch (...) {
        RollBack();
        throw;
      }
    } else {
      for (std::size_t i = 0; i < statements.size(); ++i) {
        Run(m, file, script, statements, i,
            "the statements before it ran and the ledger still lists it as applied: finish "
            "reverting it by hand");
      }
      ledger.Remove(m.version);
    }
    Emit(Event(MigrationEvent::Kind::kReverted, m, Clock::now() - started));
  }

  StoreOptions options_;
  MigratorOptions migrator_options_;
  Dialect dialect_;
  std::vector<Migration> set_;
  std::map<std::int64_t, const Migration*> by_version_;
  backends::Connection connection_;
  std::optional<bool> foreign_keys_possible_;  // SQLite, per run
};

}  // namespace

SchemaStatus migrate::PrepareOn(const StoreOptions& options, backends::Connection& connection) {
  options.Validate();
  MigratorImpl migrator(options, {});
  return migrator.PrepareOn(connection);
}

std::unique_ptr<Migrator> Migrator::Open(const StoreOptions& options,
                                         MigratorOptions migrator_options) {
  options.Validate();
  return std::make_unique<MigratorImpl>(options, std::move(migrator_options));
}

}  // namespace strata
