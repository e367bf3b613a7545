#include "connection/pool.h"

#include <stdexcept>
#include <string>

#include "strata/error.h"

namespace strata::connection {
namespace {

std::atomic<std::uint64_t> next_pool_id{1};

}  // namespace

Pool::Pool(const StoreOptions& options, std::size_t size, Target target)
    : options_(options),
      target_(target),
      size_(size),
      id_(next_pool_id.fetch_add(1)),
      slots_(std::make_unique<Slot[]>(size)) {
  if (size == 0) throw std::invalid_argument("a connection pool of size 0");
  Slot& first = slots_[0];
  first.connection = Open();
  first.open = true;
  first.idle.store(true);  // not yet any thread's
}

Pool::~Pool() = default;

std::unique_ptr<Connection> Pool::Open() {
  return std::make_unique<Connection>(target_ == Target::kPrimary
                                          ? backends::Connect(options_)
                                          : backends::ConnectForReads(options_));
}

Pool::Lease Pool::AcquireInstead(Slot& taken) {
  CloseHeld(taken);
  return AcquireSlowly();
}

Pool::Lease Pool::AcquireSlowly() {
  const std::thread::id self = std::this_thread::get_id();
  const Clock::time_point deadline = Clock::now() + wait_;
  std::vector<std::unique_ptr<Connection>> closing;  // closed after the lock is let go
  std::unique_lock lock(mutex_);
  // Counted before the search: a Release that sees no searcher gave its
  // slot back before the search looks at it (both sequentially consistent).
  searching_.fetch_add(1);
  struct Searched {
    std::atomic<std::size_t>& searching;
    ~Searched() { searching.fetch_sub(1); }
  } searched{searching_};
  for (;;) {
    // The best idle slot: this thread's (rank 0), else one no thread has
    // used (1), else the one returned last (2).
    Slot* best = nullptr;
    Slot* free = nullptr;
    int best_rank = 3;
    std::int64_t best_returned = 0;
    for (std::size_t i = 0; i < size_; ++i) {
      Slot& slot = slots_[i];
      if (!slot.open) {
        if (free == nullptr) free = &slot;
        continue;
      }
      if (!slot.idle.load()) continue;
      const std::thread::id user = slot.user.load(std::memory_order_relaxed);
      const int rank = user == self ? 0 : user == std::thread::id() ? 1 : 2;
      const std::int64_t returned = slot.returned.load(std::memory_order_relaxed);
      if (rank < best_rank || (rank == best_rank && returned > best_returned)) {
        best = &slot;
        best_rank = rank;
        best_returned = returned;
      }
    }
    if (best != nullptr && (best_rank < 2 || free == nullptr)) {
      if (!Take(*best)) continue;  // a thread's lock-free Acquire took it first
      if (Current(*best, MonotonicNanos())) return Lease(this, best);
      closing.push_back(Close(*best));  // closed by the server while idle: look again
      continue;
    }
    if (free != nullptr) return OpenInto(*free, lock);
    if (Clock::now() >= deadline) {
      throw ConnectionError("no database connection came free in " +
                            std::to_string(wait_.count() / 1000) + " s (pool_size " +
                            std::to_string(size_) +
                            "): raise --pool-size, or look for calls that hold a connection (a "
                            "long Transact)");
    }
    available_.wait_until(lock, deadline);
  }
}

Pool::Lease Pool::OpenInto(Slot& slot, std::unique_lock<std::mutex>& lock) {
  slot.open = true;  // claimed: held by this thread, so opened outside the lock
  slot.generation = generation_.load();
  lock.unlock();
  try {
    slot.connection = Open();
  } catch (...) {
    lock.lock();
    slot.open = false;
    available_.notify_one();
    throw;
  }
  return Lease(this, &slot);
}

std::unique_ptr<Connection> Pool::Close(Slot& slot) {
  slot.open = false;
  available_.notify_one();  // a waiting thread may open one in its place
  return std::move(slot.connection);
}

void Pool::Discard() {
  std::vector<std::unique_ptr<Connection>> closing;  // closed after the lock is let go:
                                                     // one to a vanished server may take a moment
  std::lock_guard lock(mutex_);
  generation_.fetch_add(1);
  for (std::size_t i = 0; i < size_; ++i) {
    if (slots_[i].open && Take(slots_[i])) closing.push_back(Close(slots_[i]));
  }
  available_.notify_all();
}

void Pool::CloseHeld(Slot& slot) {
  std::unique_ptr<Connection> closing;  // closed after the lock is let go
  std::lock_guard lock(mutex_);
  closing = Close(slot);
}

void Pool::WakeSearcher() {
  std::lock_guard lock(mutex_);
  available_.notify_one();
}

}  // namespace strata::connection
