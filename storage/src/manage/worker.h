// The sidecar's database thread: reads the set, checks the database, applies
// migrations, and publishes what it finds (state.h). Everything that can
// block on the database or the disk runs here, never on the io_context.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "manage/migration_source.h"
#include "manage/state.h"
#include "strata/manage.h"
#include "strata/migrator.h"

namespace strata::manage {

class Worker {
 public:
  Worker(const StoreOptions& store, const ManageOptions& options, State& state);
  ~Worker();  // Stop()s and joins, unless Abandon()ed

  void Start();
  // Any thread: read the set again soon; `cause` is counted if it changed.
  void Reread(ReloadCause cause);
  // Any thread: stop after the current step. Cancels a running migration or
  // lock wait; call again to repeat the cancel request.
  void Stop();
  // True once the thread has left its loop and closed its connection.
  bool Done() const { return done_; }
  // Leaves the thread running at process exit (it did not stop in time).
  void Abandon();

 private:
  void Loop();
  void ReadSetNow(ReloadCause cause);
  void CheckAndApply();
  bool CheckDatabase();
  void Apply();
  void DatabaseFailed(const std::string& what);
  void Log(LogLevel level, const std::string& message) const;
  bool Stopping();

  StoreOptions store_;
  ManageOptions options_;
  State& state_;

  std::mutex mutex_;  // stop_, reread_
  std::condition_variable wake_;
  bool stop_ = false;
  std::optional<ReloadCause> reread_;
  std::atomic<bool> done_{false};

  std::mutex migrator_mutex_;  // the pointer, against Stop's Cancel
  std::unique_ptr<Migrator> migrator_;
  std::string hash_;  // of the set migrator_ runs, or of the blocked one

  // Pacing: tries of a database that does not answer and of a migration
  // that keeps failing back off, each on its own.
  std::chrono::milliseconds database_backoff_{0};
  std::chrono::milliseconds apply_backoff_{0};
  SteadyClock::time_point next_apply_{};
  bool set_unread_ = true;  // the last read failed: read again on the next round
  bool waiting_logged_ = false;

  std::thread thread_;
};

}  // namespace strata::manage
