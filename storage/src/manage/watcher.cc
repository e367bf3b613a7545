#include "manage/watcher.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "strata/error.h"

namespace strata::manage {
namespace {

constexpr std::uint32_t kMask = IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO |
                                IN_CLOSE_WRITE | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF;

int OpenInotify() {
  const int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) {
    throw Error(std::string("cannot start inotify for --watch: ") + std::strerror(errno) +
                " (raise fs.inotify.max_user_instances, or rely on --poll-interval)");
  }
  return fd;
}

}  // namespace

DirectoryWatcher::DirectoryWatcher(boost::asio::io_context& io,
                                   std::function<void(const std::string&)> on_event)
    : descriptor_(io, OpenInotify()), on_event_(std::move(on_event)) {
  Wait();
}

DirectoryWatcher::~DirectoryWatcher() {
  boost::system::error_code ignored;
  descriptor_.close(ignored);
}

bool DirectoryWatcher::Watch(const std::string& dir) {
  return inotify_add_watch(descriptor_.native_handle(), dir.c_str(), kMask | IN_ONLYDIR) >= 0;
}

void DirectoryWatcher::Wait() {
  descriptor_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                         [this](const boost::system::error_code& ec) {
                           if (ec) return;  // closed
                           Drain();
                           Wait();
                         });
}

void DirectoryWatcher::Drain() {
  alignas(inotify_event) char buffer[16 * 1024];
  while (true) {
    const ssize_t n = read(descriptor_.native_handle(), buffer, sizeof buffer);
    if (n <= 0) return;  // EAGAIN: drained
    for (ssize_t at = 0; at < n;) {
      inotify_event event;
      std::memcpy(&event, buffer + at, sizeof event);
      const std::string name =
          event.len > 0 ? std::string(buffer + at + sizeof event) : std::string();
      at += static_cast<ssize_t>(sizeof event + event.len);
      if (event.mask & IN_Q_OVERFLOW) {
        on_event_("inotify queue overflow");
      } else if (event.mask & (IN_DELETE_SELF | IN_MOVE_SELF)) {
        on_event_("a watched directory went away");
      } else if (!name.empty() && (!name.starts_with("..") || name == "..data")) {
        on_event_(name);
      }
    }
  }
}

}  // namespace strata::manage
