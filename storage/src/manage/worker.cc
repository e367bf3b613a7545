#include "manage/worker.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "backends/session.h"
#include "migrate/engine.h"
#include "strata/error.h"

namespace strata::manage {
namespace {

constexpr std::chrono::milliseconds kFirstBackoff{500};

std::chrono::milliseconds Grow(std::chrono::milliseconds backoff, std::chrono::milliseconds cap) {
  return backoff.count() == 0 ? std::min(kFirstBackoff, cap) : std::min(backoff * 2, cap);
}

std::string SecondsText(std::chrono::milliseconds d) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(d.count()) / 1000.0);
  return text;
}

// Whether up has work it may do: something pending or failed part way, and
// nothing edited, unknown or conflicting (up refuses those; only a changed
// set or `strata migrate repair` fixes them).
bool NeedsUp(const SchemaStatus& status) {
  bool work = false;
  for (const MigrationStatus& m : status.migrations) {
    if (m.state == MigrationState::kChecksumMismatch || m.state == MigrationState::kMissing ||
        m.state == MigrationState::kConflict) {
      return false;
    }
    work = work || m.state == MigrationState::kPending || m.state == MigrationState::kFailed;
  }
  return work;
}

}  // namespace

Worker::Worker(const StoreOptions& store, const ManageOptions& options, State& state)
    : store_(store), options_(options), state_(state) {}

Worker::~Worker() {
  if (!thread_.joinable()) return;
  Stop();
  thread_.join();
}

void Worker::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void Worker::Abandon() { thread_.detach(); }

void Worker::Reread(ReloadCause cause) {
  {
    const std::lock_guard<std::mutex> hold(mutex_);
    if (!reread_ || cause == ReloadCause::kWatch) reread_ = cause;
  }
  wake_.notify_all();
}

void Worker::Stop() {
  {
    const std::lock_guard<std::mutex> hold(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  const std::lock_guard<std::mutex> hold(migrator_mutex_);
  if (migrator_) migrator_->Cancel();
}

bool Worker::Stopping() {
  const std::lock_guard<std::mutex> hold(mutex_);
  return stop_;
}

void Worker::Log(LogLevel level, const std::string& message) const {
  if (store_.logger) store_.logger(level, "manage: " + message);
}

void Worker::Loop() {
  std::optional<ReloadCause> cause = ReloadCause::kStartup;
  while (!Stopping()) {
    if (cause || set_unread_) ReadSetNow(cause.value_or(ReloadCause::kPoll));
    if (Stopping()) break;
    CheckAndApply();
    const auto snapshot = state_.Get();
    std::chrono::milliseconds pause = options_.check_interval;
    if (!snapshot->database_up || set_unread_) {
      pause = std::max(pause, database_backoff_);
    }
    std::unique_lock<std::mutex> hold(mutex_);
    wake_.wait_for(hold, pause, [&] { return stop_ || reread_.has_value(); });
    cause = reread_;
    reread_.reset();
  }
  {
    const std::lock_guard<std::mutex> hold(migrator_mutex_);
    migrator_.reset();  // closes the connection; the lock went with its run
  }
  state_.Update([](Snapshot& s) { s.phase = Phase::kStopping; });
  done_ = true;
}

void Worker::ReadSetNow(ReloadCause cause) {
  SetSnapshot snapshot;
  try {
    snapshot = ReadSet(store_.migrations_dir, store_.backend);
  } catch (const Error& e) {
    // A mount that is not there yet, or a file replaced while it was read:
    // read again on the next round.
    if (!set_unread_ || database_backoff_ == options_.max_backoff) {
      Log(LogLevel::kWarn, std::string("cannot read the migration set: ") + e.what());
    }
    set_unread_ = true;
    database_backoff_ = Grow(database_backoff_, options_.max_backoff);
    state_.Update([&](Snapshot& s) {
      s.last_error = e.what();
      s.last_error_at = Now();
    });
    return;
  }
  if (set_unread_ && migrator_) database_backoff_ = {};
  set_unread_ = false;
  if (snapshot.hash == hash_) {
    if (cause != ReloadCause::kStartup) {
      Log(LogLevel::kDebug, "the migration set is unchanged (" + hash_.substr(0, 12) + ")");
    }
    return;
  }
  const std::string where = snapshot.directory.empty() ? "the embedded set" : snapshot.directory;
  hash_ = snapshot.hash;
  std::vector<migrate::Migration> set;
  try {
    set = BuildSet(snapshot);
  } catch (const Error& e) {
    Log(LogLevel::kError, std::string("the migration set cannot be used: ") + e.what() +
                              " (waiting for it to change)");
    state_.Update([&](Snapshot& s) {
      s.set_hash = hash_;
      s.set_directory = snapshot.directory;
      s.set_blocked = true;
      s.last_error = e.what();
      s.last_error_at = Now();
    });
    return;
  }
  const std::size_t count = set.size();
  MigratorOptions migrator_options;
  // The lock is looked at before up runs (CheckAndApply); this bounds the
  // rare race with another runner that takes it in between. Stop() cancels.
  migrator_options.lock_timeout = std::chrono::hours(1);
  migrator_options.statement_lock_timeout = options_.statement_lock_timeout;
  migrator_options.lock_retries = options_.lock_retries;
  migrator_options.on_progress = [this](const MigrationEvent& event) {
    const bool step = event.kind == MigrationEvent::Kind::kApplying ||
                      event.kind == MigrationEvent::Kind::kReverting;
    const bool waiting = event.kind == MigrationEvent::Kind::kWaitingForLock ||
                         event.kind == MigrationEvent::Kind::kLockTimeout;
    Log(step      ? LogLevel::kDebug
        : waiting ? LogLevel::kWarn
                  : LogLevel::kInfo,
        "migrate: " + DescribeEvent(event));
    if (event.kind == MigrationEvent::Kind::kWaitingForLock) {
      const std::string holder = event.detail.empty() ? "another runner" : event.detail;
      state_.Update([&](Snapshot& s) {
        s.phase = Phase::kWaitingForLock;
        s.lock_holder = holder;
      });
    } else if (event.kind == MigrationEvent::Kind::kApplying) {
      state_.Update([&](Snapshot& s) {
        s.phase = Phase::kApplying;
        s.lock_holder.clear();
      });
    }
  };
  auto migrator = migrate::OpenMigrator(store_, migrator_options, std::move(set));
  {
    const std::lock_guard<std::mutex> hold(migrator_mutex_);
    migrator_ = std::move(migrator);
  }
  apply_backoff_ = {};
  next_apply_ = {};
  Log(LogLevel::kInfo, "migration set " + hash_.substr(0, 12) + " (" + std::to_string(count) +
                           " migrations) from " + where + ", read at " +
                           std::string(kReloadCauseNames[static_cast<int>(cause)]));
  state_.Update([&](Snapshot& s) {
    s.set_hash = hash_;
    s.set_directory = snapshot.directory;
    s.set_blocked = false;
    ++s.reloads[static_cast<int>(cause)];
  });
}

void Worker::CheckAndApply() {
  if (!migrator_) return;
  if (CheckDatabase()) Apply();
}

// One round trip or two: the ledger beside the set, and who holds the lock.
bool Worker::CheckDatabase() {
  state_.Update([](Snapshot& s) {
    s.check_running = true;
    s.check_started = SteadyClock::now();
    if (!s.checked_at) s.phase = Phase::kConnecting;
  });
  try {
    if (store_.backend == Backend::kSqlite) {
      const std::filesystem::path file(backends::SqliteFilePath(store_.url));
      const std::filesystem::path dir = file.parent_path();
      std::error_code ec;
      if (!dir.empty() && !std::filesystem::is_directory(dir, ec)) {
        if (!options_.create_dirs) {
          throw ConnectionError("the SQLite database's directory '" + dir.string() +
                                "' does not exist: create it (e.g. mount the volume), or pass "
                                "--create-dirs (STRATA_CREATE_DIRS=true)");
        }
        if (!std::filesystem::create_directories(dir, ec) && ec) {
          throw ConnectionError("cannot create the SQLite database's directory '" + dir.string() +
                                "': " + ec.message());
        }
        Log(LogLevel::kInfo, "created the directory " + dir.string() + " (--create-dirs)");
      }
    }
    migrator_->Connect();
    auto status = std::make_shared<const SchemaStatus>(migrator_->Status());
    const std::string holder = migrator_->LockHolder();
    const auto before = state_.Get();
    if (!before->database_up || before->failures_in_a_row > 0) {
      Log(LogLevel::kInfo,
          before->checked_at ? "the database answers again" : "connected to " + store_.Describe());
    }
    database_backoff_ = {};
    state_.Update([&](Snapshot& s) {
      s.database_up = true;
      s.failures_in_a_row = 0;
      s.check_running = false;
      s.checked_at = Now();
      s.status = status;
      s.lock_holder = holder;
      s.phase = Phase::kIdle;
      if (status->Ready() && !s.last_success_at) s.last_success_at = s.checked_at;
    });
    return true;
  } catch (const Error& e) {
    DatabaseFailed(e.what());
    return false;
  }
}

void Worker::DatabaseFailed(const std::string& what) {
  database_backoff_ = Grow(database_backoff_, options_.max_backoff);
  int tries = 0;
  state_.Update([&](Snapshot& s) {
    tries = ++s.failures_in_a_row;
    ++s.database_failures_total;
    if (s.failures_in_a_row >= Snapshot::kFailuresForDown) s.database_up = false;
    s.check_running = false;
    s.last_error = what;
    s.last_error_at = Now();
    s.phase = Phase::kConnecting;
  });
  Log(LogLevel::kWarn, "database try " + std::to_string(tries) + " failed (next in " +
                           SecondsText(database_backoff_) + "): " + what);
}

void Worker::Apply() {
  const auto snapshot = state_.Get();
  if (snapshot->set_blocked || !NeedsUp(*snapshot->status) || Stopping()) return;
  if (SteadyClock::now() < next_apply_) return;
  if (!snapshot->lock_holder.empty()) {
    if (!waiting_logged_) {
      Log(LogLevel::kWarn, "waiting: the migration lock is held by " + snapshot->lock_holder);
    }
    waiting_logged_ = true;
    state_.Update([](Snapshot& s) { s.phase = Phase::kWaitingForLock; });
    return;
  }
  waiting_logged_ = false;
  state_.Update([](Snapshot& s) { s.phase = Phase::kApplying; });
  const auto start = SteadyClock::now();
  try {
    const MigrationResult result = migrator_->Up();
    const double seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
    auto status = std::make_shared<const SchemaStatus>(migrator_->Status());
    apply_backoff_ = {};
    next_apply_ = {};
    if (!result.applied.empty()) {
      char text[64];
      std::snprintf(text, sizeof text, "%.3f s", seconds);
      const std::size_t n = result.applied.size();
      Log(LogLevel::kInfo, "applied " + std::to_string(n) +
                               (n == 1 ? " migration" : " migrations") + " in " + text +
                               "; current version " + std::to_string(result.current_version));
    }
    state_.Update([&](Snapshot& s) {
      s.migrations_applied_total += static_cast<std::int64_t>(result.applied.size());
      if (!result.applied.empty()) s.last_apply_seconds = seconds;
      s.status = status;
      s.phase = Phase::kIdle;
      s.lock_holder.clear();
      s.last_error.clear();
      if (status->Ready()) s.last_success_at = Now();
    });
  } catch (const SchemaError& e) {
    Log(LogLevel::kError, std::string(e.what()) + " (waiting for the set to change)");
    state_.Update([&](Snapshot& s) {
      ++s.failures_total;
      s.set_blocked = true;
      s.last_error = e.what();
      s.last_error_at = Now();
      s.phase = Phase::kIdle;
    });
  } catch (const ConnectionError& e) {
    DatabaseFailed(e.what());
  } catch (const Error& e) {
    if (Stopping()) {
      Log(LogLevel::kWarn, std::string("stopped: ") + e.what());
      return;
    }
    apply_backoff_ = Grow(apply_backoff_, options_.max_backoff);
    next_apply_ = SteadyClock::now() + apply_backoff_;
    int failures = 0;
    state_.Update([&](Snapshot& s) {
      failures = static_cast<int>(++s.failures_total);
      s.last_error = e.what();
      s.last_error_at = Now();
      s.phase = Phase::kIdle;
    });
    Log(LogLevel::kError, std::string(e.what()) + " (failure " + std::to_string(failures) +
                              "; tried again in " + SecondsText(apply_backoff_) +
                              " or when the set changes)");
  }
}

}  // namespace strata::manage
