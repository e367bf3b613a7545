#include "migrate/engine.h"

#include <algorithm>

#include "connection/errors.h"
#include "migrate/ledger.h"
#include "migrate/lock.h"
#include "migrate/status.h"
#include "strata/error.h"

namespace strata::migrate {

void ThrowLedgerError(const backends::DatabaseError& e) {
  connection::ThrowTranslated(
      e, {std::string("cannot use the migration ledger ") + kLedgerTable, true, ""});
}

Engine::Engine(const StoreOptions& options, const MigratorOptions& migrator_options,
               const std::vector<Migration>& set, connection::Connection& db,
               const std::atomic<bool>& cancelled)
    : options_(options),
      migrator_options_(migrator_options),
      set_(set),
      db_(db),
      cancelled_(cancelled),
      applier_(
          db, [this](const MigrationEvent& event) { Emit(options_, migrator_options_, event); },
          migrator_options_, cancelled_) {
  for (const Migration& m : set_) by_version_[m.version] = &m;
}

MigrationResult Engine::Up(std::optional<std::int64_t> to) {
  MigrationResult result;
  Locked([&] { UpLocked(to, result); }, result);
  return result;
}

MigrationResult Engine::Down(std::optional<int> steps, std::optional<std::int64_t> to) {
  MigrationResult result;
  Locked([&] { DownLocked(steps, to, result); }, result);
  return result;
}

MigrationResult Engine::Redo() {
  MigrationResult result;
  Locked(
      [&] {
        DownLocked(1, std::nullopt, result);
        if (result.reverted.empty()) throw SchemaError("nothing to redo: no migration is applied");
        UpLocked(result.reverted.front(), result);
      },
      result);
  return result;
}

SchemaStatus Engine::Status() {
  return Translated([&] { return ReadStatus(options_.backend, set_, Ledger(db_)); });
}

SchemaStatus Engine::Prepare() {
  if (options_.auto_migrate) Up(std::nullopt);
  SchemaStatus status = Status();
  if (!status.Ready()) {
    std::string problems;
    for (const std::string& problem : status.Problems()) {
      problems += (problems.empty() ? "" : "; ") + problem;
    }
    // Auto-migrate applies pending migrations; it cannot fix an edited,
    // unknown, failed or conflicting one, so it is offered only when all
    // that is wrong is pending.
    throw SchemaError(
        "the " + std::string(BackendName(options_.backend)) + " schema is not ready: " + problems +
        (options_.auto_migrate || !status.OnlyPending() ? "" : " (or open with --auto-migrate)"));
  }
  return status;
}

RepairResult Engine::Repair() {
  return Translated([&] {
    RepairResult result;
    const auto lock = Lock();
    Ledger ledger(db_);
    for (const LedgerRow& row : ledger.Read()) {
      const auto it = by_version_.find(row.version);
      const std::string id = std::to_string(row.version) + " " + row.name;
      if (it == by_version_.end()) {
        ledger.Remove(row.version);
        result.actions.push_back(id +
                                 ": missing from the set, removed from the ledger (its "
                                 "schema changes stay)");
      } else if (row.name != it->second->name) {
        result.actions.push_back(
            id + ": left as it is: this set's version " + std::to_string(row.version) + " is '" +
            it->second->name +
            "', another migration; give one of the two a new version (see 'strata migrate "
            "status')");
      } else if (row.state != "applied") {
        ledger.Remove(row.version);
        result.actions.push_back(id + ": failed at statement " +
                                 std::to_string(row.failed_statement.value_or(1)) +
                                 ", removed from the ledger; up runs it from the start");
      } else if (row.checksum != it->second->checksum) {
        LedgerRow updated = row;
        updated.checksum = it->second->checksum;
        ledger.Write(updated);
        result.actions.push_back(id + ": recorded the edited file's checksum " +
                                 updated.checksum.substr(0, 12));
      }
    }
    return result;
  });
}

void Emit(const StoreOptions& options, const MigratorOptions& migrator_options,
          const MigrationEvent& event) {
  if (migrator_options.on_progress) {
    migrator_options.on_progress(event);
  } else if (options.logger) {
    using Kind = MigrationEvent::Kind;
    const LogLevel level =
        event.kind == Kind::kWaitingForLock || event.kind == Kind::kLockTimeout ? LogLevel::kWarn
        : event.kind == Kind::kApplying || event.kind == Kind::kReverting       ? LogLevel::kDebug
                                                                                : LogLevel::kInfo;
    options.logger(level, "migrate: " + DescribeEvent(event));
  }
}

std::string Engine::LockHolder() {
  return Translated([&] { return migrate::LockHolder(db_, options_.url); });
}

std::unique_ptr<MigrationLock> Engine::Lock() {
  if (db_.native().InRecovery()) {
    throw ConnectionError(
        "the PostgreSQL server is a standby (in recovery), and migrations run on the primary: "
        "point the database URL at it, or list every host "
        "(postgresql://h1,h2/db?target_session_attrs=read-write)");
  }
  return MigrationLock::Acquire(
      db_, options_.url, migrator_options_.lock_timeout,
      [&] {
        MigrationEvent event;
        event.kind = MigrationEvent::Kind::kWaitingForLock;
        std::string holder;
        try {
          holder = migrate::LockHolder(db_, options_.url);
        } catch (const backends::DatabaseError&) {
          // Who holds it is a courtesy; the wait goes on without it.
        }
        event.detail = holder;
        Emit(options_, migrator_options_, event);
      },
      cancelled_);
}

// Each migration commits without waiting for the disk, and the run syncs
// once at its end, failed or not, before it reports: a power loss mid-run
// can undo the newest migrations, each whole with its ledger row, never
// half of one (docs/decisions/0006).
void Engine::Locked(const std::function<void()>& work, MigrationResult& result) {
  Translated([&] {
    const auto lock = Lock();
    db_.native().BeginMigrationRun();
    try {
      Ledger(db_).Create();
      work();
    } catch (...) {
      try {
        db_.native().EndMigrationRun();
      } catch (const backends::DatabaseError&) {
        // The run's own error says more; a failed sync is the disk's.
      }
      throw;
    }
    db_.native().EndMigrationRun();
    result.current_version = Ledger(db_).CurrentVersion();
  });
}

void Engine::UpLocked(std::optional<std::int64_t> to, MigrationResult& result) {
  // Re-read under the lock: another runner may have applied some.
  const SchemaStatus status = ReadStatus(options_.backend, set_, Ledger(db_));
  for (const Step& step : PlanUp(status, by_version_, to, options_.backend)) {
    if (cancelled_)
      throw Error("cancelled before migration " + std::to_string(step.migration->version));
    applier_.Apply(*step.migration, step.statements, step.resume_at);
    result.applied.push_back(step.migration->version);
  }
}

void Engine::DownLocked(std::optional<int> steps, std::optional<std::int64_t> to,
                        MigrationResult& result) {
  const SchemaStatus status = ReadStatus(options_.backend, set_, Ledger(db_));
  for (const Step& step : PlanDown(status, by_version_, steps, to, options_.backend)) {
    if (cancelled_)
      throw Error("cancelled before reverting " + std::to_string(step.migration->version));
    applier_.Revert(*step.migration, step.statements);
    result.reverted.push_back(step.migration->version);
  }
}

}  // namespace strata::migrate
