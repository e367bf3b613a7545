// strata::RunSidecar: one io_context on the calling thread for HTTP,
// signals, inotify and timers; the database work on the worker's thread.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <csignal>
#include <cstdlib>
#include <memory>
#include <mutex>

#include "manage/http_server.h"
#include "manage/state.h"
#include "manage/watcher.h"
#include "manage/worker.h"
#include "strata/error.h"
#include "strata/manage.h"

namespace strata {
namespace {

namespace asio = boost::asio;
using manage::ReloadCause;

// Events arrive in bursts (the atomic writer's swap is four or five):
// one read of the set after the burst.
constexpr std::chrono::milliseconds kDebounce{200};
// How often a stopping sidecar looks whether the worker is done, and
// repeats the cancel request in case the first one came between statements.
constexpr std::chrono::milliseconds kStopTick{100};

// The options with a logger that two threads may call at once.
StoreOptions Serialized(StoreOptions store) {
  if (store.logger) {
    store.logger = [inner = store.logger, mutex = std::make_shared<std::mutex>()](
                       LogLevel level, std::string_view message) {
      const std::lock_guard<std::mutex> hold(*mutex);
      inner(level, message);
    };
  }
  return store;
}

class Sidecar {
 public:
  Sidecar(const StoreOptions& store, const ManageOptions& options)
      : store_(Serialized(store)),
        options_(options),
        worker_(store_, options, state_),
        signals_(io_, SIGTERM, SIGINT),
        poll_(io_),
        debounce_(io_),
        stop_timer_(io_) {}

  int Run() {
    // The HTTP server first: probes answer (503) while the database is away.
    http_ = std::make_unique<manage::HttpServer>(
        io_, options_.health_address, options_.health_port,
        [this](const std::string& path) { return Handle(path); });
    Log(LogLevel::kInfo, "listening on " + options_.health_address + ":" +
                             std::to_string(http_->port()) + " for " + store_.Describe());
    StartWatching();
    signals_.async_wait([this](const boost::system::error_code& ec, int signal) {
      if (!ec) BeginStop(signal);
    });
    SchedulePoll();
    worker_.Start();
    io_.run();
    return 0;
  }

 private:
  manage::HttpResponse Handle(const std::string& path) {
    // Liveness is the loop answering: it reads nothing.
    if (path == "/liveness") return {200, "text/plain; charset=utf-8", "ok\n"};
    const auto snapshot = state_.Get();
    const manage::Readiness readiness =
        manage::Evaluate(*snapshot, manage::SteadyClock::now(), StaleAfter());
    if (path == "/readiness") {
      return {readiness.ready ? 200 : 503, "text/plain; charset=utf-8", readiness.reason + "\n"};
    }
    if (path == "/status") {
      return {200, "application/json", manage::StatusJson(*snapshot, readiness)};
    }
    if (path == "/metrics") {
      return {200, "text/plain; version=0.0.4; charset=utf-8",
              manage::MetricsText(*snapshot, readiness)};
    }
    return {404, "text/plain; charset=utf-8",
            "not found: /liveness, /readiness, /status and /metrics\n"};
  }

  // A check may take one connect_timeout (a server that does not answer);
  // readiness waits that long, and at least three check intervals, before
  // it counts a check that has not come back as a failed one.
  std::chrono::milliseconds StaleAfter() const {
    const std::chrono::milliseconds connect =
        store_.backend == Backend::kPostgres ? store_.connect_timeout : std::chrono::seconds(5);
    return std::max(connect, options_.check_interval * 3);
  }

  void StartWatching() {
    if (!options_.watch) return;
    if (store_.migrations_dir.empty()) {
      Log(LogLevel::kWarn,
          "--watch: no --migrations-dir, so the embedded set is used and there is nothing to "
          "watch");
      return;
    }
    try {
      watcher_ = std::make_unique<manage::DirectoryWatcher>(io_, [this](const std::string& what) {
        Log(LogLevel::kDebug, "watch: " + what);
        debounce_.expires_after(kDebounce);
        debounce_.async_wait([this](const boost::system::error_code& ec) {
          if (ec) return;
          Rewatch();
          worker_.Reread(ReloadCause::kWatch);
        });
      });
    } catch (const Error& e) {
      // The poll still finds every change, only later.
      Log(LogLevel::kError, std::string(e.what()) + "; going on with --poll-interval alone");
      return;
    }
    Rewatch();
    state_.Update([](manage::Snapshot& s) { s.watching = true; });
  }

  // Watches the root and the backend's directory again: after a swap, the
  // backend's directory resolves to the new version's.
  void Rewatch() {
    if (!watcher_) return;
    for (const std::string& dir :
         manage::WatchedDirectories(store_.migrations_dir, store_.backend)) {
      if (!watcher_->Watch(dir)) Log(LogLevel::kDebug, "watch: " + dir + " is not there (yet)");
    }
  }

  void SchedulePoll() {
    poll_.expires_after(options_.poll_interval);
    poll_.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      Rewatch();
      worker_.Reread(ReloadCause::kPoll);
      SchedulePoll();
    });
  }

  void BeginStop(int signal) {
    state_.Update([](manage::Snapshot& s) { s.stopping = true; });
    Log(LogLevel::kInfo, std::string("received ") + (signal == SIGTERM ? "SIGTERM" : "SIGINT") +
                             ": readiness is 503; stopping");
    poll_.cancel();
    debounce_.cancel();
    watcher_.reset();
    worker_.Stop();
    stop_deadline_ = manage::SteadyClock::now() + options_.shutdown_timeout;
    // A second signal while stopping changes nothing: the deadline holds.
    signals_.async_wait([](const boost::system::error_code&, int) {});
    WaitForWorker();
  }

  void WaitForWorker() {
    if (worker_.Done()) {
      http_->Close();
      Log(LogLevel::kInfo, "stopped");
      io_.stop();
      return;
    }
    if (manage::SteadyClock::now() >= stop_deadline_) {
      Log(LogLevel::kWarn,
          "the running migration did not stop within --shutdown-timeout; exiting now (the "
          "database rolls it back when the connection closes)");
      worker_.Abandon();
      std::_Exit(0);
    }
    worker_.Stop();  // the cancel request again: the first may have fallen between statements
    stop_timer_.expires_after(kStopTick);
    stop_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) WaitForWorker();
    });
  }

  void Log(LogLevel level, const std::string& message) const {
    if (store_.logger) store_.logger(level, "manage: " + message);
  }

  StoreOptions store_;
  ManageOptions options_;
  manage::State state_;
  manage::Worker worker_;
  asio::io_context io_;
  asio::signal_set signals_;
  asio::steady_timer poll_;
  asio::steady_timer debounce_;
  asio::steady_timer stop_timer_;
  std::unique_ptr<manage::HttpServer> http_;
  std::unique_ptr<manage::DirectoryWatcher> watcher_;
  manage::SteadyClock::time_point stop_deadline_{};
};

}  // namespace

int RunSidecar(const StoreOptions& store, const ManageOptions& options) {
  store.Validate();
  options.Validate();
  Sidecar sidecar(store, options);
  return sidecar.Run();
}

}  // namespace strata
