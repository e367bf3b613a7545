#include "migrate/lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "strata/error.h"

namespace strata::migrate {
namespace {

using Clock = std::chrono::steady_clock;

// Polls `try_lock` with a growing pause (5 ms to 200 ms) until it succeeds
// or `timeout` passes.
void Poll(const std::function<bool()>& try_lock, std::chrono::milliseconds timeout,
          const std::function<void()>& on_wait, const std::string& what) {
  if (try_lock()) return;
  if (on_wait) on_wait();
  const auto deadline = Clock::now() + timeout;
  std::chrono::milliseconds pause{5};
  while (true) {
    if (Clock::now() >= deadline) {
      throw Error("timed out after " + std::to_string(timeout.count() / 1000.0).substr(0, 5) +
                  " s waiting for the migration lock (" + what +
                  ") held by another runner: wait for it to finish, or raise --lock-timeout");
    }
    std::this_thread::sleep_for(std::min(
        pause, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()) +
                   std::chrono::milliseconds(1)));
    pause = std::min(pause * 2, std::chrono::milliseconds(200));
    if (try_lock()) return;
  }
}

class AdvisoryLock : public MigrationLock {
 public:
  explicit AdvisoryLock(connection::Connection& db) : db_(db) {}
  ~AdvisoryLock() override {
    try {
      Call("SELECT CAST(pg_advisory_unlock(CAST(:key AS bigint)) AS integer)");
    } catch (const backends::DatabaseError&) {
      // The connection is gone, and the server released the lock with it.
    }
  }

  bool TryLock() {
    return Call("SELECT CAST(pg_try_advisory_lock(CAST(:key AS bigint)) AS integer)");
  }

 private:
  // Runs a lock function on the key; its boolean result.
  bool Call(const std::string& sql) {
    using connection::Type;
    connection::Statement& st = db_.Prepare(sql, {Type::kInt}, {Type::kInt});
    st.Int(kAdvisoryLockKey);
    const bool result = st.Execute() && st.GetInt(0) == 1;
    st.Finish();
    return result;
  }

  connection::Connection& db_;
};

class FileLock : public MigrationLock {
 public:
  explicit FileLock(const std::string& path) : path_(path) {
    fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) {
      throw Error("cannot open the migration lock file '" + path + "': " + std::strerror(errno) +
                  "; the database's directory must be writable");
    }
  }
  ~FileLock() override { close(fd_); }  // releases the flock

  bool TryLock() {
    if (flock(fd_, LOCK_EX | LOCK_NB) == 0) return true;
    if (errno == EWOULDBLOCK || errno == EINTR) return false;
    throw Error("cannot lock '" + path_ + "': " + std::strerror(errno));
  }

 private:
  std::string path_;
  int fd_ = -1;
};

class NoLock : public MigrationLock {};

}  // namespace

std::string SqliteLockPath(const std::string& url) {
  if (url.empty() || backends::IsSqliteMemory(url)) return "";
  std::string path = url;
  if (path.starts_with("file:")) path = path.substr(5, path.find('?') - 5);
  return path + "-migrate-lock";
}

std::unique_ptr<MigrationLock> MigrationLock::Acquire(connection::Connection& db,
                                                      const std::string& url,
                                                      std::chrono::milliseconds timeout,
                                                      const std::function<void()>& on_wait) {
  if (db.backend() == Backend::kPostgres) {
    auto lock = std::make_unique<AdvisoryLock>(db);
    Poll([&] { return lock->TryLock(); }, timeout, on_wait,
         "PostgreSQL advisory lock " + std::to_string(kAdvisoryLockKey));
    return lock;
  }
  const std::string path = SqliteLockPath(url);
  if (path.empty()) return std::make_unique<NoLock>();
  auto lock = std::make_unique<FileLock>(path);
  Poll([&] { return lock->TryLock(); }, timeout, on_wait, "flock on " + path);
  return lock;
}

}  // namespace strata::migrate
