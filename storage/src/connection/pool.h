// The store's connections: at most `size` open at once, handed out one per
// call (or per transaction), each with its own prepared-statement cache.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "connection/connection.h"
#include "strata/options.h"

namespace strata::connection {

class Pool {
 public:
  // Where a pool's connections go: options.url, or options.read_url.
  enum class Target { kPrimary, kReads };

  // Opens the first connection at once, so that a wrong URL fails here
  // (ConnectionError).
  Pool(const StoreOptions& options, std::size_t size, Target target = Target::kPrimary);
  ~Pool();

  // A connection for exclusive use until the lease ends: the one this
  // thread used last when it is idle (each PostgreSQL connection is a
  // server process, and a thread that keeps talking to the same one keeps
  // the scheduler's wake-up placement of the pair; handing connections
  // round between threads cost 10-25 % of throughput at 2-16 threads),
  // else one no thread has used, else a new one while fewer than `size`
  // are open, else the most recently returned. One idle for kFresh or more is first
  // checked (Usable: one poll(2)), and replaced when the server closed it
  // meanwhile. Waits while all `size` are out;
  // ConnectionError when none comes free in `wait`, or a new one cannot
  // be opened.
  class Lease {
   public:
    Lease(Pool* pool, std::unique_ptr<Connection> connection, std::uint64_t generation)
        : pool_(pool), connection_(std::move(connection)), generation_(generation) {}
    Lease(Lease&& other) noexcept
        : pool_(std::exchange(other.pool_, nullptr)),
          connection_(std::move(other.connection_)),
          generation_(other.generation_) {}
    Lease& operator=(Lease&&) noexcept = delete;
    ~Lease();
    Connection& operator*() { return *connection_; }
    Connection* operator->() { return connection_.get(); }

   private:
    Pool* pool_;
    std::unique_ptr<Connection> connection_;
    std::uint64_t generation_;  // the pool's when the connection was opened
  };
  Lease Acquire();

  // After a failover: closes the idle connections, and each leased one when
  // it comes back, since they may all be on a server that is no longer the
  // primary (or no longer there). The next Acquire connects anew.
  void Discard();

 private:
  struct Idle {
    std::unique_ptr<Connection> connection;
    std::uint64_t generation;
    std::thread::id user;  // the thread that gave it back
    std::chrono::steady_clock::time_point returned;
  };
  // A connection given back less than this long ago is handed out without
  // checking that the server still has it (one poll(2)): at high call
  // rates that syscall cost 7 % of PostgreSQL throughput on a 2-core VM.
  static constexpr std::chrono::milliseconds kFresh{1};
  std::unique_ptr<Connection> Open();
  void Release(std::unique_ptr<Connection> connection, std::uint64_t generation);

  StoreOptions options_;
  Target target_;
  std::size_t size_;
  std::chrono::milliseconds wait_{std::chrono::seconds(30)};
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<Idle> idle_;
  std::size_t open_ = 0;  // idle plus leased
  std::uint64_t generation_ = 0;
};

}  // namespace strata::connection
