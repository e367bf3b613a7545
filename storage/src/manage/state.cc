#include "manage/state.h"

#include <cstdio>

#include "migrate/status_json.h"

namespace strata::manage {

using json = nlohmann::ordered_json;

std::string_view PhaseName(Phase phase) {
  switch (phase) {
    case Phase::kStarting:
      return "starting";
    case Phase::kConnecting:
      return "connecting";
    case Phase::kChecking:
      return "checking";
    case Phase::kWaitingForLock:
      return "waiting_for_lock";
    case Phase::kApplying:
      return "applying";
    case Phase::kIdle:
      return "idle";
    case Phase::kStopping:
      return "stopping";
  }
  return "unknown";
}

Readiness Evaluate(const Snapshot& s, SteadyClock::time_point now,
                   std::chrono::milliseconds stale_after) {
  const auto with_error = [&](std::string reason) {
    if (!s.last_error.empty()) reason += "; last error: " + s.last_error;
    return Readiness{false, std::move(reason)};
  };
  if (s.stopping) return {false, "shutting down"};
  if (!s.database_up) {
    return with_error(s.checked_at ? "the database does not answer"
                                   : "not connected to the database yet");
  }
  if (s.check_running && now - s.check_started > stale_after) {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now - s.check_started);
    return {false,
            "the database has not answered a check for " + std::to_string(seconds.count()) + " s"};
  }
  if (!s.status) return with_error("the schema has not been read yet");
  if (s.set_blocked) return with_error("the migration set cannot be applied until it changes");
  if (!s.status->Ready()) {
    std::string problems;
    if (s.status->OnlyPending()) {
      // Only pending ones, as on every first start: name a few.
      problems = std::to_string(s.status->pending) +
                 (s.status->pending == 1 ? " pending migration: " : " pending migrations: ");
      int named = 0;
      for (const MigrationStatus& m : s.status->migrations) {
        if (m.state != MigrationState::kPending) continue;
        if (++named > 3) {
          problems += ", ...";
          break;
        }
        problems += (named > 1 ? ", " : "") + std::to_string(m.version) + " " + m.name;
      }
    } else {
      for (const std::string& problem : s.status->Problems()) {
        if (problems.size() > 400) {
          problems += "; ...";
          break;
        }
        problems += (problems.empty() ? "" : "; ") + problem;
      }
    }
    if (s.phase == Phase::kApplying) problems = "applying: " + problems;
    if (!s.lock_holder.empty()) problems += "; the migration lock is held by " + s.lock_holder;
    return with_error(problems);
  }
  return {true, "ready"};
}

namespace {

json TimeOrNull(const std::optional<Timestamp>& t) {
  return t ? json(FormatTimestamp(*t)) : json(nullptr);
}

}  // namespace

std::string StatusJson(const Snapshot& s, const Readiness& readiness) {
  json doc;
  if (s.status) {
    doc = migrate::StatusDocument(*s.status);
  } else {
    doc = {{"backend", nullptr},
           {"current_version", nullptr},
           {"pending", nullptr},
           {"migrations", json::array()}};
  }
  doc["ready"] = readiness.ready;
  doc["reason"] = readiness.reason;
  doc["phase"] = PhaseName(s.phase);
  doc["database_up"] = s.database_up;
  doc["checked_at"] = TimeOrNull(s.checked_at);
  doc["lock_holder"] = migrate::TextOrNull(s.lock_holder);
  doc["set_hash"] = migrate::TextOrNull(s.set_hash);
  doc["set_directory"] = migrate::TextOrNull(s.set_directory);
  doc["watching"] = s.watching;
  doc["set_blocked"] = s.set_blocked;
  doc["last_error"] = migrate::TextOrNull(s.last_error);
  doc["last_error_at"] = TimeOrNull(s.last_error_at);
  doc["last_success_at"] = TimeOrNull(s.last_success_at);
  json reloads;
  for (std::size_t i = 0; i < kReloadCauseNames.size(); ++i) {
    reloads[std::string(kReloadCauseNames[i])] = s.reloads[i];
  }
  doc["reloads"] = reloads;
  return migrate::DumpJson(doc) + "\n";
}

namespace {

void Metric(std::string& out, const char* name, const char* type, const char* help, double value) {
  char line[64];
  std::snprintf(line, sizeof line, "%.17g", value);
  out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" +
         name + " " + line + "\n";
}

double Seconds(const std::optional<Timestamp>& t) {
  return t ? static_cast<double>(t->time_since_epoch().count()) / 1e6 : 0;
}

}  // namespace

std::string MetricsText(const Snapshot& s, const Readiness& readiness) {
  std::string out;
  int applied = 0;
  if (s.status) {
    for (const MigrationStatus& m : s.status->migrations) {
      applied += m.state == MigrationState::kApplied ? 1 : 0;
    }
  }
  Metric(out, "strata_ready", "gauge", "1 while /readiness answers 200.", readiness.ready);
  Metric(out, "strata_database_up", "gauge", "1 while the database answers the sidecar's checks.",
         s.database_up);
  Metric(out, "strata_migrations_applied", "gauge", "Migrations the ledger records as applied.",
         applied);
  Metric(out, "strata_migrations_pending", "gauge", "Migrations of the set not applied yet.",
         s.status ? s.status->pending : 0);
  Metric(out, "strata_migrations_current_version", "gauge", "The highest applied version.",
         static_cast<double>(s.status ? s.status->current_version : 0));
  Metric(out, "strata_migrations_applied_total", "counter", "Migrations this process applied.",
         static_cast<double>(s.migrations_applied_total));
  Metric(out, "strata_migration_failures_total", "counter",
         "Migration runs that failed (each is tried again with backoff).",
         static_cast<double>(s.failures_total));
  Metric(out, "strata_database_check_failures_total", "counter",
         "Database checks or connection attempts that failed.",
         static_cast<double>(s.database_failures_total));
  Metric(out, "strata_migration_last_success_timestamp_seconds", "gauge",
         "When a run last left nothing pending (Unix time; 0: not yet).",
         Seconds(s.last_success_at));
  Metric(out, "strata_migration_apply_duration_seconds", "gauge",
         "How long the last run that applied migrations took.", s.last_apply_seconds);
  Metric(out, "strata_migration_set_blocked", "gauge",
         "1 while the set cannot be applied until it changes (edited or conflicting migration).",
         s.set_blocked);
  out +=
      "# HELP strata_migration_set_reloads_total Reads of the migration set that found it "
      "changed, by what caused the read.\n# TYPE strata_migration_set_reloads_total counter\n";
  for (std::size_t i = 0; i < kReloadCauseNames.size(); ++i) {
    out += "strata_migration_set_reloads_total{cause=\"" + std::string(kReloadCauseNames[i]) +
           "\"} " + std::to_string(s.reloads[i]) + "\n";
  }
  return out;
}

std::shared_ptr<const Snapshot> State::Get() const {
  const std::lock_guard<std::mutex> hold(mutex_);
  return current_;
}

void State::Update(const std::function<void(Snapshot&)>& change) {
  const std::lock_guard<std::mutex> hold(mutex_);
  auto next = std::make_shared<Snapshot>(*current_);
  change(*next);
  current_ = std::move(next);
}

}  // namespace strata::manage
