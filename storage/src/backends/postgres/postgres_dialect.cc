// PostgreSQL stores timestamps as timestamptz, booleans as boolean and JSON
// as json; values cross libpq as text, so each is cast on the way in and out.
#include "backends/backend_sessions.h"

namespace strata::backends::postgres {
namespace {

class PostgresDialect : public SqlDialect {
 public:
  std::string Param(FieldType type, std::string_view placeholder) const override {
    const std::string p(placeholder);
    switch (type) {
      case FieldType::kTimestamp:
      case FieldType::kOptionalTimestamp:
        // Exact: the microseconds are an integer interval (to_timestamp
        // goes through a double).
        return "(TIMESTAMPTZ 'epoch' + CAST(" + p + " AS bigint) * INTERVAL '1 microsecond')";
      case FieldType::kBoolean:
        return "CAST(CAST(" + p + " AS integer) AS boolean)";
      case FieldType::kJson:
        return "CAST(" + p + " AS json)";
      case FieldType::kInteger:
        return "CAST(" + p + " AS bigint)";
      case FieldType::kText:
        break;
    }
    return p;
  }

  std::string Column(FieldType type, std::string_view column) const override {
    const std::string c(column);
    switch (type) {
      case FieldType::kTimestamp:
      case FieldType::kOptionalTimestamp:
        // EXTRACT returns numeric (exact) since PostgreSQL 14.
        return "CAST(EXTRACT(EPOCH FROM " + c + ") * 1000000 AS bigint)";
      case FieldType::kBoolean:
        return "CAST(" + c + " AS integer)";
      default:
        return c;
    }
  }

  std::string JsonArrayElements(std::string_view placeholder) const override {
    return "SELECT json_array_elements_text(CAST(" + std::string(placeholder) + " AS json))";
  }

  const char* BeginWrite() const override { return "BEGIN"; }
  const char* LockRows() const override { return " FOR UPDATE"; }
  bool WritesInOneStatement() const override { return true; }
  const char* SetLockTimeout(bool local) const override {
    return local ? "SELECT set_config('lock_timeout', :timeout, true)"
                 : "SELECT set_config('lock_timeout', :timeout, false)";
  }
  const char* TableLockHolders() const override {
    return "SELECT a.pid, coalesce(a.usename, ''), coalesce(a.application_name, ''), "
           "coalesce(a.state, ''), CAST(EXTRACT(EPOCH FROM now() - a.xact_start) AS bigint), "
           "string_agg(DISTINCT c.relname || ' ' || l.mode, ', ') "
           "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
           "JOIN pg_class c ON c.oid = l.relation "
           "WHERE l.granted AND l.locktype = 'relation' AND a.pid <> pg_backend_pid() "
           "AND a.xact_start IS NOT NULL "
           "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
           "AND c.relnamespace NOT IN (SELECT oid FROM pg_namespace "
           "WHERE nspname IN ('pg_catalog', 'information_schema')) "
           "GROUP BY a.pid, a.usename, a.application_name, a.state, a.xact_start "
           "ORDER BY a.xact_start LIMIT 3";
  }
};

}  // namespace

const SqlDialect& Dialect() {
  static const PostgresDialect dialect;
  return dialect;
}

}  // namespace strata::backends::postgres
