// Writes of a cluster's rows (a task, a service) in one statement on
// PostgreSQL: the cluster is checked inside the INSERT itself, from what an
// earlier call read about it, instead of being looked up first (ADR 0014).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "repositories/queries.h"

namespace strata::repositories {

// What a guarded INSERT ... SELECT appends after its row's values: the row
// is written only while the cluster it was completed from is live and
// unchanged. Binds with BindCluster, after the row.
inline constexpr const char* kFromCluster =
    " FROM clusters WHERE arn = :cluster_arn AND name = :cluster_name AND region = "
    ":cluster_region AND account_id = :cluster_account";

inline void BindCluster(connection::Statement& st, const ClusterRef& cluster) {
  st.Text(cluster.arn).Text(cluster.name).Text(cluster.region).Text(cluster.account_id);
}

// `types` (a row's) followed by the four of kFromCluster.
inline std::vector<connection::Type> WithClusterTypes(std::vector<connection::Type> types) {
  types.insert(types.end(), 4, connection::Type::kText);
  return types;
}

// The clusters a repository's writes named, by the name or ARN the caller
// gave. Shared by the store's threads; bounded (emptied when full). An entry
// may go stale (the cluster deleted, or replaced by another of that name):
// the guard of kFromCluster then matches nothing and the write reads the
// cluster again, so a stale entry costs a round trip and is never written.
class ClusterCache {
 public:
  std::shared_ptr<const ClusterRef> Find(std::string_view key) const {
    const std::shared_lock lock(mutex_);
    const auto it = refs_.find(key);
    return it == refs_.end() ? nullptr : it->second;
  }

  std::shared_ptr<const ClusterRef> Remember(std::string_view key, ClusterRef cluster) {
    auto ref = std::make_shared<const ClusterRef>(std::move(cluster));
    const std::unique_lock lock(mutex_);
    if (refs_.size() >= kMaxEntries) refs_.clear();
    refs_.insert_or_assign(std::string(key), ref);
    return ref;
  }

  void Forget(std::string_view key) {
    const std::unique_lock lock(mutex_);
    if (const auto it = refs_.find(key); it != refs_.end()) refs_.erase(it);
  }

 private:
  static constexpr std::size_t kMaxEntries = 1024;
  mutable std::shared_mutex mutex_;
  std::map<std::string, std::shared_ptr<const ClusterRef>, std::less<>> refs_;
};

// What a new row of a cluster (a task, a service) left for the store to fill
// in from its cluster: taken before the first try, so that a try with
// another cluster (a stale cache entry) fills in the same fields.
struct ClusterFields {
  template <class E>
  explicit ClusterFields(const E& row)
      : region(!row.region.empty()), account(!row.account_id.empty()), arn(!row.arn.empty()) {}

  // The cluster's ARN; its region and account, and an ARN of `kind` at
  // "<cluster name>/<path>", where the row's were left empty.
  template <class E>
  void Fill(E& row, const ClusterRef& cluster, std::string_view kind, std::string_view path) const {
    row.cluster_arn = cluster.arn;
    if (!region) row.region = cluster.region;
    if (!account) row.account_id = cluster.account_id;
    if (!arn)
      row.arn = MakeArn(row.region, row.account_id, kind, cluster.name + "/" + std::string(path));
  }

  bool region, account, arn;  // given by the caller
};

// How a row of a cluster (a task, a service) is inserted, with `suffix`
// after its values (an upsert's ON CONFLICT, a RETURNING). Where a statement
// costs a round trip (SqlDialect::WritesInOneStatement), the INSERT ...
// SELECT guarded by kFromCluster; else INSERT ... VALUES after a lookup of
// the cluster, which costs none.
template <class E>
struct ClusterInsert {
  ClusterInsert(const Table<E>& table, const std::string& suffix)
      : guarded(table.dialect().WritesInOneStatement()),
        sql(guarded ? table.InsertSelect() + kFromCluster + suffix : table.Insert() + suffix),
        types(guarded ? WithClusterTypes(table.InsertTypes()) : table.InsertTypes()) {}

  // The row's values, then the guard's.
  void Bind(connection::Statement& st, const Table<E>& table, const E& row,
            const ClusterRef& cluster) const {
    table.BindAll(st, row);
    if (guarded) BindCluster(st, cluster);
  }

  const bool guarded;
  const std::string sql;
  const std::vector<connection::Type> types;
};

// Writes a row in the cluster that `key` (a name or ARN) names: `write`
// completes the row from the cluster, runs `insert`'s statement and returns
// whether it wrote. Guarded, with the cluster cached, that is the call's only
// statement; else (or when the entry is stale) the cluster is read first,
// NotFoundError when there is none, as RequireCluster says.
template <class E, class Write>
void WriteInCluster(connection::Connection& c, ClusterCache& cache, const ClusterInsert<E>& insert,
                    std::string_view key, Write&& write) {
  if (!insert.guarded) {
    if (!write(RequireCluster(c, key))) throw NotFoundError(kClusterNotFound);
    return;
  }
  if (const std::shared_ptr<const ClusterRef> known = cache.Find(key)) {
    if (write(*known)) return;
    cache.Forget(key);
  }
  const std::shared_ptr<const ClusterRef> read = cache.Remember(key, RequireCluster(c, key));
  if (write(*read)) return;
  // Deleted or replaced between the two statements (autocommit).
  cache.Forget(key);
  RequireCluster(c, key);
  throw ConflictError("cluster was replaced while the write ran: try again");
}

}  // namespace strata::repositories
