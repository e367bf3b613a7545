// The migration lock: one runner at a time per database, across processes
// and hosts.
//  - PostgreSQL: a session advisory lock, taken with pg_try_advisory_lock and
//    polled, so that a runner waiting for it holds no transaction and no
//    snapshot (CREATE INDEX CONCURRENTLY in the holder waits for those).
//  - SQLite: flock(2) on "<database>-migrate-lock" beside the database file,
//    held for the whole run (no-transaction files run outside any SQLite
//    lock); each migration also runs in BEGIN IMMEDIATE. The kernel drops the
//    lock when the holder dies, SIGKILL included. The holder writes who it
//    is into the file, for LockHolder.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "connection/connection.h"

namespace strata::migrate {

// Arbitrary but fixed: "strata" in ASCII, then 0x0001.
inline constexpr long long kAdvisoryLockKey = 0x7374726174610001LL;

class MigrationLock {
 public:
  // Waits up to `timeout`; calls `on_wait` once if it has to wait. Throws
  // strata::Error when the timeout passes, `cancelled` turns true or the
  // lock file cannot be used, backends::DatabaseError when PostgreSQL's lock
  // query fails.
  static std::unique_ptr<MigrationLock> Acquire(connection::Connection& db, const std::string& url,
                                                std::chrono::milliseconds timeout,
                                                const std::function<void()>& on_wait,
                                                const std::atomic<bool>& cancelled);
  virtual ~MigrationLock() = default;
};

// Who holds the migration lock now, for people ("pid 4242 on db-7, application
// 'strata', connected 2026-12-07T01:02:03Z"), or "" when nobody does.
// backends::DatabaseError when PostgreSQL's query fails.
std::string LockHolder(connection::Connection& db, const std::string& url);

// The SQLite lock file for a database path, or "" for an in-memory database.
std::string SqliteLockPath(const std::string& url);

}  // namespace strata::migrate
