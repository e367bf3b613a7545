// The SQLite write gate: one writer of a file at a time in this process, a
// waiting writer enters when the turn is given back, a wait is bounded, and
// every connection to the file meets at the same gate.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>
#include <vector>

#include "backends/sqlite/sqlite_write_gate.h"

namespace strata::backends::sqlite {
namespace {

using std::chrono::milliseconds;

// A writer on a thread of its own: waits up to a minute for the turn, sets
// `entered`, holds the turn for `hold`, and gives it back.
std::thread Writer(WriteGate& gate, std::atomic<bool>& entered, milliseconds hold = {}) {
  return std::thread([&gate, &entered, hold] {
    entered = gate.Enter(milliseconds(60'000));
    std::this_thread::sleep_for(hold);
    if (entered) gate.Leave();
  });
}

TEST(WriteGateTest, OneWriterAtATimeAndNoWriterLeftWaiting) {
  WriteGate gate;
  std::atomic<int> inside{0}, most{0}, turns{0};
  std::vector<std::thread> writers;
  for (int i = 0; i < 8; ++i) {
    writers.emplace_back([&] {
      for (int n = 0; n < 200; ++n) {
        ASSERT_TRUE(gate.Enter(milliseconds(60'000)));
        const int now = ++inside;
        int seen = most.load();
        while (now > seen && !most.compare_exchange_weak(seen, now)) {
        }
        ++turns;
        --inside;
        gate.Leave();
      }
    });
  }
  for (std::thread& t : writers) t.join();
  EXPECT_EQ(most.load(), 1);
  EXPECT_EQ(turns.load(), 8 * 200);
}

TEST(WriteGateTest, AWaitingWriterEntersWhenTheTurnIsGivenBackAndAnotherGivesUp) {
  WriteGate gate;
  ASSERT_TRUE(gate.Enter(milliseconds(1000)));
  EXPECT_FALSE(gate.Enter(milliseconds(30))) << "the turn is held: the wait times out";
  std::atomic<bool> entered{false};
  std::thread next = Writer(gate, entered);
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_FALSE(entered) << "still held";
  gate.Leave();
  next.join();
  EXPECT_TRUE(entered);
  EXPECT_TRUE(gate.Enter(milliseconds(0))) << "and the gate is free again";
  gate.Leave();
}

// A writer that has waited past its patience is next: a writer that comes
// later does not take the turn from it, even the moment it is given back.
TEST(WriteGateTest, AWriterPastItsPatienceGoesBeforeOneThatJustCame) {
  WriteGate gate;
  ASSERT_TRUE(gate.Enter(milliseconds(1000)));
  std::atomic<bool> entered{false};
  std::thread patient = Writer(gate, entered, milliseconds(20));  // holds it a while
  for (int i = 0; i < 60'000 && gate.queued() == 0; ++i) {
    std::this_thread::sleep_for(milliseconds(1));
  }
  ASSERT_EQ(gate.queued(), 1) << "the waiting writer never queued";
  gate.Leave();
  EXPECT_FALSE(gate.Enter(milliseconds(0)))
      << "the writer that waited is next, woken or not yet scheduled";
  patient.join();
  EXPECT_TRUE(entered);
  EXPECT_TRUE(gate.Enter(milliseconds(0)));
  gate.Leave();
}

// Within its patience a waiting writer naps without being woken, yet takes
// the turn once free: a hand-over needs no wake-up.
TEST(WriteGateTest, AWriterWithinItsPatienceTakesTheTurnWhenItWakes) {
  WriteGate gate;
  ASSERT_TRUE(gate.Enter(milliseconds(1000)));
  std::atomic<bool> entered{false};
  std::thread napping = Writer(gate, entered);
  std::this_thread::sleep_for(milliseconds(3));
  gate.Leave();
  napping.join();
  EXPECT_TRUE(entered);
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
