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
  const char* Catalog() const override {
    return "WITH here AS (SELECT oid FROM pg_namespace WHERE nspname = current_schema()), "
           "rel AS (SELECT c.oid, c.relname, c.relkind FROM pg_class c, here "
           "WHERE c.relnamespace = here.oid AND c.relname <> 'strata_schema_migrations') "
           "SELECT 'table ' || relname, '' FROM rel WHERE relkind IN ('r', 'p') "
           "UNION ALL SELECT 'column ' || r.relname || '.' || a.attname, "
           "format_type(a.atttypid, a.atttypmod) || "
           "CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END || "
           "coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '') "
           "FROM pg_attribute a JOIN rel r ON r.oid = a.attrelid "
           "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
           "WHERE r.relkind IN ('r', 'p', 'v') AND a.attnum > 0 AND NOT a.attisdropped "
           "UNION ALL SELECT 'index ' || i.relname, pg_get_indexdef(x.indexrelid) "
           "FROM pg_index x JOIN rel i ON i.oid = x.indexrelid "
           "UNION ALL SELECT 'constraint ' || r.relname || '.' || c.conname, "
           "pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN rel r ON r.oid = c.conrelid "
           "UNION ALL SELECT 'trigger ' || r.relname || '.' || t.tgname, pg_get_triggerdef(t.oid) "
           "FROM pg_trigger t JOIN rel r ON r.oid = t.tgrelid WHERE NOT t.tgisinternal "
           "UNION ALL SELECT 'view ' || r.relname, pg_get_viewdef(r.oid) FROM rel r "
           "WHERE r.relkind IN ('v', 'm') "
           "UNION ALL SELECT 'sequence ' || relname, '' FROM rel WHERE relkind = 'S' "
           "UNION ALL SELECT 'function ' || p.oid::regprocedure::text, pg_get_functiondef(p.oid) "
           "FROM pg_proc p, here WHERE p.pronamespace = here.oid AND p.prokind IN ('f', 'p') "
           "ORDER BY 1";
  }
};

}  // namespace

const SqlDialect& Dialect() {
  static const PostgresDialect dialect;
  return dialect;
}

}  // namespace strata::backends::postgres
