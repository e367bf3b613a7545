// Migrator::Prepare on a connection the store already holds.
#pragma once

#include "backends/native.h"
#include "strata/migrator.h"
#include "strata/options.h"

namespace strata::migrate {

// As Migrator::Open(options)->Prepare(), on `connection`: used for an
// in-memory SQLite database, which exists on its one connection alone. The
// connection comes back with foreign keys on and the default busy timeout.
SchemaStatus PrepareOn(const StoreOptions& options, backends::Connection& connection);

}  // namespace strata::migrate
