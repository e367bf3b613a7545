// `strata migrate lint`: statements that would block a live control plane's
// reads or writes on existing tables while they run, or that the down file
// cannot undo, each with the lock it takes and the safe rewrite.
#pragma once

#include <vector>

#include "migrate/migration_set.h"
#include "strata/migrator.h"

namespace strata::migrate {

// The findings in `m`'s up file for `backend`, in file order. A statement
// whose text (or the comment lines before it) holds
// "strata:lint-ignore <rule>[, <rule>...]" is not reported for those rules.
std::vector<LintFinding> LintMigration(const Migration& m, Backend backend);

}  // namespace strata::migrate
