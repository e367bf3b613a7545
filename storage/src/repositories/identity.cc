#include "repositories/identity.h"

#include <openssl/rand.h>
#include <pthread.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <vector>

#include "base/ascii.h"
#include "strata/error.h"

namespace strata::repositories {

namespace {

void Fill(unsigned char* bytes, std::size_t size) {
  if (RAND_bytes(bytes, static_cast<int>(size)) != 1) {
    throw Error("the system's random source failed (OpenSSL RAND_bytes)");
  }
}

constexpr std::size_t kIdBytes = 16;

// Counts the forks this process is the child of: a thread's buffer filled
// under another count was filled by the parent, which hands out its ids too.
std::atomic<std::uint64_t> forks{0};

void AfterForkInChild() { forks.fetch_add(1, std::memory_order_relaxed); }

struct IdBytes {
  std::array<unsigned char, 32 * kIdBytes> bytes{};
  std::size_t used = bytes.size();
  std::uint64_t forks = 0;
};

}  // namespace

std::string RandomHex(std::size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  Fill(raw.data(), raw.size());
  return base::LowerHex(raw.data(), raw.size());
}

std::string NewId() {
  [[maybe_unused]] static const int registered =
      pthread_atfork(nullptr, nullptr, &AfterForkInChild);
  thread_local IdBytes buffer;
  const std::uint64_t now = forks.load(std::memory_order_relaxed);
  if (buffer.used + kIdBytes > buffer.bytes.size() || buffer.forks != now) {
    Fill(buffer.bytes.data(), buffer.bytes.size());
    buffer.used = 0;
    buffer.forks = now;
  }
  const unsigned char* id = buffer.bytes.data() + buffer.used;
  buffer.used += kIdBytes;
  return base::LowerHex(id, kIdBytes);
}

std::string MakeArn(std::string_view region, std::string_view account, std::string_view kind,
                    std::string_view path) {
  std::string arn = "arn:aws:ecs:";
  arn += region;
  arn += ':';
  arn += account;
  arn += ':';
  arn += kind;
  arn += '/';
  arn += path;
  return arn;
}

}  // namespace strata::repositories
