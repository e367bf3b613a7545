// inotify on directories (never on files: Kubernetes replaces a ConfigMap's
// files by swapping the `..data` symlink, so a watch on a file sees nothing),
// read on the sidecar's io_context.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <functional>
#include <string>

namespace strata::manage {

class DirectoryWatcher {
 public:
  // `on_event(what)` runs on the io_context for every event that may change
  // the set: any name in a watched directory except the atomic writer's own
  // `..<timestamp>` and `..data_tmp` entries (`..data` itself counts), the
  // directory's own removal or move, and a queue overflow. `what` says
  // which, for the log. strata::Error when inotify is unavailable.
  DirectoryWatcher(boost::asio::io_context& io, std::function<void(const std::string&)> on_event);
  ~DirectoryWatcher();
  DirectoryWatcher(const DirectoryWatcher&) = delete;
  DirectoryWatcher& operator=(const DirectoryWatcher&) = delete;

  // Watches `dir` (through symlinks: a `postgres -> ..data/postgres` entry is
  // watched where it points now); watching it again is free. False when it
  // does not exist (yet).
  bool Watch(const std::string& dir);

 private:
  void Wait();
  void Drain();

  boost::asio::posix::stream_descriptor descriptor_;
  std::function<void(const std::string&)> on_event_;
};

}  // namespace strata::manage
