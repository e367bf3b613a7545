// NewId: 32 hex digits, never repeated across threads, and a forked child
// does not hand out the ids its parent has buffered.
#include "repositories/identity.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace strata::repositories {
namespace {

TEST(IdentityTest, AnIdIs32LowercaseHexDigits) {
  const std::string id = NewId();
  ASSERT_EQ(id.size(), 32U);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
}

TEST(IdentityTest, IdsFromManyThreadsAreAllDistinct) {
  std::mutex mutex;
  std::set<std::string> ids;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      std::vector<std::string> mine;
      for (int i = 0; i < 2'000; ++i) mine.push_back(NewId());
      const std::lock_guard<std::mutex> lock(mutex);
      ids.insert(mine.begin(), mine.end());
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(ids.size(), 16'000U);
}

TEST(IdentityTest, AForkedChildDoesNotRepeatItsParentsNextId) {
  NewId();  // this thread's buffer now holds the next ids
  int pipe_ends[2];
  ASSERT_EQ(pipe(pipe_ends), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const std::string id = NewId();
    const bool written = write(pipe_ends[1], id.data(), id.size()) == 32;
    _exit(written ? 0 : 1);
  }
  close(pipe_ends[1]);
  std::string from_child(32, '\0');
  const ssize_t got = read(pipe_ends[0], from_child.data(), from_child.size());
  close(pipe_ends[0]);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_EQ(got, 32);
  EXPECT_NE(NewId(), from_child);
}

}  // namespace
}  // namespace strata::repositories
