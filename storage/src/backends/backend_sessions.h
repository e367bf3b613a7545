// What each backend's folder gives the backend-neutral entry points in
// session.cc: its connections and its SQL dialect.
#pragma once

#include <string>

#include "backends/session.h"
#include "backends/sql_dialect.h"

namespace strata::backends {

namespace sqlite {
Session Connect(const std::string& path, bool create);
const SqlDialect& Dialect();
}  // namespace sqlite

namespace postgres {
Session Connect(const StoreOptions& options);
const SqlDialect& Dialect();
}  // namespace postgres

}  // namespace strata::backends
