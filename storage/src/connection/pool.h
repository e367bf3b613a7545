// The store's connections: at most `size` open at once, handed out one per
// call (or per transaction), each with its own prepared-statement cache.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "backends/native.h"
#include "connection/statement.h"
#include "strata/options.h"

namespace strata::connection {

// One connection and the statements prepared on it.
class PooledConnection {
 public:
  explicit PooledConnection(backends::Connection connection);
  ~PooledConnection();  // statements first: SOCI's must not outlive the session

  Backend backend() const { return connection_.native->backend(); }
  soci::session& session() { return *connection_.session; }
  backends::NativeConnection& native() { return *connection_.native; }
  backends::Connection& connection() { return connection_; }

  // The statement for `sql`, prepared on first use and kept while the
  // connection lives. `sql` is the cache key: it must be built from constants.
  Statement& Prepare(const std::string& sql, const std::vector<Type>& params,
                     const std::vector<Type>& columns);
  // A PostgreSQL connection whose server went away.
  bool Broken() const;
  // Finishes the statements executed since the last call (Statement::Finish);
  // run after every repository call, also when it threw.
  void FinishActive();

 private:
  backends::Connection connection_;
  std::unordered_map<std::string, std::unique_ptr<Statement>> statements_;
  std::vector<Statement*> active_;
};

class Pool {
 public:
  // Opens the first connection at once, so that a wrong URL fails here.
  Pool(const StoreOptions& options, std::size_t size);
  ~Pool();

  // A connection for exclusive use until the lease ends. Waits while all
  // `size` are out; ConnectionError when none comes free in `wait`.
  class Lease {
   public:
    Lease(Pool* pool, std::unique_ptr<PooledConnection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    Lease(Lease&& other) noexcept
        : pool_(std::exchange(other.pool_, nullptr)), connection_(std::move(other.connection_)) {}
    Lease& operator=(Lease&&) noexcept = delete;
    ~Lease();
    PooledConnection& operator*() { return *connection_; }
    PooledConnection* operator->() { return connection_.get(); }
    // Closes a broken connection and opens a new one in its place (its
    // statements dropped first). ConnectionError when that fails.
    void Replace();

   private:
    Pool* pool_;
    std::unique_ptr<PooledConnection> connection_;
  };
  Lease Acquire();

  const StoreOptions& options() const { return options_; }

 private:
  std::unique_ptr<PooledConnection> Open();
  void Release(std::unique_ptr<PooledConnection> connection);

  StoreOptions options_;
  std::size_t size_;
  std::chrono::milliseconds wait_{std::chrono::seconds(30)};
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<PooledConnection>> idle_;
  std::size_t open_ = 0;  // idle plus leased
};

}  // namespace strata::connection
