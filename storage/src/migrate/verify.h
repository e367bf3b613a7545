// Migrator::Verify: every migration reverted and applied again on a scratch
// database, the schema compared at each step.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "connection/connection.h"
#include "migrate/migration_set.h"
#include "strata/migrator.h"

namespace strata::migrate {

// The schema as object -> definition (SqlDialect::Catalog).
using Catalog = std::map<std::string, std::string>;
Catalog ReadCatalog(connection::Connection& db);

// Verifies `set` (up to `to`) on `db`, an empty scratch database, as
// Migrator::Verify says.
VerifyResult VerifySet(connection::Connection& db, const std::vector<Migration>& set,
                       std::optional<std::int64_t> to, const MigratorOptions& options,
                       const std::atomic<bool>& cancelled);

}  // namespace strata::migrate
