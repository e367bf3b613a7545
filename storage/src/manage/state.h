// What the sidecar knows, published as an immutable snapshot: the worker
// thread (worker.h) writes it, the HTTP handlers read it and never wait on
// the database. The readiness rule, /status and /metrics are computed from
// a snapshot here, in one place.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "strata/migrator.h"
#include "strata/timestamp.h"

namespace strata::manage {

using SteadyClock = std::chrono::steady_clock;

enum class Phase {
  kStarting,
  kConnecting,
  kChecking,
  kWaitingForLock,
  kApplying,
  kIdle,
  kStopping
};
std::string_view PhaseName(Phase phase);

// Why the set was read again and found changed.
enum class ReloadCause { kStartup, kWatch, kPoll };
inline constexpr std::array<std::string_view, 3> kReloadCauseNames = {"startup", "watch", "poll"};

struct Snapshot {
  Phase phase = Phase::kStarting;
  bool stopping = false;
  bool watching = false;

  // The database, with hysteresis: up after one answered check, down after
  // kFailuresForDown checks in a row failed.
  static constexpr int kFailuresForDown = 2;
  bool database_up = false;
  int failures_in_a_row = 0;
  bool check_running = false;
  SteadyClock::time_point check_started{};
  std::optional<Timestamp> checked_at;  // the last answered check

  std::shared_ptr<const SchemaStatus> status;  // the last one read
  std::string lock_holder;                     // "" when free (or not known)

  std::string set_hash;
  std::string set_directory;  // "" for the embedded set
  // The set cannot be applied as it is (edited or conflicting migration, an
  // invalid file): nothing is tried until it changes.
  bool set_blocked = false;
  std::string last_error;
  std::optional<Timestamp> last_error_at;

  std::int64_t migrations_applied_total = 0;
  std::int64_t failures_total = 0;
  std::int64_t database_failures_total = 0;
  std::optional<Timestamp> last_success_at;
  double last_apply_seconds = 0;
  std::array<std::int64_t, 3> reloads{};  // by ReloadCause
};

struct Readiness {
  bool ready = false;
  std::string reason;  // "ready", or why not
};

// The readiness rule (docs/operations.md). `stale_after`: a check that has
// not answered for this long counts as a failed one.
Readiness Evaluate(const Snapshot& snapshot, SteadyClock::time_point now,
                   std::chrono::milliseconds stale_after);

// /status: `strata migrate status --output json`'s document plus the
// sidecar's own fields.
std::string StatusJson(const Snapshot& snapshot, const Readiness& readiness);

// /metrics in Prometheus' text format 0.0.4.
std::string MetricsText(const Snapshot& snapshot, const Readiness& readiness);

// The published snapshot. Thread-safe.
class State {
 public:
  State() : current_(std::make_shared<const Snapshot>()) {}
  std::shared_ptr<const Snapshot> Get() const;
  // Copies the snapshot, lets `change` edit the copy, publishes it.
  void Update(const std::function<void(Snapshot&)>& change);

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const Snapshot> current_;
};

}  // namespace strata::manage
