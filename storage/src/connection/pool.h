// The store's connections: at most `size` open at once, handed out one per
// call (or per transaction), each with its own prepared-statement cache.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "connection/connection.h"
#include "strata/options.h"

namespace strata::connection {

class Pool {
 public:
  // Opens the first connection at once, so that a wrong URL fails here
  // (ConnectionError).
  Pool(const StoreOptions& options, std::size_t size);
  ~Pool();

  // A connection for exclusive use until the lease ends. Waits while all
  // `size` are out; ConnectionError when none comes free in `wait`, or a
  // new one cannot be opened.
  class Lease {
   public:
    Lease(Pool* pool, std::unique_ptr<Connection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    Lease(Lease&& other) noexcept
        : pool_(std::exchange(other.pool_, nullptr)), connection_(std::move(other.connection_)) {}
    Lease& operator=(Lease&&) noexcept = delete;
    ~Lease();
    Connection& operator*() { return *connection_; }
    Connection* operator->() { return connection_.get(); }
    // Closes a broken connection and opens a new one in its place (its
    // statements dropped first). ConnectionError when that fails.
    void Replace();

   private:
    Pool* pool_;
    std::unique_ptr<Connection> connection_;
  };
  Lease Acquire();

 private:
  std::unique_ptr<Connection> Open();
  void Release(std::unique_ptr<Connection> connection);

  StoreOptions options_;
  std::size_t size_;
  std::chrono::milliseconds wait_{std::chrono::seconds(30)};
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t open_ = 0;  // idle plus leased
};

}  // namespace strata::connection
