#include "migrate/plan.h"

#include <string>

#include "strata/error.h"

namespace strata::migrate {
namespace {

std::string Join(const std::vector<std::string>& lines, const std::string& separator) {
  std::string out;
  for (const std::string& line : lines) {
    if (!out.empty()) out += separator;
    out += line;
  }
  return out;
}

std::string Id(const MigrationStatus& s) { return std::to_string(s.version) + " " + s.name; }

}  // namespace

std::vector<Step> PlanUp(const SchemaStatus& status, const ByVersion& set,
                         std::optional<std::int64_t> to, Backend backend) {
  // Edited, unknown and conflicting migrations stop everything: the schema
  // is not what the set describes.
  SchemaStatus blocking = status;
  std::erase_if(blocking.migrations, [](const MigrationStatus& s) {
    return s.state != MigrationState::kChecksumMismatch && s.state != MigrationState::kMissing &&
           s.state != MigrationState::kConflict;
  });
  const std::vector<std::string> blockers = blocking.Problems();
  if (!blockers.empty()) throw SchemaError("refusing to migrate up: " + Join(blockers, "; "));
  std::vector<const MigrationStatus*> runs;
  for (const MigrationStatus& s : status.migrations) {
    if ((s.state == MigrationState::kPending || s.state == MigrationState::kFailed) &&
        set.contains(s.version) && (!to || s.version <= *to)) {
      runs.push_back(&s);
    }
  }
  for (const MigrationStatus* s : runs) {
    if (s->state == MigrationState::kPending && s->version < status.current_version) {
      const std::string current = std::to_string(status.current_version);
      throw SchemaError("refusing to migrate up: pending migration " + Id(*s) +
                        " is older than applied migration " + current +
                        "; give it a version above " + current);
    }
  }
  std::vector<Step> plan;
  plan.reserve(runs.size());
  for (const MigrationStatus* s : runs) {
    const Migration& m = *set.at(s->version);
    const int resume_at = s->state == MigrationState::kFailed ? s->failed_statement.value_or(1) : 0;
    plan.push_back({&m, UpStatements(m, backend), resume_at});
  }
  return plan;
}

std::vector<Step> PlanDown(const SchemaStatus& status, const ByVersion& set,
                           std::optional<int> steps, std::optional<std::int64_t> to,
                           Backend backend) {
  std::vector<Step> plan;
  for (auto it = status.migrations.rbegin(); it != status.migrations.rend(); ++it) {
    const MigrationStatus& s = *it;
    if (s.state == MigrationState::kPending) continue;
    if (steps && static_cast<int>(plan.size()) >= *steps) break;
    if (to && s.version <= *to) break;
    switch (s.state) {
      case MigrationState::kMissing:
        throw SchemaError("cannot revert " + Id(s) +
                          ": it is not in this migration set; use the set that has it");
      case MigrationState::kFailed:
        throw SchemaError("cannot revert " + Id(s) +
                          ": it failed part way; finish it with "
                          "'strata migrate up' or clear it with 'strata migrate repair' first");
      case MigrationState::kConflict:
        throw SchemaError("cannot revert " + Id(s) + ": the database applied '" + s.applied_name +
                          "' under version " + std::to_string(s.version) +
                          ", and this set's down file reverts another migration");
      case MigrationState::kChecksumMismatch:
        throw SchemaError("cannot revert " + Id(s) + ": " + s.file +
                          " was edited after it was applied; restore it or run 'strata "
                          "migrate repair' first");
      default:
        break;
    }
    const Migration& m = *set.at(s.version);
    if (!m.down_file) {
      throw SchemaError("cannot revert " + Id(s) + ": it has no down file; add " +
                        m.up_file.substr(0, m.up_file.size() - 7) + ".down.sql");
    }
    plan.push_back({&m, DownStatements(m, backend)});
  }
  return plan;
}

}  // namespace strata::migrate
