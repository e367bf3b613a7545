// connection::Pool on every backend: a thread gets back the connection it
// used last while that one is idle, else one no thread used, else a new one
// while fewer than the pool's size are open, else the most recently returned.
#include "connection/pool.h"

#include <atomic>
#include <barrier>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "store_fixture.h"

namespace strata::testing {
namespace {

class PoolTest : public BackendTest {};

TEST_P(PoolTest, AThreadGetsBackTheConnectionItUsedLast) {
  connection::Pool pool(options(), 3);
  // Two threads each hold a connection at the same time, then give them
  // back: first `a`, then `b`, so that b's is the most recently returned.
  const connection::Connection* mine[2] = {nullptr, nullptr};
  const connection::Connection* again[2] = {nullptr, nullptr};
  std::barrier<> both(2);
  const auto worker = [&](int i) {
    {
      connection::Pool::Lease lease = pool.Acquire();
      mine[i] = &*lease;
      both.arrive_and_wait();              // both hold one
      if (i == 1) both.arrive_and_wait();  // b holds on until a gave its back
    }
    if (i == 0) both.arrive_and_wait();
    both.arrive_and_wait();  // both given back, b's last
    for (int round = 0; round < 5; ++round) {
      connection::Pool::Lease lease = pool.Acquire();
      if (round == 0) again[i] = &*lease;
      EXPECT_EQ(&*lease, mine[i]) << "thread " << i << " round " << round;
    }
  };
  std::thread a(worker, 0), b(worker, 1);
  a.join();
  b.join();
  ASSERT_NE(mine[0], mine[1]);
  EXPECT_EQ(again[0], mine[0]);
  EXPECT_EQ(again[1], mine[1]);
}

TEST_P(PoolTest, TheConnectionThePoolOpenedGoesToTheFirstThreadToAsk) {
  // Three threads in turn over a pool of 2: the first takes the connection
  // the constructor opened, the second opens the other, and the third, with
  // both open, gets the one returned last.
  // The threads stay alive to the end: a thread's id may be given to a
  // thread started after it ended, which would then count as it.
  connection::Pool pool(options(), 2);
  const connection::Connection* got[3] = {nullptr, nullptr, nullptr};
  std::mutex mutex;
  std::condition_variable changed;
  int turn = 0;
  const auto worker = [&](int i) {
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return turn == i; });
    got[i] = &*pool.Acquire();  // given back at once
    ++turn;
    changed.notify_all();
    changed.wait(lock, [&] { return turn == 3; });
  };
  std::thread first(worker, 0), second(worker, 1), third(worker, 2);
  first.join();
  second.join();
  third.join();
  EXPECT_NE(got[0], got[1]);
  EXPECT_EQ(got[2], got[1]);
}

TEST_P(PoolTest, ManyThreadsOverFewConnectionsEachHoldOneAlone) {
  // Eight threads over a pool of 2, some leases short and some held while
  // the others wait, and a failover's Discard now and then: a connection is
  // never held by two threads at once, every thread gets its turns (a lost
  // wake-up would leave one waiting for the pool's 30 s), and no more than
  // 2 are open at once.
  connection::Pool pool(options(), 2);
  constexpr int kThreads = 8;
  constexpr int kRounds = 200;
  std::mutex mutex;
  std::map<const connection::Connection*, int> holders;
  std::atomic<int> held{0}, most_held{0}, done{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) try {
          connection::Pool::Lease lease = pool.Acquire();
          {
            std::lock_guard lock(mutex);
            EXPECT_EQ(holders[&*lease]++, 0) << "a connection leased twice";
          }
          const int now_held = ++held;
          int most = most_held.load();
          while (now_held > most && !most_held.compare_exchange_weak(most, now_held)) {
          }
          if (round % 7 == t % 7) std::this_thread::sleep_for(std::chrono::microseconds(200));
          if (t == 0 && round % 50 == 49) pool.Discard();
          --held;
          std::lock_guard lock(mutex);
          --holders[&*lease];
        } catch (const std::exception& e) {
          ADD_FAILURE() << "thread " << t << " round " << round << ": " << e.what();
          return;
        }
      ++done;
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(done.load(), kThreads);
  EXPECT_LE(most_held.load(), 2);
  // 1,600 leases; a lost wake-up costs a 30 s wait.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
}

TEST_P(PoolTest, ThreadsInTightLoopsOverOneConnectionTakeTurns) {
  // Three threads lease the pool's one connection over and over, without a
  // pause between leases. A thread that gives it back must not take it
  // straight back every time while another waits: each gets a share of the
  // leases (here 16-46 % each; a starved thread gets next to none), and none
  // waits out the pool's 30 s.
  connection::Pool pool(options(), 1);
  constexpr int kThreads = 3;
  std::atomic<bool> stop{false};
  std::atomic<int> leases[kThreads] = {};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        while (!stop.load()) {
          connection::Pool::Lease lease = pool.Acquire();
          ++leases[t];
        }
      } catch (const std::exception& e) {
        ADD_FAILURE() << "thread " << t << ": " << e.what();
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  stop = true;
  for (std::thread& thread : threads) thread.join();
  int total = 0;
  for (const auto& n : leases) total += n.load();
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_GT(leases[t].load() * 50, total)
        << "thread " << t << " got " << leases[t].load() << " of " << total << " leases";
  }
}

STRATA_BACKEND_TEST_SUITE(PoolTest);

}  // namespace
}  // namespace strata::testing
