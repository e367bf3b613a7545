// The calls that services and tasks share as rows of a cluster, keyed within
// it by a column of their own (a service's name, a task's id) or by ARN:
// listing one page under filters, the versioned update, deleting one.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "repositories/queries.h"
#include "repositories/unit_of_work.h"

namespace strata::repositories {

// "<cluster match> AND <key column or arn> = :key": binds the cluster, then
// the key.
inline std::string KeyInCluster(std::string_view cluster, std::string_view key_or_arn,
                                const char* key_column) {
  return ClusterMatch(cluster, "cluster_arn", ":cluster") + " AND " +
         (IsArn(key_or_arn) ? "arn" : key_column) + " = :key";
}

// The shape of a call on a cluster's rows: whether it names the cluster by
// ARN, and which filters it has; SqlVariants of kCallShapes hold its texts.
inline constexpr std::size_t kCallShapes = 2 * Filters::kShapes;
inline std::size_t CallShape(std::string_view cluster, const Filters& filters) {
  return (IsArn(cluster) ? Filters::kShapes : 0) + filters.shape();
}

// "<cluster match><filters>": the condition on a cluster's rows of a list
// or count, from `variants` (kCallShapes, one per repository and filter):
// binds the cluster, then the filter's values.
inline const std::string& WhereInCluster(const SqlVariants& variants, std::string_view cluster,
                                         const Filters& filters) {
  return variants
      .Get(CallShape(cluster, filters),
           [&] { return ClusterMatch(cluster, "cluster_arn", ":cluster") + filters.Sql(); })
      .sql();
}

// The cluster's rows matching `filters` (`where`: WhereInCluster), one
// keyset page read into `out` (ListPage); a token is bound to `list`, the
// cluster and `filter_key`. NotFoundError when the page is empty because
// the cluster does not exist.
template <class E>
void ListInCluster(UnitOfWork& unit, const Table<E>& table, const char* entity,
                   std::string_view list, std::string_view cluster, const Filters& filters,
                   const std::string& where, const std::string& filter_key, const PageRequest& page,
                   Page<E>& out) {
  unit.Read(entity, [&](connection::Connection& conn) {
    ListPage<E>(
        conn, table, unit.tokens(), list, cluster, filter_key, where,
        TextParams(1 + filters.size()),
        [&](connection::Statement& st) { filters.Bind(st, cluster); }, page, out);
    if (out.items.empty()) RequireCluster(conn, cluster);
  });
}

// Update of the row that `updated.arn` names, or when it is empty, the row
// of `updated.cluster_arn` whose `key_column` is `key` (among the rows that
// match `only`, when given): the updatable fields, version + 1, when the
// stored version is `updated.version`. NotFoundError or ConflictError
// otherwise.
template <class E>
E UpdateInCluster(UnitOfWork& unit, const Table<E>& table, const char* entity, E updated,
                  const char* key_column, const std::string& key, const char* only = nullptr) {
  using connection::Type;
  const bool by_arn = !updated.arn.empty();
  const std::string what(entity);
  if (by_arn) {
    CheckReference(what + " ARN", updated.arn);
  } else {
    CheckReference(what + " cluster", updated.cluster_arn);
    CheckReference(what + " " + key_column, key);
  }
  table.CheckValues(updated);
  updated.updated_at = Now();
  std::string where = by_arn ? std::string("arn = :key")
                             : ClusterMatch(updated.cluster_arn, "cluster_arn", ":cluster") +
                                   " AND " + key_column + " = :key";
  if (only != nullptr) where += std::string(" AND ") + only;
  const std::vector<Type> key_types(by_arn ? 1 : 2, Type::kText);
  const auto bind_key = [&](connection::Statement& st) {
    if (!by_arn) st.Text(updated.cluster_arn);
    st.Text(by_arn ? updated.arn : key);
  };
  E stored;
  unit.Write(
      what,
      [&](connection::Connection& conn) {
        stored = UpdateVersioned(conn, table, updated, updated.version, where, key_types, bind_key,
                                 what);
      },
      VersionedReplay(table, updated, where, key_types, bind_key, stored));
  return stored;
}

// Deletes the cluster's row named by `key_or_arn`. NotFoundError when there
// is none.
template <class E>
void DeleteInCluster(UnitOfWork& unit, const Table<E>& table, const char* entity,
                     std::string_view cluster, std::string_view key_or_arn,
                     const char* key_column) {
  using connection::Type;
  CheckReference("cluster", cluster);
  CheckReference(entity, key_or_arn);
  const std::string where = KeyInCluster(cluster, key_or_arn, key_column);
  unit.Write(entity, [&](connection::Connection& conn) {
    connection::Statement& st =
        conn.Prepare(std::string("DELETE FROM ") + table.name() + " WHERE " + where,
                     {Type::kText, Type::kText}, {});
    st.Text(cluster).Text(key_or_arn);
    st.Execute();
    if (st.AffectedRows() == 0) throw NotFoundError(std::string(entity) + " not found");
  });
}

}  // namespace strata::repositories
