// connection::Pool on every backend: a thread gets back the connection it
// used last while that one is idle, else the most recently returned one.
#include "connection/pool.h"

#include <barrier>
#include <thread>

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
  // A thread that never used one gets the most recently returned.
  connection::Pool::Lease lease = pool.Acquire();
  EXPECT_TRUE(&*lease == mine[0] || &*lease == mine[1]);
}

STRATA_BACKEND_TEST_SUITE(PoolTest);

}  // namespace
}  // namespace strata::testing
