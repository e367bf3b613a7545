// Where strata's writers to one SQLite file in this process take turns
// (ADR 0014): in order of arrival, each woken the moment the writer before
// it is done. Without it, writers that find the file locked poll it from
// SQLite's busy handler, sleeping 1 to 100 ms between tries, and a writer
// that keeps losing the race to the lock can wait out the whole busy
// timeout and fail with "database is locked" while the others write.
// Writers in other processes still meet at SQLite's lock, under the busy
// timeout.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>

namespace strata::backends::sqlite {

class WriteGate {
 public:
  // The gate of the database file `db` has open (shared by every connection
  // of this process to that file); null for an in-memory or temporary
  // database, which one connection alone can write.
  static std::shared_ptr<WriteGate> For(sqlite3* db);

  // Waits for this writer's turn, at most `timeout`; false when it did not
  // come (the caller reports the database as locked, as SQLite would).
  bool Enter(std::chrono::milliseconds timeout);
  void Leave();
  // How many writers have come to the gate (entered, waiting or gone).
  std::uint64_t Arrivals() {
    const std::lock_guard lock(mutex_);
    return next_ticket_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable turn_;
  std::uint64_t next_ticket_ = 0, serving_ = 0;
  bool open_ = true;                   // no writer holds the turn
  std::set<std::uint64_t> abandoned_;  // tickets whose writers gave up waiting
};

// A connection's place at its file's gate: held from the start of a write
// (a write statement outside a transaction, or BEGIN IMMEDIATE) until the
// connection is back in autocommit mode with no write statement running.
class WriterTurn {
 public:
  WriterTurn(sqlite3* db, std::shared_ptr<WriteGate> gate) : db_(db), gate_(std::move(gate)) {}
  ~WriterTurn() { Release(); }
  WriterTurn(const WriterTurn&) = delete;
  WriterTurn& operator=(const WriterTurn&) = delete;

  void set_timeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }

  // Before a write outside a transaction (a no-op inside one, or while the
  // turn is held). Throws the DatabaseError of a locked database when the
  // turn does not come within the busy timeout.
  void Acquire();
  // After a statement or script: gives the turn back once the connection has
  // no transaction open.
  void ReleaseIfDone() {
    if (held_ && sqlite3_get_autocommit(db_) != 0) Release();
  }

 private:
  void Release() {
    if (!held_) return;
    held_ = false;
    gate_->Leave();
  }

  sqlite3* db_;
  std::shared_ptr<WriteGate> gate_;
  std::chrono::milliseconds timeout_{0};
  bool held_ = false;
};

}  // namespace strata::backends::sqlite
