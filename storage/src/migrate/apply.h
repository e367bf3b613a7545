// Applying and reverting one migration, each with its ledger row: in one
// pipelined transaction (PostgreSQL), in one BEGIN IMMEDIATE transaction
// (SQLite), or statement by statement for a no-transaction file, which
// records its progress so that a failed run resumes where it stopped.
#pragma once

#include <functional>

#include "connection/connection.h"
#include "migrate/file_checks.h"
#include "migrate/ledger.h"
#include "strata/migrator.h"

namespace strata::migrate {

using Emitter = std::function<void(const MigrationEvent&)>;

class Applier {
 public:
  Applier(connection::Connection& db, Emitter emit) : db_(db), emit_(std::move(emit)) {}

  // Applies `m`, whose up file split into `statements`; `resume_at` > 0
  // continues a failed no-transaction migration at that statement.
  // MigrationError naming file and line when a statement fails (with what
  // it left behind), ConnectionError when the connection is lost.
  void Apply(const Migration& m, const Statements& statements, int resume_at);
  // Reverts `m` with its down file's `statements` and removes its ledger
  // row; errors as Apply.
  void Revert(const Migration& m, const Statements& statements);

 private:
  void ApplyPipelined(const Migration& m, const Statements& statements, LedgerRow& row,
                      bool upsert);
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
};

// An event about `m`.
MigrationEvent EventFor(MigrationEvent::Kind kind, const Migration& m,
                        std::chrono::steady_clock::duration duration = {});

}  // namespace strata::migrate
