#include "store/calls.h"

#include <algorithm>
#include <chrono>
#include <thread>
#include <utility>

#include "connection/errors.h"
#include "strata/error.h"

namespace strata::store {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kFirstBackoff{50};
constexpr milliseconds kMaxBackoff{1000};

// The message of the exception in flight.
std::string InFlightMessage() {
  try {
    throw;
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown error";
  }
}

void RollBack(connection::Connection& c) {
  try {
    c.Exec("ROLLBACK");
  } catch (const backends::DatabaseError&) {
    // The connection is gone: the server rolled back.
  }
}

std::string Seconds(Clock::duration d) {
  const auto ms = std::chrono::duration_cast<milliseconds>(d).count();
  return std::to_string(ms / 1000) + "." + std::to_string(ms % 1000 / 100) + " s";
}

void RaiseMax(std::atomic<std::uint64_t>& value, std::uint64_t candidate) {
  std::uint64_t seen = value.load();
  while (candidate > seen && !value.compare_exchange_weak(seen, candidate)) {
  }
}

}  // namespace

Calls::Calls(const StoreOptions& options, std::size_t pool_size)
    : options_(options),
      primary_(std::make_unique<connection::Pool>(options, pool_size)),
      reads_(options.read_url.empty() ? nullptr
                                      : std::make_unique<connection::Pool>(
                                            options, pool_size, connection::Pool::Target::kReads)) {
}

void Calls::Run(Mode mode, Route route, std::string_view entity, const repositories::Work& work,
                const repositories::Replay& replay) {
  // The call that succeeds at once costs one attempt: the retries, their
  // clock and their messages are out of line.
  const bool standby = route == Route::kMayLag && reads_ != nullptr;
  std::string failure;
  bool used_standby = false;
  const Result first = Attempt(mode, standby, entity, work, replay, false, failure, used_standby);
  if (first != Result::kDone)
    Retry(mode, standby, entity, work, replay, first, std::move(failure), used_standby);
}

void Calls::Retry(Mode mode, bool standby, std::string_view entity, const repositories::Work& work,
                  const repositories::Replay& replay, Result result, std::string failure,
                  bool used_standby) {
  const Clock::time_point start = Clock::now();
  milliseconds backoff = kFirstBackoff;
  bool ambiguous = false;  // an earlier run may have been applied
  const auto what = [&] {
    return std::string(entity) + (mode == Mode::kRead ? " read" : " write");
  };
  for (int attempt = 1;; ++attempt) {
    if (attempt > 1) {
      failure.clear();
      used_standby = false;
      result = Attempt(mode, standby, entity, work, replay, ambiguous, failure, used_standby);
    }
    if (result == Result::kDone) {
      Log(LogLevel::kInfo, "store: the " + what() + " succeeded on a new connection after " +
                               std::to_string(attempt - 1) + " failover retries (" +
                               Seconds(Clock::now() - start) + ")");
      return;
    }
    if (result == Result::kMaybeApplied) {
      if (!replay.safe) {
        throw OutcomeUnknownError(
            "the connection was lost while a " + what() +
            " was in flight, so it may or may not have been applied, and running it again "
            "could apply it twice (" +
            failure + "): read it back to find out");
      }
      ambiguous = true;
    }
    // Every idle connection may be on the old primary: start afresh.
    (used_standby ? *reads_ : *primary_).Discard();
    if (used_standby) standby = false;  // the primary serves this read from now on
    const Clock::duration elapsed = Clock::now() - start;
    if (elapsed + backoff > options_.failover_timeout || options_.backend != Backend::kPostgres) {
      const std::string gave_up =
          "gave up on the " + what() + " after " + std::to_string(attempt) + " attempts in " +
          Seconds(elapsed) + " (--failover-timeout " +
          std::to_string(options_.failover_timeout.count()) + "ms): " + failure +
          "; check that a primary is up and that the URL names it (with several hosts: "
          "target_session_attrs=read-write)";
      if (ambiguous) {
        throw OutcomeUnknownError(gave_up +
                                  "; an earlier attempt may have been applied: read it "
                                  "back to find out");
      }
      throw ConnectionError(gave_up);
    }
    Log(attempt == 1 ? LogLevel::kWarn : LogLevel::kDebug,
        "store: the " + what() + " failed over (" + failure +
            "); retrying on a new connection in " + std::to_string(backoff.count()) + " ms");
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, kMaxBackoff);
  }
}

[[gnu::always_inline]] inline Calls::Result Calls::Attempt(
    Mode mode, bool standby, std::string_view entity, const repositories::Work& work,
    const repositories::Replay& replay, bool ambiguous, std::string& failure, bool& used_standby) {
  std::optional<connection::Pool::Lease> lease;
  try {
    used_standby = standby;
    std::optional<connection::Pool::Lease> on_standby = standby ? StandbyLease() : std::nullopt;
    if (on_standby) {
      lease.emplace(std::move(*on_standby));
    } else {
      used_standby = false;
      lease.emplace(primary_->Acquire());
    }
  } catch (const backends::UnavailableError& e) {
    failure = e.what();
    return Result::kNotApplied;
  } catch (const backends::DatabaseError& e) {  // the standby's position query
    if (!backends::IsFailover(e.kind()))
      connection::ThrowTranslated(e, {std::string(entity), false, ""});
    failure = e.what();
    return Result::kNotApplied;
  }
  connection::Connection& c = **lease;
  const bool transaction = mode == Mode::kAtomic || mode == Mode::kBulk;
  // Ends a bulk transaction's setting however the attempt ends, after its
  // COMMIT or ROLLBACK.
  struct BulkEnd {
    connection::Connection* c;
    ~BulkEnd() {
      if (c != nullptr) c->EndBulkWrite();
    }
  } bulk_end{mode == Mode::kBulk ? &c : nullptr};
  bool committing = false;
  try {
    if (transaction) c.BeginWrite(mode == Mode::kBulk);
    work(c);
    c.FinishActive();
    if (transaction) {
      committing = true;
      c.Exec("COMMIT");
    }
  } catch (...) {
    c.FinishActive();
    const connection::Fault fault = connection::FailoverFault(c);
    if (transaction && fault != connection::Fault::kLost) RollBack(c);
    if (fault != connection::Fault::kNone) {
      failure = InFlightMessage();
      const bool in_flight = mode == Mode::kWrite || committing;
      return fault == connection::Fault::kLost && in_flight ? Result::kMaybeApplied
                                                            : Result::kNotApplied;
    }
    if (!ambiguous) connection::RethrowTranslated(c, entity);
    // A second run, after one that may have been applied: its "already
    // there" may be the first run's own write.
    try {
      connection::RethrowTranslated(c, entity);
    } catch (const Error& e) {
      const bool there = dynamic_cast<const AlreadyExistsError*>(&e) != nullptr ||
                         dynamic_cast<const ConflictError*>(&e) != nullptr ||
                         dynamic_cast<const NotFoundError*>(&e) != nullptr;
      try {
        if (there && replay.applied && replay.applied(c)) {
          c.FinishActive();
          return Result::kDone;
        }
      } catch (...) {
        c.FinishActive();
      }
      throw OutcomeUnknownError("the " + std::string(entity) +
                                " write may have been applied by an attempt whose connection was "
                                "lost; running it again failed (" +
                                e.what() + "): read it back to find out");
    }
  }
  if (!used_standby && mode != Mode::kRead) {
    NoteWrite(c);
  }
  return Result::kDone;
}

std::optional<connection::Pool::Lease> Calls::StandbyLease() {
  connection::Pool::Lease lease = reads_->Acquire();
  const std::uint64_t wanted = last_write_.load();
  if (wanted == 0 || wanted <= replayed_.load()) return lease;
  const std::optional<std::uint64_t> position = lease->native().WalPosition();
  if (position) RaiseMax(replayed_, *position);
  if (position && *position >= wanted && wanted != kUnknown) return lease;
  if (options_.logger) {
    Log(LogLevel::kDebug,
        "store: read on the primary: the read URL's server has not replayed "
        "this store's last write yet");
  }
  return std::nullopt;
}

void Calls::NoteWrite(connection::Connection& c) {
  if (reads_ == nullptr) return;
  std::optional<std::uint64_t> position;
  try {
    position = c.native().WalPosition();
  } catch (const backends::DatabaseError&) {
    // Reads that may lag go to the primary until a later write's position
    // is known.
  }
  if (!position) {
    last_write_ = kUnknown;
    return;
  }
  std::uint64_t seen = last_write_.load();
  while ((seen == kUnknown || *position > seen) &&
         !last_write_.compare_exchange_weak(seen, *position)) {
  }
}

void Calls::Log(LogLevel level, const std::string& message) const {
  if (options_.logger) options_.logger(level, message);
}

}  // namespace strata::store
