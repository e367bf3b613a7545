// Where strata's writers to one SQLite file in this process wait for each
// other (ADR 0014, ADR 0020): a waiting writer naps briefly, then is queued
// and woken when the writer before it is done. Without it, writers that find
// the file locked poll it from SQLite's busy handler, sleeping 1 to 100 ms
// between tries, and a writer that keeps sleeping through the moments the
// lock is free can wait out the whole busy timeout and fail with "database
// is locked" while the others write. Writers in other processes still meet
// at SQLite's lock, under the busy timeout.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>

namespace strata::backends::sqlite {

class WriteGate {
 public:
  // The gate of the database file `db` has open (shared by every connection
  // of this process to that file); null for an in-memory or temporary
  // database, which one connection alone can write.
  static std::shared_ptr<WriteGate> For(sqlite3* db);

  // Waits for the turn, at most `timeout`; false when it did not come (the
  // caller reports the database as locked, as SQLite would).
  //
  // A writer that finds the turn taken first naps as SQLite's busy handler
  // does (1, 2, 5, 10 ms ...) for up to kPatience, taking the turn when it
  // wakes to find it free. Past kPatience it is queued: no writer that has
  // waited less takes the turn while one is, and a queued writer is woken
  // when the turn is given back, so no writer naps through every free moment
  // until its timeout. Queuing every waiting writer at once (ADR 0014's
  // gate) cost 5-10 % of the mix's throughput at 8 threads: each hand-over
  // woke a thread, which most likely preempted a reader. Not first come,
  // first served either way (strict order measured 0.78x at 16 threads: each
  // hand-over waited for the next thread to be scheduled).
  bool Enter(std::chrono::milliseconds timeout);
  void Leave();

  static constexpr std::chrono::milliseconds kPatience{20};

  // Writers queued now (past their patience).
  int queued() const {
    const std::lock_guard lock(mutex_);
    return queued_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable free_;
  bool taken_ = false;
  int queued_ = 0;  // writers past their patience, woken when the turn is given back
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

  // Runs the connection's automatic WAL checkpoint (`pages`, its
  // wal_autocheckpoint; 0 for none) once the turn is given back. SQLite runs
  // it inside the step that commits, where the turn is still held, so every
  // other writer of the process would wait for the copy into the database
  // file, which under SQLite's own lock they would not: SQLite gives its
  // write lock up before it checkpoints. For a gated connection only.
  void TakeOverCheckpoints(int pages);

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
    if (checkpoint_pages_ > 0 && wal_pages_ >= checkpoint_pages_) Checkpoint();
  }
  void Checkpoint();
  // SQLite's WAL hook: a commit left `pages` in the log.
  static int Committed(void* turn, sqlite3*, const char*, int pages);

  sqlite3* db_;
  std::shared_ptr<WriteGate> gate_;
  std::chrono::milliseconds timeout_{0};
  bool held_ = false;
  int checkpoint_pages_ = 0;  // TakeOverCheckpoints'
  int wal_pages_ = 0;         // in the log after the last commit
};

}  // namespace strata::backends::sqlite
