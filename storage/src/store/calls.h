// How a store runs one call outside a transaction: on which pool (the
// primary's, or the read URL's while it has replayed the store's writes),
// and again on a new connection after a failover, as far as running it
// again is safe, until StoreOptions::failover_timeout.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "connection/pool.h"
#include "repositories/unit_of_work.h"
#include "strata/options.h"

namespace strata::store {

enum class Mode {
  kRead,
  kWrite,   // autocommit: a lost connection may leave it applied
  kAtomic,  // its own transaction: only a lost COMMIT may
  kBulk,    // kAtomic, for a bulk insert (NativeConnection::SetBulkTransaction)
};

// Which server a read may use.
enum class Route {
  kPrimary,
  kMayLag,  // the read URL's, once it has replayed the store's own writes
};

class Calls {
 public:
  Calls(const StoreOptions& options, std::size_t pool_size);

  connection::Pool& primary() { return *primary_; }

  // Runs `work` (translating what it throws) in `mode`, retried as the
  // header says. ConnectionError when failover_timeout passes first;
  // OutcomeUnknownError when a write may have been applied and `replay`
  // does not allow running it again, or cannot tell.
  void Run(Mode mode, Route route, std::string_view entity, const repositories::Work& work,
           const repositories::Replay& replay);

  // After a write committed on `c`, a primary connection: reads that may
  // lag wait for the read URL's server to replay past it.
  void NoteWrite(connection::Connection& c);

 private:
  enum class Result { kDone, kNotApplied, kMaybeApplied };

  // Run's attempts after a `first` that failed over.
  void Retry(Mode mode, bool standby, std::string_view entity, const repositories::Work& work,
             const repositories::Replay& replay, Result first, std::string failure,
             bool used_standby);
  Result Attempt(Mode mode, bool standby, std::string_view entity, const repositories::Work& work,
                 const repositories::Replay& replay, bool ambiguous, std::string& failure,
                 bool& used_standby);
  // A lease on the read URL's pool when its server has replayed this
  // store's writes, else nullopt (the primary serves the read).
  std::optional<connection::Pool::Lease> StandbyLease();
  void Log(LogLevel level, const std::string& message) const;

  StoreOptions options_;
  std::unique_ptr<connection::Pool> primary_;
  std::unique_ptr<connection::Pool> reads_;  // null without a read URL
  // WAL positions: past the store's newest write (kUnknown when that write's
  // could not be read), and how far the read URL's server had replayed when
  // last asked.
  static constexpr std::uint64_t kUnknown = UINT64_MAX;
  std::atomic<std::uint64_t> last_write_{0};
  std::atomic<std::uint64_t> replayed_{0};
};

}  // namespace strata::store
