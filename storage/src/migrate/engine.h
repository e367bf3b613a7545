// The migration engine on one connection: runs under the migration lock,
// status, repair, and the schema check that Store::Open runs. Migrator is
// its public face (migrator.cc), which owns the connection; the store runs
// the check on its own connection for an in-memory database, which exists
// on that connection alone.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <vector>

#include "connection/connection.h"
#include "migrate/apply.h"
#include "migrate/lock.h"
#include "migrate/migration_set.h"
#include "migrate/plan.h"
#include "strata/migrator.h"

namespace strata::migrate {

class Engine {
 public:
  // `set`, `db` and `cancelled` must outlive the engine. Once `cancelled`
  // turns true, a wait for the lock ends and no further migration starts
  // (strata::Error); the running statement is the caller's to interrupt.
  Engine(const StoreOptions& options, const MigratorOptions& migrator_options,
         const std::vector<Migration>& set, connection::Connection& db,
         const std::atomic<bool>& cancelled);

  // As Migrator's methods of the same names.
  MigrationResult Up(std::optional<std::int64_t> to);
  MigrationResult Down(std::optional<int> steps, std::optional<std::int64_t> to);
  MigrationResult Redo();
  SchemaStatus Status();
  RepairResult Repair();
  SchemaStatus Prepare();
  // Who holds the migration lock (migrate/lock.h), "" when nobody.
  std::string LockHolder();

 private:
  std::unique_ptr<MigrationLock> Lock();
  // Runs `work` with the lock held and the ledger in place, then fills
  // current_version.
  void Locked(const std::function<void()>& work, MigrationResult& result);
  void UpLocked(std::optional<std::int64_t> to, MigrationResult& result);
  void DownLocked(std::optional<int> steps, std::optional<std::int64_t> to,
                  MigrationResult& result);

  const StoreOptions& options_;
  const MigratorOptions& migrator_options_;
  const std::vector<Migration>& set_;
  ByVersion by_version_;
  connection::Connection& db_;
  const std::atomic<bool>& cancelled_;
  Applier applier_;
};

// A Migrator over a set loaded by the caller (the sidecar hashes the bytes
// it loads: manage/migration_source.h), instead of StoreOptions' set.
std::unique_ptr<Migrator> OpenMigrator(const StoreOptions& options,
                                       MigratorOptions migrator_options,
                                       std::vector<Migration> set);

// Reports `event` to MigratorOptions::on_progress, else to
// StoreOptions::logger.
void Emit(const StoreOptions& options, const MigratorOptions& migrator_options,
          const MigrationEvent& event);

// Runs `work`, turning a failure of the engine's own statements (lock,
// ledger, BEGIN, COMMIT) into the strata::Error that names the ledger: no
// backend type escapes the library.
[[noreturn]] void ThrowLedgerError(const backends::DatabaseError& error);
template <typename Work>
auto Translated(const Work& work) -> decltype(work()) {
  try {
    return work();
  } catch (const backends::DatabaseError& e) {
    ThrowLedgerError(e);
  }
}

}  // namespace strata::migrate
