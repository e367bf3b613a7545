#include "connection/pool.h"

#include <string>

#include "strata/error.h"

namespace strata::connection {

Pool::Pool(const StoreOptions& options, std::size_t size, Target target)
    : options_(options), target_(target), size_(size) {
  idle_.push_back({Open(), generation_, std::thread::id(), {}});  // not yet any thread's
  open_ = 1;
}

Pool::~Pool() = default;

std::unique_ptr<Connection> Pool::Open() {
  return std::make_unique<Connection>(target_ == Target::kPrimary
                                          ? backends::Connect(options_)
                                          : backends::ConnectForReads(options_));
}

Pool::Lease Pool::Acquire() {
  std::unique_lock lock(mutex_);
  const auto can_lease = [&] { return !idle_.empty() || open_ < size_; };
  // wait_for reads the clock first: only when there is something to wait for.
  if (!can_lease() && !available_.wait_for(lock, wait_, can_lease)) {
    throw ConnectionError("no database connection came free in " +
                          std::to_string(wait_.count() / 1000) + " s (pool_size " +
                          std::to_string(size_) +
                          "): raise --pool-size, or look for calls that hold a connection (a "
                          "long Transact)");
  }
  // This thread's own idle connection, else one no thread has used yet;
  // another thread's only when no more may be opened.
  const std::thread::id self = std::this_thread::get_id();
  bool found = false;
  for (const std::thread::id want : {self, std::thread::id()}) {
    for (std::size_t i = idle_.size(); !found && i-- > 0;) {
      if (idle_[i].user == want) {
        std::swap(idle_[i], idle_.back());
        found = true;
      }
    }
  }
  const auto now = std::chrono::steady_clock::now();
  while (!idle_.empty() && (found || open_ >= size_)) {
    Idle idle = std::move(idle_.back());
    idle_.pop_back();
    if (now - idle.returned < kFresh || idle.connection->native().Usable()) {
      return Lease(this, std::move(idle.connection), idle.generation);
    }
    --open_;  // closed by the server while idle: replaced below
    found = false;
  }
  ++open_;
  const std::uint64_t generation = generation_;
  lock.unlock();
  try {
    return Lease(this, Open(), generation);
  } catch (...) {
    lock.lock();
    --open_;
    available_.notify_one();
    throw;
  }
}

void Pool::Discard() {
  std::vector<Idle> closing;
  {
    std::lock_guard lock(mutex_);
    ++generation_;
    open_ -= idle_.size();
    closing.swap(idle_);
    available_.notify_all();
  }
  // Closed outside the lock: a connection to a vanished server may take a
  // moment to close.
}

void Pool::Release(std::unique_ptr<Connection> connection, std::uint64_t generation) {
  std::unique_ptr<Connection> closing;
  std::lock_guard lock(mutex_);
  if (connection && !connection->Broken() && generation == generation_) {
    idle_.push_back({std::move(connection), generation, std::this_thread::get_id(),
                     std::chrono::steady_clock::now()});
  } else {
    closing = std::move(connection);
    --open_;  // a broken or stale one is closed; the next Acquire opens a new one
  }
  available_.notify_one();
}

Pool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->Release(std::move(connection_), generation_);
}

}  // namespace strata::connection
