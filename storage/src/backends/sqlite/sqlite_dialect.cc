// SQLite's column types are what strata exchanges (INTEGER microseconds and
// 0/1, TEXT JSON checked by json_valid), so nothing needs converting.
#include "backends/backend_sessions.h"

namespace strata::backends::sqlite {
namespace {

class SqliteDialect : public SqlDialect {
 public:
  std::string Param(FieldType, std::string_view placeholder) const override {
    return std::string(placeholder);
  }
  std::string Column(FieldType, std::string_view column) const override {
    return std::string(column);
  }
  std::string JsonArrayElements(std::string_view placeholder) const override {
    return "SELECT value FROM json_each(" + std::string(placeholder) + ")";
  }
  const char* BeginWrite() const override { return "BEGIN IMMEDIATE"; }
  const char* LockRows() const override { return ""; }
  bool WritesInOneStatement() const override { return false; }
  // Writers wait for the database's one write lock (the busy timeout);
  // readers never wait (WAL).
  const char* SetLockTimeout(bool) const override { return nullptr; }
  const char* TableLockHolders() const override { return nullptr; }
  // A table's SQL text is left out: SQLite rewrites it on a rename (a
  // rebuilt table's name comes back quoted), so it is compared by its
  // columns, keys and indexes instead. CHECK constraints live only in that
  // text and are not compared.
  const char* Catalog() const override {
    return "SELECT 'table ' || m.name, '' FROM sqlite_master m WHERE m.type = 'table' "
           "AND m.name NOT LIKE 'sqlite_%' AND m.name <> 'strata_schema_migrations' "
           "UNION ALL SELECT 'column ' || m.name || '.' || p.name, p.type || "
           "CASE WHEN p.\"notnull\" THEN ' NOT NULL' ELSE '' END || "
           "coalesce(' DEFAULT ' || p.dflt_value, '') || "
           "CASE WHEN p.pk > 0 THEN ' PRIMARY KEY ' || p.pk ELSE '' END "
           "FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' "
           "AND m.name NOT LIKE 'sqlite_%' AND m.name <> 'strata_schema_migrations' "
           "UNION ALL SELECT 'foreign key ' || m.name || '.' || f.\"from\", f.\"table\" || '(' || "
           "coalesce(f.\"to\", '') || ') ON UPDATE ' || f.on_update || ' ON DELETE ' || "
           "f.on_delete FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f "
           "WHERE m.type = 'table' "
           "UNION ALL SELECT 'unique ' || m.name || '.' || l.name, (SELECT group_concat(i.name, "
           "', ') FROM pragma_index_info(l.name) i) FROM sqlite_master m JOIN "
           "pragma_index_list(m.name) l WHERE m.type = 'table' AND l.origin = 'u' "
           "AND m.name <> 'strata_schema_migrations' "
           "UNION ALL SELECT m.type || ' ' || m.name, m.sql FROM sqlite_master m "
           "WHERE m.type IN ('index', 'trigger', 'view') AND m.sql IS NOT NULL "
           "AND m.tbl_name <> 'strata_schema_migrations' ORDER BY 1";
  }
};

}  // namespace

const SqlDialect& Dialect() {
  static const SqliteDialect dialect;
  return dialect;
}

}  // namespace strata::backends::sqlite
