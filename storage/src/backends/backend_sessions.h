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
// To options.url, or with `primary` false to options.read_url.
Session Connect(const StoreOptions& options, bool primary);
const SqlDialect& Dialect();
}  // namespace postgres

}  // namespace strata::backends
