// The migration sidecar (`strata manage`, docs/operations.md): keeps a
// database migrated and tells Kubernetes how it is doing.
#pragma once

#include <array>
#include <chrono>
#include <string>
#include <string_view>

#include "strata/options.h"

namespace strata {

struct ManageOptions {
  // Where the HTTP server listens: /liveness, /readiness, /status, /metrics.
  std::string health_address = "0.0.0.0";
  int health_port = 8081;  // 0: any free port (the log says which)
  // Watch StoreOptions::migrations_dir with inotify (the ConfigMap's `..data`
  // swap included) and apply a changed set at once.
  bool watch = false;
  // How often the set is read again and hashed, watched or not: the net for
  // a change inotify missed. 1 s .. 1 day.
  std::chrono::seconds poll_interval{30};
  // SQLite: create the database file's directory when it is missing.
  bool create_dirs = false;
  // How often the database is checked while it answers. 100 ms .. 1 min.
  std::chrono::milliseconds check_interval{1000};
  // The longest pause between tries while the database does not answer or a
  // migration keeps failing; pauses double from 500 ms up to it. 1 s .. 1 h.
  std::chrono::milliseconds max_backoff{std::chrono::seconds(30)};
  // After SIGTERM or SIGINT: how long a running migration has to roll back
  // before the process exits anyway. 1 s .. 10 min.
  std::chrono::milliseconds shutdown_timeout{std::chrono::seconds(4)};
  // PostgreSQL: how long each migration statement waits for a table lock
  // (its file's `-- strata:lock-timeout` line wins; 0 waits without limit),
  // and how many times a migration that gave up is run again before the
  // attempt fails and the sidecar's own backoff takes over: as
  // MigratorOptions::statement_lock_timeout and lock_retries. 0 .. 1 day;
  // 0 .. 100.
  std::chrono::milliseconds statement_lock_timeout{std::chrono::seconds(5)};
  int lock_retries = 5;

  // The settings the CLI's flags and STRATA_* variables set (each as
  // StoreOptions::EnvironmentVariable names it).
  static constexpr std::array<std::string_view, 10> kSettings = {
      "health-port",   "health-address",   "watch",
      "poll-interval", "check-interval",   "max-backoff",
      "create-dirs",   "shutdown-timeout", "statement-lock-timeout",
      "lock-retries"};
  // Sets one of kSettings from its text ("30", "30s", "500ms", "2m"; a bare
  // number is seconds). InvalidArgumentError names `source` and the range.
  void Set(std::string_view setting, std::string_view value, std::string_view source);
  // InvalidArgumentError naming the setting when one is out of range.
  void Validate() const;
};

// Runs the sidecar until SIGTERM or SIGINT, then returns 0.
//  1. Listens on health_address:health_port first (Error when it cannot).
//  2. Connects, with a capped backoff and a log line per try; PostgreSQL:
//     creates a missing target database; SQLite: its directory only with
//     create_dirs.
//  3. Applies pending migrations under the migration lock. A failure is
//     logged and tried again with backoff, or at once when the set changes;
//     an edited, unknown or conflicting migration waits for a change.
//  4. Reads the set again on each watch event (debounced) and poll tick;
//     applies only when the hash of its names and contents changed.
//  5. On SIGTERM or SIGINT, /readiness answers 503 at once, a running
//     migration is cancelled and rolls back, and the lock is released. If
//     that takes longer than shutdown_timeout, the process exits with 0
//     there and then: the server rolls the transaction back when the
//     connection closes (SQLite: its journal, on the next open).
// InvalidArgumentError for invalid options. Logs through store.logger.
int RunSidecar(const StoreOptions& store, const ManageOptions& options);

}  // namespace strata
