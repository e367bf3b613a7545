#include "migrate/lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "strata/error.h"
#include "strata/timestamp.h"

namespace strata::migrate {
namespace {

using Clock = std::chrono::steady_clock;

// Polls `try_lock` with a growing pause (5 ms to 200 ms) until it succeeds,
// `timeout` passes or `cancelled` turns true.
void Poll(const std::function<bool()>& try_lock, std::chrono::milliseconds timeout,
          const std::function<void()>& on_wait, const std::string& what,
          const std::atomic<bool>& cancelled) {
  if (try_lock()) return;
  if (on_wait) on_wait();
  const auto deadline = Clock::now() + timeout;
  std::chrono::milliseconds pause{5};
  while (true) {
    if (cancelled) throw Error("cancelled while waiting for the migration lock (" + what + ")");
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
    if (flock(fd_, LOCK_EX | LOCK_NB) == 0) {
      WriteHolder();
      return true;
    }
    if (errno == EWOULDBLOCK || errno == EINTR) return false;
    throw Error("cannot lock '" + path_ + "': " + std::strerror(errno));
  }

 private:
  // Who holds the lock, for LockHolder in other processes; best effort.
  void WriteHolder() {
    char host[256] = "";
    gethostname(host, sizeof host - 1);
    const std::string text = "pid " + std::to_string(getpid()) + " on " + host + ", since " +
                             FormatTimestamp(Now()) + "\n";
    if (ftruncate(fd_, 0) == 0 && pwrite(fd_, text.data(), text.size(), 0) < 0) {
      // An unwritable lock file still locks; LockHolder then says less.
    }
  }

 public:
 private:
  std::string path_;
  int fd_ = -1;
};

class NoLock : public MigrationLock {};

}  // namespace

std::string SqliteLockPath(const std::string& url) {
  const std::string path = backends::SqliteFilePath(url);
  return path.empty() ? "" : path + "-migrate-lock";
}

std::unique_ptr<MigrationLock> MigrationLock::Acquire(connection::Connection& db,
                                                      const std::string& url,
                                                      std::chrono::milliseconds timeout,
                                                      const std::function<void()>& on_wait,
                                                      const std::atomic<bool>& cancelled) {
  if (db.backend() == Backend::kPostgres) {
    auto lock = std::make_unique<AdvisoryLock>(db);
    Poll([&] { return lock->TryLock(); }, timeout, on_wait,
         "PostgreSQL advisory lock " + std::to_string(kAdvisoryLockKey), cancelled);
    return lock;
  }
  const std::string path = SqliteLockPath(url);
  if (path.empty()) return std::make_unique<NoLock>();
  auto lock = std::make_unique<FileLock>(path);
  Poll([&] { return lock->TryLock(); }, timeout, on_wait, "flock on " + path, cancelled);
  return lock;
}

std::string LockHolder(connection::Connection& db, const std::string& url) {
  if (db.backend() == Backend::kPostgres) {
    // A bigint advisory key shows in pg_locks as classid (high half),
    // objid (low half) and objsubid 1.
    using connection::Type;
    connection::Statement& st = db.Prepare(
        "SELECT a.pid, coalesce(a.usename, ''), CAST(a.backend_start IS NOT NULL AS integer), "
        "coalesce(a.application_name, ''), coalesce(host(a.client_addr), 'a local socket'), "
        "coalesce(to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
        "'') FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = "
        "'advisory' AND l.granted AND l.objsubid = 1 AND l.database = (SELECT oid FROM "
        "pg_database WHERE datname = current_database()) AND l.classid::bigint = :high AND "
        "l.objid::bigint = :low LIMIT 1",
        {Type::kInt, Type::kInt},
        {Type::kInt, Type::kText, Type::kInt, Type::kText, Type::kText, Type::kText});
    st.Int(kAdvisoryLockKey >> 32).Int(kAdvisoryLockKey & 0xffffffffLL);
    std::string holder;
    if (st.Execute()) {
      holder =
          "pid " + std::to_string(st.GetInt(0)) + ", user '" + std::string(st.GetText(1)) + "'";
      // Another role's session shows its address and application only to
      // members of pg_read_all_stats.
      holder += st.GetInt(2) != 0
                    ? ", from " + std::string(st.GetText(4)) + ", application '" +
                          std::string(st.GetText(3)) + "', connected " + std::string(st.GetText(5))
                    : " (its address and application need pg_read_all_stats)";
    }
    st.Finish();
    return holder;
  }
  const std::string path = SqliteLockPath(url);
  if (path.empty()) return "";
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);  // never creates it
  if (fd < 0) return "";
  std::string holder;
  if (flock(fd, LOCK_SH | LOCK_NB) == 0) {
    flock(fd, LOCK_UN);  // free: what the file says is a past holder's
  } else {
    char text[512];
    const ssize_t n = pread(fd, text, sizeof text - 1, 0);
    holder = n > 0 ? std::string(text, static_cast<std::size_t>(n)) : "another process";
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == '\r')) holder.pop_back();
  }
  close(fd);
  return holder;
}

}  // namespace strata::migrate
