// CaptureWarm (warm_capture.h): the captured call runs on a thread of its
// own, and so on a connection of its own.
#include "warm_capture.h"

#include <exception>
#include <memory>
#include <mutex>
#include <thread>

namespace strata::bench {

std::vector<std::string> CaptureWarm(StoreOptions options,
                                     const std::function<void(Store&)>& warm_up,
                                     const std::function<void(Store&)>& call) {
  struct Capture {
    std::mutex mutex;
    std::thread::id caller;
    std::vector<std::string> prepared;
  };
  auto capture = std::make_shared<Capture>();
  options.pool_size = 2;
  options.auto_migrate = false;
  options.logger = [capture](LogLevel level, std::string_view message) {
    if (level != LogLevel::kDebug || !message.starts_with("prepared: ")) return;
    const std::lock_guard lock(capture->mutex);
    if (std::this_thread::get_id() == capture->caller) {
      capture->prepared.emplace_back(message.substr(10));
    }
  };
  const std::unique_ptr<Store> store = Store::Open(options);
  warm_up(*store);
  std::exception_ptr failed;
  std::thread caller([&] {
    {
      const std::lock_guard lock(capture->mutex);
      capture->caller = std::this_thread::get_id();
    }
    try {
      call(*store);
    } catch (...) {
      failed = std::current_exception();
    }
  });
  caller.join();
  if (failed) std::rethrow_exception(failed);
  const std::lock_guard lock(capture->mutex);
  return capture->prepared;
}

}  // namespace strata::bench
