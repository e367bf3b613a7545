// Applying and reverting one migration, each with its ledger row: in one
// pipelined transaction (PostgreSQL), in one BEGIN IMMEDIATE transaction
// (SQLite), or statement by statement for a no-transaction file, which
// records its progress so that a failed run resumes where it stopped. On
// PostgreSQL every statement waits for table locks at most its lock
// timeout; a transaction that gave up is rolled back and run again.
#pragma once

#include <atomic>
#include <functional>

#include "connection/connection.h"
#include "migrate/file_checks.h"
#include "migrate/ledger.h"
#include "strata/migrator.h"

namespace strata::migrate {

using Emitter = std::function<void(const MigrationEvent&)>;

class Applier {
 public:
  Applier(connection::Connection& db, Emitter emit, const MigratorOptions& options,
          const std::atomic<bool>& cancelled)
      : db_(db), emit_(std::move(emit)), options_(options), cancelled_(cancelled) {}

  // Applies `m`, whose up file split into `statements`; `resume_at` > 0
  // continues a failed no-transaction migration at that statement.
  // MigrationError naming file and line when a statement fails (with what
  // it left behind), ConnectionError when the connection is lost. A
  // transaction that gave up waiting for a table lock runs again up to
  // MigratorOptions::lock_retries times (kLockTimeout events), then
  // MigrationError names the sessions that held locks.
  void Apply(const Migration& m, const Statements& statements, int resume_at);
  // Reverts `m` with its down file's `statements` and removes its ledger
  // row; errors as Apply.
  void Revert(const Migration& m, const Statements& statements);

 private:
  void ApplyPipelined(const Migration& m, const Statements& statements, LedgerRow& row,
                      bool upsert);
  // BEGIN, then on PostgreSQL `timeout` as the transaction's lock timeout:
  // the steps before the file's statements.
  void Begin(std::vector<backends::BatchStep>& batch, std::chrono::milliseconds timeout);
  // The up file's lock timeout: its annotation, else the option.
  std::chrono::milliseconds UpLockTimeout(const Migration& m) const;
  // On PostgreSQL, `timeout` as the session's lock timeout while a
  // no-transaction file runs; RESET when it ends.
  class SessionLockTimeout {
   public:
    SessionLockTimeout(connection::Connection& db, std::chrono::milliseconds timeout);
    ~SessionLockTimeout();
    SessionLockTimeout(const SessionLockTimeout&) = delete;
    SessionLockTimeout& operator=(const SessionLockTimeout&) = delete;

   private:
    connection::Connection& db_;
    bool set_ = false;
  };
  // Runs `transaction` again while it fails on a lock timeout (LockTimeout),
  // as Apply says.
  void WithLockRetries(const Migration& m, const std::function<void()>& transaction);
  // "pid 12 (user u, application 'a', idle in transaction for 30 s: t
  // AccessShareLock)", "; "-separated; "" when none or not known.
  std::string LockHolders();
  void RunInTransaction(const Migration& m, const std::string& file, const std::string& script,
                        const Statements& statements, const std::string& outcome,
                        const std::function<void()>& record);
  void ApplyStepwise(const Migration& m, const Statements& statements, LedgerRow& row,
                     int resume_at);
  void Run(const Migration& m, const std::string& file, const std::string& script,
           const Statements& statements, std::size_t i, const std::string& outcome,
           std::string* summary = nullptr);
  void CheckForeignKeys(const Migration& m, const std::string& file, const std::string& script);
  void RollBack();

  connection::Connection& db_;
  Emitter emit_;
  const MigratorOptions& options_;
  const std::atomic<bool>& cancelled_;
};

// The lock timeout of `file`, whose text is `script`: its
// "-- strata:lock-timeout" line, else `fallback`.
std::chrono::milliseconds LockTimeoutOf(const std::string& file, const std::string& script,
                                        std::chrono::milliseconds fallback);

// An event about `m`.
MigrationEvent EventFor(MigrationEvent::Kind kind, const Migration& m,
                        std::chrono::steady_clock::duration duration = {});

}  // namespace strata::migrate
