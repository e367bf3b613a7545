// The SQLite write gate: writers of one file in this process take turns in
// order of arrival, a writer that gives up waiting does not hold up the ones
// behind it, and every connection to the file meets at the same gate.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>
#include <vector>

#include "backends/sqlite/sqlite_write_gate.h"

namespace strata::backends::sqlite {
namespace {

using std::chrono::milliseconds;

// Waits until `arrivals` writers have come to `gate`.
void WaitForArrivals(WriteGate& gate, std::uint64_t arrivals) {
  while (gate.Arrivals() < arrivals) std::this_thread::yield();
}

TEST(WriteGateTest, WritersTakeTurnsInOrderOfArrival) {
  WriteGate gate;
  ASSERT_TRUE(gate.Enter(milliseconds(1000)));
  std::vector<int> order;
  std::mutex order_mutex;
  std::vector<std::thread> writers;
  for (int i = 0; i < 5; ++i) {
    writers.emplace_back([&, i] {
      ASSERT_TRUE(gate.Enter(milliseconds(10'000)));
      {
        const std::lock_guard lock(order_mutex);
        order.push_back(i);
      }
      gate.Leave();
    });
    WaitForArrivals(gate, static_cast<std::uint64_t>(i) + 2);  // the next one comes after it
  }
  gate.Leave();
  for (std::thread& t : writers) t.join();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(WriteGateTest, AWriterThatGivesUpDoesNotHoldUpTheNext) {
  WriteGate gate;
  ASSERT_TRUE(gate.Enter(milliseconds(1000)));
  EXPECT_FALSE(gate.Enter(milliseconds(30))) << "the turn is held";
  std::atomic<bool> entered{false};
  std::thread next([&] {
    entered = gate.Enter(milliseconds(10'000));
    if (entered) gate.Leave();
  });
  std::this_thread::sleep_for(milliseconds(50));
  gate.Leave();
  next.join();
  EXPECT_TRUE(entered) << "the abandoned ticket before it is skipped";
  EXPECT_TRUE(gate.Enter(milliseconds(0))) << "and the gate is open again";
  gate.Leave();
}

TEST(WriteGateTest, EveryConnectionToAFileSharesItsGateAndMemoryHasNone) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "strata-gate-test";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "gate.db").string();
  sqlite3 *a = nullptr, *b = nullptr, *memory = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &a), SQLITE_OK);
  ASSERT_EQ(sqlite3_open((dir / "." / "gate.db").string().c_str(), &b), SQLITE_OK);
  ASSERT_EQ(sqlite3_open(":memory:", &memory), SQLITE_OK);
  const std::shared_ptr<WriteGate> gate = WriteGate::For(a);
  ASSERT_NE(gate, nullptr);
  EXPECT_EQ(WriteGate::For(b), gate);
  EXPECT_EQ(WriteGate::For(memory), nullptr);
  sqlite3_close(a);
  sqlite3_close(b);
  sqlite3_close(memory);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace strata::backends::sqlite
