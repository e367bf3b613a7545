// Opening a connection for StoreOptions: the backend's SOCI session plus its
// native handle.
#include <soci/soci.h>

#include "backends/native.h"

namespace strata::backends {

Connection::Connection() = default;
Connection::~Connection() {
  native.reset();  // borrows the session's handle
  session.reset();
}
Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;

bool IsSqliteMemory(const std::string& url) {
  return url == ":memory:" || url.starts_with("file::memory:") ||
         url.find("mode=memory") != std::string::npos;
}

Connection Connect(const StoreOptions& options) {
  if (options.backend == Backend::kPostgres) return postgres::Connect(options.url, options.logger);
  Connection connection = sqlite::Connect(options.url);
  if (options.logger) connection.logger = std::make_unique<Logger>(options.logger);
  return connection;
}

}  // namespace strata::backends
