// ManageOptions: the sidecar's settings from their text forms.
#include <charconv>
#include <string>

#include "strata/error.h"
#include "strata/manage.h"

namespace strata {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

}  // namespace

void ManageOptions::Set(std::string_view setting, std::string_view value, std::string_view source) {
  const std::string what(source);
  if (setting == "health-port") {
    int port = -1;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), port);
    if (ec != std::errc() || end != value.data() + value.size() || port < 0 || port > 65535) {
      throw InvalidArgumentError(what + " must be a TCP port from 0 to 65535 (0: any free one)");
    }
    health_port = port;
  } else if (setting == "health-address") {
    health_address = value;
  } else if (setting == "watch") {
    watch = ParseBoolOption(what, value);
  } else if (setting == "create-dirs") {
    create_dirs = ParseBoolOption(what, value);
  } else if (setting == "poll-interval") {
    poll_interval = std::chrono::duration_cast<seconds>(
        ParseDuration(what, value, seconds(1), std::chrono::hours(24)));
  } else if (setting == "check-interval") {
    check_interval = ParseDuration(what, value, milliseconds(100), seconds(60));
  } else if (setting == "max-backoff") {
    max_backoff = ParseDuration(what, value, seconds(1), std::chrono::hours(1));
  } else if (setting == "shutdown-timeout") {
    shutdown_timeout = ParseDuration(what, value, seconds(1), std::chrono::minutes(10));
  } else if (setting == "statement-lock-timeout") {
    statement_lock_timeout = ParseDuration(what, value, milliseconds(0), std::chrono::hours(24));
  } else if (setting == "lock-retries") {
    lock_retries = static_cast<int>(ParseCount(what, value, 0, 100));
  } else {
    throw InvalidArgumentError("unknown manage setting '" + std::string(setting) + "'");
  }
}

void ManageOptions::Validate() const {
  const auto require = [](bool ok, const std::string& message) {
    if (!ok) throw InvalidArgumentError(message);
  };
  require(health_port >= 0 && health_port <= 65535, "health_port must be 0 to 65535");
  require(!health_address.empty(), "health_address must be an IP address, e.g. 0.0.0.0");
  require(poll_interval >= seconds(1) && poll_interval <= std::chrono::hours(24),
          "poll_interval must be 1 s to 1 day");
  require(check_interval >= milliseconds(100) && check_interval <= seconds(60),
          "check_interval must be 100 ms to 1 min");
  require(max_backoff >= seconds(1) && max_backoff <= std::chrono::hours(1),
          "max_backoff must be 1 s to 1 h");
  require(shutdown_timeout >= seconds(1) && shutdown_timeout <= std::chrono::minutes(10),
          "shutdown_timeout must be 1 s to 10 min");
  require(
      statement_lock_timeout >= milliseconds(0) && statement_lock_timeout <= std::chrono::hours(24),
      "statement_lock_timeout must be 0 to 1 day");
  require(lock_retries >= 0 && lock_retries <= 100, "lock_retries must be 0 to 100");
}

}  // namespace strata
