#include "connection/pool.h"

#include <string>

#include "strata/error.h"

namespace strata::connection {

Pool::Pool(const StoreOptions& options, std::size_t size) : options_(options), size_(size) {
  idle_.push_back(Open());
  open_ = 1;
}

Pool::~Pool() = default;

std::unique_ptr<Connection> Pool::Open() {
  return std::make_unique<Connection>(backends::Connect(options_));
}

Pool::Lease Pool::Acquire() {
  std::unique_lock lock(mutex_);
  if (!available_.wait_for(lock, wait_, [&] { return !idle_.empty() || open_ < size_; })) {
    throw ConnectionError("no database connection came free in " +
                          std::to_string(wait_.count() / 1000) + " s (pool_size " +
                          std::to_string(size_) +
                          "): raise --pool-size, or look for calls that hold a connection (a "
                          "long Transact)");
  }
  if (!idle_.empty()) {
    std::unique_ptr<Connection> connection = std::move(idle_.back());
    idle_.pop_back();
    return Lease(this, std::move(connection));
  }
  ++open_;
  lock.unlock();
  try {
    return Lease(this, Open());
  } catch (...) {
    lock.lock();
    --open_;
    available_.notify_one();
    throw;
  }
}

void Pool::Release(std::unique_ptr<Connection> connection) {
  std::lock_guard lock(mutex_);
  if (connection && !connection->Broken()) {
    idle_.push_back(std::move(connection));
  } else {
    --open_;  // a broken one is closed; the next Acquire opens a new one
  }
  available_.notify_one();
}

Pool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->Release(std::move(connection_));
}

void Pool::Lease::Replace() {
  connection_.reset();  // statements, then the session
  connection_ = pool_->Open();
}

}  // namespace strata::connection
