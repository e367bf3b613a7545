// A TCP proxy on loopback that holds every byte for a fixed time in each
// direction before passing it on: a network's latency between the client and
// PostgreSQL for the benchmarks, on a machine where netem is not available
// (docs/benchmarks.md). STRATA_BENCH_PG_DELAY_US=N puts it between both
// sides and the server (bench_support.cc).
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace strata::bench {

class LatencyProxy {
 public:
  // Listens on 127.0.0.1 (a port of the kernel's choice) and forwards each
  // connection to 127.0.0.1:`target_port`, `one_way` late each way.
  // Throws std::runtime_error when it cannot listen.
  LatencyProxy(int target_port, std::chrono::microseconds one_way);
  ~LatencyProxy();
  LatencyProxy(const LatencyProxy&) = delete;
  LatencyProxy& operator=(const LatencyProxy&) = delete;

  int port() const { return port_; }

 private:
  struct Link;  // one proxied connection: its two sockets and two pumps
  void Accept();

  const int target_port_;
  const std::chrono::microseconds one_way_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::vector<std::unique_ptr<Link>> links_;
  std::thread acceptor_;
};

}  // namespace strata::bench
