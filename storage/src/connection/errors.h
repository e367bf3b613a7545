// The one place that turns sqlite3 and libpq errors into strata::Error
// types. Messages name the entity and the constraint, never a bound value.
#pragma once

#include <string>

#include "connection/pool.h"

namespace strata::connection {

// Call inside a catch block: rethrows the exception in flight as the
// strata::Error it means. `entity` ("cluster", "task") names what the
// statement was about. strata::Error and std::logic_error pass unchanged.
[[noreturn]] void RethrowTranslated(PooledConnection& connection, const std::string& entity);

// True when the exception in flight means the connection is gone (so a read
// may be retried on a new one).
bool ConnectionLost(PooledConnection& connection);

}  // namespace strata::connection
