#include "backends/sqlite/sqlite_write_gate.h"

#include <sys/stat.h>

#include <map>
#include <string>
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
  std::unique_lock lock(mutex_);
  if (!free_.wait_for(lock, timeout, [&] { return !taken_; })) return false;
  taken_ = true;
  return true;
}

void WriteGate::Leave() {
  {
    const std::lock_guard lock(mutex_);
    taken_ = false;
  }
  free_.notify_one();
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

}  // namespace strata::backends::sqlite
