#include "migrate/status_json.h"

#include "strata/timestamp.h"

namespace strata::migrate {

using json = nlohmann::ordered_json;

json TextOrNull(const std::string& text) { return text.empty() ? json(nullptr) : json(text); }

namespace {

template <typename T>
json ValueOrNull(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}

}  // namespace

json StatusDocument(const SchemaStatus& status) {
  json migrations = json::array();
  for (const MigrationStatus& m : status.migrations) {
    migrations.push_back({
        {"version", m.version},
        {"name", m.name},
        {"state", MigrationStateName(m.state)},
        {"applied_at", m.applied_at ? json(FormatTimestamp(*m.applied_at)) : json(nullptr)},
        {"checksum", m.checksum},
        {"applied_checksum", TextOrNull(m.applied_checksum)},
        {"applied_name", TextOrNull(m.applied_name)},
        {"duration_ms", ValueOrNull(m.duration_ms)},
        {"failed_statement", ValueOrNull(m.failed_statement)},
        {"error", TextOrNull(m.error)},
        {"file", TextOrNull(m.file)},
        {"transactional", m.transactional},
        {"has_down", m.has_down},
    });
  }
  return {{"backend", BackendName(status.backend)},
          {"current_version", status.current_version},
          {"pending", status.pending},
          {"migrations", migrations}};
}

std::string DumpJson(const json& doc) {
  return doc.dump(2, ' ', false, json::error_handler_t::replace);
}

}  // namespace strata::migrate

namespace strata {

std::string FormatStatusJson(const SchemaStatus& status) {
  return migrate::DumpJson(migrate::StatusDocument(status));
}

}  // namespace strata
