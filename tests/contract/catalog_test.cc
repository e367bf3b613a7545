// The two migration sets describe one schema: tables, columns, indexes (with
// their columns and uniqueness) and foreign keys, compared by name across
// SQLite and PostgreSQL, so that neither set can drift from the other; and
// the store's declaration of each table's columns (repositories/schema.cc)
// is that schema.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "environment.h"
#include "repositories/schema.h"
#include "strata/strata.h"

namespace strata::testing {
namespace {

struct Catalog {
  std::string columns, indexes, foreign_keys;
};

Catalog Read(Backend backend) {
  TestDatabase& db = TestEnvironment::Get().Database(backend);
  if (backend == Backend::kSqlite) {
    const std::string tables =
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
    return {
        *db.QueryValue("SELECT group_concat(x, ',') FROM (SELECT t.name || '.' || c.name AS x "
                       "FROM (" +
                       tables + ") t, pragma_table_info(t.name) c ORDER BY 1)"),
        *db.QueryValue(
            "SELECT group_concat(x, ',') FROM (SELECT i.name || CASE i.\"unique\" WHEN 1 THEN "
            "' unique' ELSE '' END || ' (' || (SELECT group_concat(name, ' ') FROM (SELECT "
            "name FROM pragma_index_info(i.name) ORDER BY seqno)) || ')' AS x FROM (" +
            tables + ") t, pragma_index_list(t.name) i WHERE i.origin = 'c' ORDER BY 1)"),
        *db.QueryValue("SELECT group_concat(x, ',') FROM (SELECT t.name || '.' || f.\"from\" || "
                       "' -> ' || f.\"table\" || '.' || f.\"to\" || ' ' || f.on_delete AS x FROM "
                       "(" +
                       tables + ") t, pragma_foreign_key_list(t.name) f ORDER BY 1)"),
    };
  }
  return {
      *db.QueryValue("SELECT string_agg(table_name || '.' || column_name, ',' ORDER BY "
                     "table_name || '.' || column_name COLLATE \"C\") FROM "
                     "information_schema.columns WHERE table_schema = current_schema()"),
      *db.QueryValue(
          "SELECT string_agg(x, ',' ORDER BY x COLLATE \"C\") FROM (SELECT ic.relname || CASE "
          "WHEN ix.indisunique THEN ' unique' ELSE '' END || ' (' || string_agg(a.attname, ' ' "
          "ORDER BY k.ord) || ')' AS x FROM pg_index ix JOIN pg_class ic ON ic.oid = "
          "ix.indexrelid JOIN pg_class tc ON tc.oid = ix.indrelid JOIN pg_namespace n ON n.oid "
          "= tc.relnamespace CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, "
          "ord) JOIN pg_attribute a ON a.attrelid = tc.oid AND a.attnum = k.attnum WHERE "
          "n.nspname = current_schema() AND NOT ix.indisprimary GROUP BY ic.relname, "
          "ix.indisunique) s"),
      *db.QueryValue(
          "SELECT string_agg(x, ',' ORDER BY x COLLATE \"C\") FROM (SELECT c.conrelid::regclass "
          "|| '.' || a.attname || ' -> ' || c.confrelid::regclass || '.' || af.attname || ' ' "
          "|| CASE c.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'a' THEN 'NO ACTION' ELSE "
          "c.confdeltype::text END AS x FROM pg_constraint c JOIN pg_attribute a ON a.attrelid "
          "= c.conrelid AND a.attnum = c.conkey[1] JOIN pg_attribute af ON af.attrelid = "
          "c.confrelid AND af.attnum = c.confkey[1] WHERE c.contype = 'f' AND c.connamespace = "
          "current_schema()::regnamespace) s"),
  };
}

TEST(Catalog, BothBackendsHaveTheSameSchema) {
  if (!BackendSelected(Backend::kSqlite) || !BackendSelected(Backend::kPostgres)) {
    GTEST_SKIP() << "compares two backends; this run selects one (STRATA_TEST_BACKENDS)";
  }
  for (const Backend backend : {Backend::kSqlite, Backend::kPostgres}) {
    StoreOptions o = TestEnvironment::Get().Options(backend);
    o.auto_migrate = true;
    Store::Open(o);
  }
  const Catalog sqlite = Read(Backend::kSqlite);
  const Catalog postgres = Read(Backend::kPostgres);
  EXPECT_NE(sqlite.columns.find("tasks.family"), std::string::npos) << sqlite.columns;
  EXPECT_NE(sqlite.indexes.find("tasks_arn_key unique (arn)"), std::string::npos) << sqlite.indexes;
  EXPECT_NE(sqlite.foreign_keys.find("tasks.cluster_arn -> clusters.arn CASCADE"),
            std::string::npos)
      << sqlite.foreign_keys;
  EXPECT_EQ(sqlite.columns, postgres.columns);
  EXPECT_EQ(sqlite.indexes, postgres.indexes);
  EXPECT_EQ(sqlite.foreign_keys, postgres.foreign_keys);
}

class DeclaredColumnsTest : public BackendTest {
 protected:
  // The table's columns in the migrated schema, sorted.
  std::vector<std::string> SchemaColumns(const std::string& table) {
    const std::string list = *db().QueryValue(
        GetParam() == Backend::kSqlite
            ? "SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_table_info('" + table +
                  "') ORDER BY name)"
            : "SELECT string_agg(column_name, ',' ORDER BY column_name COLLATE \"C\") FROM "
              "information_schema.columns WHERE table_schema = current_schema() AND "
              "table_name = '" +
                  table + "'");
    std::vector<std::string> columns;
    for (std::size_t start = 0; start <= list.size();) {
      const std::size_t end = std::min(list.find(',', start), list.size());
      columns.push_back(list.substr(start, end - start));
      start = end + 1;
    }
    return columns;
  }

  template <class E>
  static std::vector<std::string> Declared(const std::vector<repositories::Column<E>>& columns) {
    std::vector<std::string> names;
    for (const auto& c : columns) {
      if (c.stored()) names.emplace_back(c.name);
    }
    std::sort(names.begin(), names.end());
    return names;
  }
};

TEST_P(DeclaredColumnsTest, EveryTableColumnIsDeclaredOnceAndEveryDeclaredColumnExists) {
  StoreOptions o = options();
  o.auto_migrate = true;
  Store::Open(o);
  EXPECT_EQ(SchemaColumns("clusters"), Declared(repositories::ClusterColumns()));
  EXPECT_EQ(SchemaColumns("services"), Declared(repositories::ServiceColumns()));
  EXPECT_EQ(SchemaColumns("tasks"), Declared(repositories::TaskColumns()));
}

// The public description names each field once, in the entity's order,
// and leaves out columns that hold no field (a task's family).
TEST(FieldsTest, EachFieldOnceNamedAsItsMember) {
  std::set<std::string_view> names;
  for (const Field<Task>& f : Fields<Task>()) EXPECT_TRUE(names.insert(f.name).second) << f.name;
  EXPECT_EQ(names.size(), repositories::TaskColumns().size() - 1);
  EXPECT_TRUE(names.contains("group"));
  EXPECT_FALSE(names.contains("task_group"));
  EXPECT_FALSE(names.contains("family"));
  EXPECT_EQ(Fields<Cluster>().front().name, "id");
  EXPECT_EQ(Fields<Service>().back().name, "updated_at");
  EXPECT_FALSE(Fields<Cluster>().front().updatable);
}

STRATA_BACKEND_TEST_SUITE(DeclaredColumnsTest);

}  // namespace
}  // namespace strata::testing
