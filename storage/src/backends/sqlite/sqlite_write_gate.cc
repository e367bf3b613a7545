#include "backends/sqlite/sqlite_write_gate.h"

#include <sys/stat.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <string>
#include <thread>
#include <utility>

#include "backends/database_error.h"

namespace strata::backends::sqlite {

std::shared_ptr<WriteGate> WriteGate::For(sqlite3* db) {
  const char* path = db == nullptr ? nullptr : sqlite3_db_filename(db, "main");
  struct stat info {};
  if (path == nullptr || *path == '\0' || stat(path, &info) != 0) return nullptr;
  // By device and inode: every name of the file (a symlink, a relative
  // path) meets at the same gate.
  static std::mutex mutex;
  static std::map<std::pair<dev_t, ino_t>, std::weak_ptr<WriteGate>> gates;
  const std::lock_guard lock(mutex);
  std::weak_ptr<WriteGate>& slot = gates[{info.st_dev, info.st_ino}];
  std::shared_ptr<WriteGate> gate = slot.lock();
  if (gate == nullptr) {
    std::erase_if(gates, [](const auto& entry) { return entry.second.expired(); });
    gate = std::make_shared<WriteGate>();
    gates[{info.st_dev, info.st_ino}] = gate;
  }
  return gate;
}

bool WriteGate::Enter(std::chrono::milliseconds timeout) {
  using Clock = std::chrono::steady_clock;
  // SQLite's own busy handler's naps.
  static constexpr std::chrono::milliseconds kNaps[] = {
      std::chrono::milliseconds(1),  std::chrono::milliseconds(2),  std::chrono::milliseconds(5),
      std::chrono::milliseconds(10), std::chrono::milliseconds(15), std::chrono::milliseconds(20)};
  const Clock::time_point start = Clock::now();
  const Clock::time_point deadline = start + timeout;
  const Clock::time_point patience = start + std::min(timeout, kPatience);
  std::unique_lock lock(mutex_);
  for (std::size_t nap = 0;; ++nap) {
    if (!taken_ && queued_ == 0) {
      taken_ = true;
      return true;
    }
    const Clock::time_point now = Clock::now();
    if (now >= deadline) return false;  // a timeout within the patience: never queued
    if (now >= patience) break;
    lock.unlock();
    std::this_thread::sleep_for(
        std::min<Clock::duration>(kNaps[std::min(nap, std::size(kNaps) - 1)], patience - now));
    lock.lock();
  }
  ++queued_;
  const bool entered = free_.wait_until(lock, deadline, [&] { return !taken_; });
  --queued_;
  // Not entered: the turn was held at the deadline, and its holder's Leave
  // wakes the next in line.
  if (entered) taken_ = true;
  return entered;
}

void WriteGate::Leave() {
  bool queued;
  {
    const std::lock_guard lock(mutex_);
    taken_ = false;
    queued = queued_ > 0;
  }
  if (queued) free_.notify_one();
}

void WriterTurn::Acquire() {
  if (held_ || gate_ == nullptr || sqlite3_get_autocommit(db_) == 0) return;
  if (!gate_->Enter(timeout_)) {
    throw DatabaseError("database is locked: another writer of this process held it for the " +
                            std::to_string(timeout_.count()) + " ms busy timeout",
                        ErrorKind::kBusy, std::to_string(SQLITE_BUSY));
  }
  held_ = true;
}

void WriterTurn::TakeOverCheckpoints(int pages) {
  if (gate_ == nullptr || pages <= 0) return;
  checkpoint_pages_ = pages;
  sqlite3_wal_hook(db_, &WriterTurn::Committed, this);  // replaces the automatic checkpoint
}

int WriterTurn::Committed(void* turn, sqlite3*, const char*, int pages) {
  static_cast<WriterTurn*>(turn)->wal_pages_ = pages;
  return SQLITE_OK;
}

void WriterTurn::Checkpoint() {
  wal_pages_ = 0;
  // PASSIVE, as SQLite's own: copies what no reader still needs, waits for
  // nobody, and a failure (another checkpoint running) is the next one's.
  sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
}

}  // namespace strata::backends::sqlite
