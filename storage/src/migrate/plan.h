// What up and down will run, decided under the lock from the status re-read
// there, with every file that will run checked before the first one runs.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "migrate/file_checks.h"
#include "strata/migrator.h"

namespace strata::migrate {

struct Step {
  const Migration* migration;
  Statements statements;
  int resume_at = 0;  // > 0: a failed no-transaction migration resumes there
};

using ByVersion = std::map<std::int64_t, const Migration*>;

// The pending (and failed) migrations up to `to`, in order. SchemaError when
// the ledger has edited or unknown migrations, when a pending migration is
// older than the newest applied one, or when a file cannot run in its mode.
// Down files are not read: down and validate check them.
std::vector<Step> PlanUp(const SchemaStatus& status, const ByVersion& set,
                         std::optional<std::int64_t> to, Backend backend);

// The newest applied migrations, `steps` of them or those above `to`, newest
// first. SchemaError when one of them is missing from the set, failed,
// edited, has no down file, or a down file cannot run in its mode.
std::vector<Step> PlanDown(const SchemaStatus& status, const ByVersion& set,
                           std::optional<int> steps, std::optional<std::int64_t> to,
                           Backend backend);

}  // namespace strata::migrate
