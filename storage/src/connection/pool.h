// The store's connections: at most `size` open at once, handed out one per
// call (or per transaction), each with its own prepared-statement cache.
#pragma once

#include <time.h>

#include <atomic>
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
  struct Slot;

 public:
  // Where a pool's connections go: options.url, or options.read_url.
  enum class Target { kPrimary, kReads };

  // Opens the first connection at once, so that a wrong URL fails here
  // (ConnectionError).
  Pool(const StoreOptions& options, std::size_t size, Target target = Target::kPrimary);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // A connection for exclusive use until the lease ends: the one this
  // thread used last when it is idle (each PostgreSQL connection is a
  // server process, and a thread that keeps talking to the same one keeps
  // the scheduler's wake-up placement of the pair; handing connections
  // round between threads cost 10-25 % of throughput at 2-16 threads),
  // else one no thread has used, else a new one while fewer than `size`
  // are open, else the most recently returned. One idle for kFresh or more
  // is first checked (Usable: one poll(2)), and replaced when the server
  // closed it meanwhile. Waits while all `size` are out; ConnectionError
  // when none comes free in `wait`, or a new one cannot be opened.
  //
  // The first case takes no lock: a thread takes back its last connection
  // with one atomic exchange, and gives it back with one store (ADR 0026).
  class Lease {
   public:
    Lease() = default;
    Lease(Lease&& other) noexcept
        : pool_(std::exchange(other.pool_, nullptr)), slot_(std::exchange(other.slot_, nullptr)) {}
    Lease& operator=(Lease&&) noexcept = delete;
    ~Lease() {
      if (pool_ != nullptr) pool_->Release(*slot_);
    }
    Connection& operator*() { return *slot_->connection; }
    Connection* operator->() { return slot_->connection.get(); }

   private:
    friend class Pool;
    Lease(Pool* pool, Slot* slot) : pool_(pool), slot_(slot) {}
    Pool* pool_ = nullptr;
    Slot* slot_ = nullptr;
  };
  // Inline, as the lease's end: with the lock-free case out of line, its
  // call and saved registers were a fifth of a count's overhead.
  Lease Acquire() {
    const LastSlot& last = last_slot_[static_cast<int>(target_)];
    if (last.pool != id_ || !Take(*last.slot)) return AcquireSlowly();
    if (Current(*last.slot, MonotonicNanos())) return Lease(this, last.slot);
    return AcquireInstead(*last.slot);
  }

  // After a failover: closes the idle connections, and each leased one when
  // it comes back, since they may all be on a server that is no longer the
  // primary (or no longer there). The next Acquire connects anew.
  void Discard();

 private:
  using Clock = std::chrono::steady_clock;
  // One per connection the pool may have open. `idle` hands a slot over:
  // whoever exchanges it from true to false holds it, and only the holder
  // touches `connection` and `generation`. `open` changes under mutex_
  // only (a free slot is claimed under it before its connection opens).
  // `user` and `returned` are written before `idle` is set, and read by
  // the slow search while other threads may take the slot, hence atomic.
  struct Slot {
    std::unique_ptr<Connection> connection;
    std::uint64_t generation = 0;  // the pool's when the connection was opened
    bool open = false;
    std::atomic<bool> idle{false};
    std::atomic<std::thread::id> user{};    // the thread that gave it back
    std::atomic<std::int64_t> returned{0};  // when: CLOCK_MONOTONIC, in nanoseconds
  };
  // A connection given back less than this long ago is handed out without
  // checking that the server still has it (one poll(2)): at high call
  // rates that syscall cost 7 % of PostgreSQL throughput on a 2-core VM.
  static constexpr std::chrono::milliseconds kFresh{1};

  // Takes `slot` when it is idle; false when another thread has it.
  static bool Take(Slot& slot) {
    return slot.idle.load(std::memory_order_relaxed) &&
           slot.idle.exchange(false, std::memory_order_acquire);
  }
  // The slot this thread last gave back, per pool target (a store has one
  // pool of each): a pool's id, never reused, tells whether it is this pool's.
  // Zero-initialised, as thread storage is: no pool has id 0.
  struct LastSlot {
    std::uint64_t pool;
    Slot* slot;
  };
  static inline thread_local LastSlot last_slot_[2];

  // CLOCK_MONOTONIC in nanoseconds, as steady_clock, without libstdc++'s
  // call around it: two of these are on every lease.
  static std::int64_t MonotonicNanos() {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return std::int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
  }
  // Whether a slot just taken may be handed out: opened in this
  // generation, and fresh or still connected.
  bool Current(Slot& slot, std::int64_t now) {
    if (slot.generation != generation_.load(std::memory_order_acquire)) return false;
    constexpr std::int64_t kFreshNanos = std::chrono::nanoseconds(kFresh).count();
    return now - slot.returned.load(std::memory_order_relaxed) < kFreshNanos ||
           slot.connection->native().Usable();
  }
  // Acquire's search under the lock, when this thread's last slot is not
  // idle (or it never had one): the order above, else waits.
  Lease AcquireSlowly();
  // After taking this thread's last slot and finding it closed by the
  // server or stale: closes it, then searches.
  Lease AcquireInstead(Slot& taken);
  Lease OpenInto(Slot& slot, std::unique_lock<std::mutex>& lock);
  // Frees a slot this thread holds (under the lock) and returns its
  // connection, to be closed after the lock is let go.
  std::unique_ptr<Connection> Close(Slot& slot);
  std::unique_ptr<Connection> Open();
  void Release(Slot& slot) {
    if (slot.connection->Broken() ||
        slot.generation != generation_.load(std::memory_order_acquire)) {
      CloseHeld(slot);  // the next Acquire opens a new one
      return;
    }
    slot.user.store(std::this_thread::get_id(), std::memory_order_relaxed);
    slot.returned.store(MonotonicNanos(), std::memory_order_relaxed);
    last_slot_[static_cast<int>(target_)] = {id_, &slot};
    slot.idle.store(true);
    if (searching_.load() != 0) WakeSearcher();
  }
  // Closes the connection of a slot this thread holds (Close, under the
  // lock; the connection itself after the lock is let go): a broken or
  // stale one given back, or this thread's last one found closed.
  void CloseHeld(Slot& slot);
  // Release's other case out of line: a thread in AcquireSlowly is woken.
  void WakeSearcher();

  StoreOptions options_;
  Target target_;
  std::size_t size_;
  const std::uint64_t id_;  // unique in the process: tells a thread's last pool apart
  std::chrono::milliseconds wait_{std::chrono::seconds(30)};
  std::unique_ptr<Slot[]> slots_;
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<std::size_t> searching_{0};  // threads in AcquireSlowly
  std::mutex mutex_;
  std::condition_variable available_;
};

}  // namespace strata::connection
