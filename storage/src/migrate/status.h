// The migration set beside the ledger: each migration's state.
#pragma once

#include <vector>

#include "migrate/ledger.h"
#include "migrate/migration_set.h"
#include "strata/migrator.h"

namespace strata::migrate {

// Every migration of `set` and every ledger row, by version: applied,
// pending, edited (checksum mismatch), failed, or missing from the set.
SchemaStatus MergeStatus(Backend backend, const std::vector<Migration>& set,
                         const std::vector<LedgerRow>& rows);

}  // namespace strata::migrate
