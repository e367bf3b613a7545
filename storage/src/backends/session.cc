// The backend-neutral entry points: a Session for StoreOptions and each
// backend's dialect.
#include <soci/soci.h>

#include "backends/backend_sessions.h"

namespace strata::backends {

Session::Session() = default;
Session::~Session() {
  native.reset();  // borrows the session's handle
  session.reset();
}
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;

bool IsSqliteMemory(const std::string& url) {
  return url == ":memory:" || url.starts_with("file::memory:") ||
         url.find("mode=memory") != std::string::npos;
}

std::string SqliteFilePath(const std::string& url) {
  if (url.empty() || IsSqliteMemory(url)) return "";
  if (!url.starts_with("file:")) return url;
  return url.substr(5, url.find('?') - 5);
}

Session Connect(const StoreOptions& options, bool create) {
  if (options.backend == Backend::kPostgres) return postgres::Connect(options, true);
  Session session = sqlite::Connect(options.url, create);
  if (options.logger) session.logger = std::make_unique<Logger>(options.logger);
  return session;
}

Session ConnectForReads(const StoreOptions& options) { return postgres::Connect(options, false); }

const SqlDialect& SqlDialect::For(Backend backend) {
  return backend == Backend::kPostgres ? postgres::Dialect() : sqlite::Dialect();
}

}  // namespace strata::backends
