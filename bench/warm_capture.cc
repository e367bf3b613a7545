// CaptureWarm (warm_capture.h): a second thread parks the warm connection
// inside its logger while the captured call runs on a fresh one.
#include "warm_capture.h"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <thread>

namespace strata::bench {
namespace {

// Shared by the logger, the holding thread and the capturing thread.
struct Capture {
  std::mutex mutex;
  std::condition_variable changed;
  std::thread::id holder, caller;
  bool recording = false;
  bool held = false;      // the holder is parked on the warm connection
  bool released = false;  // the capture is over: the holder may go on
  bool holder_done = false;
  std::vector<std::string> prepared;

  void Log(LogLevel level, std::string_view message) {
    if (level != LogLevel::kDebug || !message.starts_with("prepared: ")) return;
    std::unique_lock lock(mutex);
    const std::thread::id me = std::this_thread::get_id();
    if (me == caller && recording) prepared.emplace_back(message.substr(10));
    if (me == holder && !held) {
      held = true;
      changed.notify_all();
      changed.wait(lock, [&] { return released; });
    }
  }
};

// Calls that prepare a statement the warm-ups of the benchmarks never
// prepare, tried in turn until one parks its connection.
void Hold(Store& store, Capture& capture) {
  const std::function<void()> holds[] = {
      [&] {
        store.clusters().List(PageRequest{7, ""});
      },
      [&] {
        ClusterFilter all;
        all.include_inactive = true;
        store.clusters().List(all, PageRequest{7, ""});
      },
      [&] { store.clusters().Find("strata-bench-warm-capture"); },
  };
  for (const auto& hold : holds) {
    hold();
    const std::lock_guard lock(capture.mutex);
    if (capture.held) break;
  }
  const std::lock_guard lock(capture.mutex);
  capture.holder_done = true;
  capture.changed.notify_all();
}

}  // namespace

std::vector<std::string> CaptureWarm(StoreOptions options,
                                     const std::function<void(Store&)>& warm_up,
                                     const std::function<void(Store&)>& call) {
  auto capture = std::make_shared<Capture>();
  options.pool_size = 2;
  options.auto_migrate = false;
  options.logger = [capture](LogLevel level, std::string_view message) {
    capture->Log(level, message);
  };
  const std::unique_ptr<Store> store = Store::Open(options);
  warm_up(*store);
  capture->caller = std::this_thread::get_id();
  std::thread holder;
  {
    std::unique_lock lock(capture->mutex);
    holder = std::thread([&] {
      {
        const std::lock_guard started(capture->mutex);
        capture->holder = std::this_thread::get_id();
      }
      Hold(*store, *capture);
    });
    capture->changed.wait(lock, [&] { return capture->held || capture->holder_done; });
    if (!capture->held) {
      lock.unlock();
      holder.join();
      throw std::runtime_error("CaptureWarm: no call parked the warm connection");
    }
    capture->recording = true;
  }
  const auto release = [&] {
    {
      const std::lock_guard lock(capture->mutex);
      capture->recording = false;
      capture->released = true;
      capture->changed.notify_all();
    }
    holder.join();
  };
  try {
    call(*store);
  } catch (...) {
    release();
    throw;
  }
  release();
  return capture->prepared;
}

}  // namespace strata::bench
