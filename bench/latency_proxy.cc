// The benchmarks' latency proxy (latency_proxy.h): per connection, one
// thread per direction reads what arrives, stamps it with the time it may
// leave, and writes it out then; ppoll's nanosecond timeout and a timer
// slack of 1 ns keep the release within a few microseconds of that time.
#include "latency_proxy.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <stdexcept>
#include <string>
#include <utility>

namespace strata::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kStopCheck = std::chrono::milliseconds(100);  // how soon a pump sees stop

sockaddr_in Loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  return address;
}

void NoDelay(int fd) {
  const int on = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

bool WriteAll(int fd, const std::string& bytes) {
  for (std::size_t done = 0; done < bytes.size();) {
    // MSG_NOSIGNAL: a peer that has gone ends the pump, not the process.
    const ssize_t n = send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// Moves bytes from `from` to `to`, each `delay` after it arrived, until
// `from` ends and everything read has left, or `stop`.
void Pump(int from, int to, std::chrono::microseconds delay, const std::atomic<bool>& stop) {
  prctl(PR_SET_TIMERSLACK, 1UL);
  std::deque<std::pair<Clock::time_point, std::string>> held;
  char buffer[64 * 1024];
  bool open = true;
  while (!stop && (open || !held.empty())) {
    const Clock::time_point now = Clock::now();
    while (!held.empty() && held.front().first <= now) {
      if (!WriteAll(to, held.front().second)) return;
      held.pop_front();
    }
    const Clock::duration wait =
        held.empty() ? Clock::duration(kStopCheck)
                     : std::max(Clock::duration::zero(), held.front().first - Clock::now());
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(wait).count();
    const timespec timeout{static_cast<time_t>(ns / 1'000'000'000),
                           static_cast<long>(ns % 1'000'000'000)};
    pollfd p{from, POLLIN, 0};
    const int ready = ppoll(&p, open ? 1 : 0, &timeout, nullptr);
    if (ready <= 0 || !open) continue;
    const ssize_t n = read(from, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      open = false;
      continue;
    }
    held.emplace_back(Clock::now() + delay, std::string(buffer, static_cast<std::size_t>(n)));
  }
  shutdown(to, SHUT_WR);  // the other end sees the close, after every byte
}

}  // namespace

struct LatencyProxy::Link {
  int client, server;
  std::thread up, down;

  ~Link() {
    up.join();
    down.join();
    close(client);
    close(server);
  }
};

LatencyProxy::LatencyProxy(int target_port, std::chrono::microseconds one_way)
    : target_port_(target_port), one_way_(one_way) {
  listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address = Loopback(0);
  socklen_t length = sizeof address;
  if (listener_ < 0 ||
      bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      listen(listener_, 64) != 0 ||
      getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    const std::string error = std::strerror(errno);
    if (listener_ >= 0) close(listener_);
    throw std::runtime_error("latency proxy: cannot listen on 127.0.0.1: " + error);
  }
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { Accept(); });
}

LatencyProxy::~LatencyProxy() {
  stop_ = true;
  shutdown(listener_, SHUT_RDWR);  // wakes the acceptor
  acceptor_.join();
  close(listener_);
  links_.clear();  // each pump sees stop within kStopCheck
}

void LatencyProxy::Accept() {
  while (!stop_) {
    const int client = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) {
      if (errno == EINTR) continue;
      return;  // shut down
    }
    const int server = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const sockaddr_in target = Loopback(target_port_);
    if (server < 0 ||
        connect(server, reinterpret_cast<const sockaddr*>(&target), sizeof target) != 0) {
      close(client);
      if (server >= 0) close(server);
      continue;  // the client sees the connection closed
    }
    NoDelay(client);
    NoDelay(server);
    auto link = std::make_unique<Link>();
    link->client = client;
    link->server = server;
    link->up = std::thread(Pump, client, server, one_way_, std::cref(stop_));
    link->down = std::thread(Pump, server, client, one_way_, std::cref(stop_));
    const std::lock_guard lock(mutex_);
    links_.push_back(std::move(link));
  }
}

}  // namespace strata::bench
