// The state of a migration set beside its ledger, and how it reads to people.
#include "migrate/status.h"

#include <algorithm>
#include <cstdio>

namespace strata {

std::string_view MigrationStateName(MigrationState state) {
  switch (state) {
    case MigrationState::kApplied:
      return "applied";
    case MigrationState::kPending:
      return "pending";
    case MigrationState::kChecksumMismatch:
      return "checksum_mismatch";
    case MigrationState::kMissing:
      return "missing";
    case MigrationState::kFailed:
      return "failed";
    case MigrationState::kConflict:
      return "conflict";
  }
  return "unknown";
}

bool SchemaStatus::Ready() const {
  return std::all_of(migrations.begin(), migrations.end(),
                     [](const MigrationStatus& m) { return m.state == MigrationState::kApplied; });
}

bool SchemaStatus::OnlyPending() const {
  return std::all_of(migrations.begin(), migrations.end(), [](const MigrationStatus& m) {
    return m.state == MigrationState::kApplied || m.state == MigrationState::kPending;
  });
}

std::vector<std::string> SchemaStatus::Problems() const {
  std::vector<std::string> problems;
  for (const MigrationStatus& m : migrations) {
    const std::string id = std::to_string(m.version) + " " + m.name;
    switch (m.state) {
      case MigrationState::kApplied:
        break;
      case MigrationState::kPending:
        problems.push_back(id + " is pending: run 'strata migrate up'");
        break;
      case MigrationState::kChecksumMismatch:
        problems.push_back(id + " (" + m.file +
                           ") was edited after it was applied: restore the file, or run "
                           "'strata migrate repair' to accept the edit");
        break;
      case MigrationState::kConflict:
        problems.push_back(
            "version " + std::to_string(m.version) + " was applied as '" + m.applied_name +
            "' but this set's version " + std::to_string(m.version) + " is '" + m.name + "' (" +
            m.file +
            "): the database holds another migration under that version (another set, or two "
            "branches that took the same number); give this set's migration a version above " +
            "the applied ones (strata migrate create), or use the set that applied it");
        break;
      case MigrationState::kMissing:
        problems.push_back(id +
                           " is applied but not in this migration set (a newer release?): use "
                           "the set that has it, or run 'strata migrate repair' to forget it");
        break;
      case MigrationState::kFailed: {
        const std::string at = std::to_string(m.failed_statement.value_or(1));
        problems.push_back(
            id + " stopped at statement " + at +
            (m.error.empty() ? " (interrupted)" : " (" + m.error + ")") +
            ": fix the file and run 'strata migrate up' to resume at statement " + at +
            ", or undo its statements by hand and run 'strata migrate repair' to start it over");
        break;
      }
    }
  }
  return problems;
}

std::string DescribeEvent(const MigrationEvent& event) {
  const std::string id = std::to_string(event.version) + " " + event.name;
  char ms[32];
  std::snprintf(ms, sizeof ms, " in %.1f ms", static_cast<double>(event.duration.count()) / 1000.0);
  switch (event.kind) {
    case MigrationEvent::Kind::kCreatedDatabase:
      return "created database '" + event.detail + "'";
    case MigrationEvent::Kind::kWaitingForLock:
      return "waiting: " + (event.detail.empty()
                                ? std::string("another runner holds the migration lock")
                                : "the migration lock is held by " + event.detail);
    case MigrationEvent::Kind::kApplying:
      return "applying " + id;
    case MigrationEvent::Kind::kReverting:
      return "reverting " + id;
    case MigrationEvent::Kind::kApplied:
      return "applied " + id + ms +
             (event.no_statements ? ": no statements, only comments (recorded as applied)" : "");
    case MigrationEvent::Kind::kReverted:
      return "reverted " + id + ms;
    case MigrationEvent::Kind::kLockTimeout:
      return id + " waited longer than its lock timeout for a table lock (attempt " +
             std::to_string(event.statement) + "), rolled back; running it again in " +
             std::to_string(event.duration.count() / 1000) + " ms" +
             (event.detail.empty() ? std::string() : "; locks held by " + event.detail);
    case MigrationEvent::Kind::kResuming:
      break;
  }
  return "resuming " + id + " at statement " + std::to_string(event.statement);
}

}  // namespace strata

namespace strata::migrate {
namespace {

void Describe(const LedgerRowView& row, MigrationStatus& s) {
  s.applied_checksum = row.checksum;
  s.applied_name = row.name;
  s.applied_at = row.applied_at;
  s.duration_ms = row.duration_ms;
  if (row.state != "applied") {
    s.failed_statement = row.failed_statement.value_or(1);
    s.error = row.error;
  }
}

// The set's migrations and the ledger's rows, both in ascending version,
// merged into one list as a sorted merge: each row is matched with the
// set's migration of its version, if any, when it arrives.
class StatusMerge {
 public:
  StatusMerge(Backend backend, const std::vector<Migration>& set) {
    status_.backend = backend;
    status_.migrations.reserve(set.size());
    order_.reserve(set.size());
    for (const Migration& m : set) order_.push_back(&m);
    // A loaded set is already in order (migration_set.cc); one given to
    // OpenMigrator may not be.
    const auto by_version = [](const Migration* a, const Migration* b) {
      return a->version < b->version;
    };
    if (!std::is_sorted(order_.begin(), order_.end(), by_version)) {
      std::sort(order_.begin(), order_.end(), by_version);
    }
  }

  void Add(const LedgerRowView& row) {
    PendingBelow(row.version);
    if (row.state == "applied") status_.current_version = row.version;  // rows ascend
    if (next_ < order_.size() && order_[next_]->version == row.version) {
      const Migration& m = *order_[next_++];
      MigrationStatus& s = FromSet(m);
      Describe(row, s);
      if (row.name != m.name) {
        s.state = MigrationState::kConflict;  // whatever its checksum: another migration
      } else if (row.state != "applied") {
        s.state = MigrationState::kFailed;
      } else {
        const bool former = std::find(m.former_checksums.begin(), m.former_checksums.end(),
                                      row.checksum) != m.former_checksums.end();
        s.state = row.checksum == m.checksum || former ? MigrationState::kApplied
                                                       : MigrationState::kChecksumMismatch;
      }
      return;
    }
    MigrationStatus& s = status_.migrations.emplace_back();
    s.version = row.version;
    s.name = row.name;
    s.checksum = row.checksum;
    Describe(row, s);
    s.state = MigrationState::kMissing;  // whatever its ledger state: the set lacks it
  }

  SchemaStatus Finish() {
    while (next_ < order_.size()) Pending(*order_[next_++]);  // above the last row
    return std::move(status_);
  }

 private:
  MigrationStatus& FromSet(const Migration& m) {
    MigrationStatus& s = status_.migrations.emplace_back();
    s.version = m.version;
    s.name = m.name;
    s.file = m.up_file;
    s.checksum = m.checksum;
    s.has_down = m.down_file.has_value();
    s.transactional = m.transactional;
    return s;
  }

  void Pending(const Migration& m) {
    FromSet(m).state = MigrationState::kPending;
    ++status_.pending;
  }

  // The set's migrations below `version` that no row matched: pending.
  void PendingBelow(std::int64_t version) {
    while (next_ < order_.size() && order_[next_]->version < version) Pending(*order_[next_++]);
  }

  SchemaStatus status_;
  std::vector<const Migration*> order_;  // the set by version
  std::size_t next_ = 0;                 // the first of order_ not yet listed
};

}  // namespace

SchemaStatus ReadStatus(Backend backend, const std::vector<Migration>& set, Ledger ledger) {
  StatusMerge merge(backend, set);
  ledger.ReadEach([&](const LedgerRowView& row) { merge.Add(row); });
  return merge.Finish();
}

}  // namespace strata::migrate
