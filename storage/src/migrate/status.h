// The migration set beside the ledger: each migration's state.
#pragma once

#include <vector>

#include "migrate/ledger.h"
#include "migrate/migration_set.h"
#include "strata/migrator.h"

namespace strata::migrate {

// Every migration of `set` and every row of `ledger`, by version: applied,
// pending, edited (checksum mismatch), failed, or missing from the set. The
// rows are merged as they are read (both sides ordered by version), in one
// pass, without a copy of the ledger.
SchemaStatus ReadStatus(Backend backend, const std::vector<Migration>& set, Ledger ledger);

}  // namespace strata::migrate
