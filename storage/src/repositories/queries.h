// The queries every repository shares: finding a cluster by name or ARN,
// filters, reading rows, the keyset page query and the versioned update.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "connection/connection.h"
#include "repositories/filters.h"
#include "repositories/identity.h"
#include "repositories/page_token.h"
#include "repositories/row_mapping.h"
#include "repositories/unit_of_work.h"
#include "strata/error.h"

namespace strata::repositories {

// "column = :name" when `value` is an ARN, else the cluster whose name it
// is: "column = (SELECT arn FROM clusters WHERE name = :name)". Either binds
// one text parameter.
inline std::string ClusterMatch(std::string_view value, const std::string& column,
                                const std::string& name) {
  return IsArn(value) ? column + " = " + name
                      : column + " = (SELECT arn FROM clusters WHERE name = " + name + ")";
}

// The cluster a service or task belongs to.
struct ClusterRef {
  std::string arn, name, region, account_id;
};

inline std::optional<ClusterRef> FindCluster(connection::Connection& c,
                                             std::string_view name_or_arn) {
  using connection::Type;
  // Built once: this lookup runs before every write of a service or task.
  static const std::string kByArn =
      "SELECT arn, name, region, account_id FROM clusters WHERE arn = :key";
  static const std::string kByName =
      "SELECT arn, name, region, account_id FROM clusters WHERE name = :key";
  static const std::vector<Type> kParams = {Type::kText};
  static const std::vector<Type> kColumns(4, Type::kText);
  connection::Statement& st = c.Prepare(IsArn(name_or_arn) ? kByArn : kByName, kParams, kColumns);
  st.Text(name_or_arn);
  std::optional<ClusterRef> found;
  if (st.Execute()) {
    found = ClusterRef{std::string(st.GetText(0)), std::string(st.GetText(1)),
                       std::string(st.GetText(2)), std::string(st.GetText(3))};
  }
  st.Finish();
  return found;
}

// Where a cluster named by a call does not exist.
inline constexpr const char* kClusterNotFound = "cluster not found: check its name or ARN";

// Where it was deleted (it is INACTIVE, in `inactive_clusters`).
inline constexpr const char* kClusterInactive =
    "cluster is INACTIVE (deleted): nothing in it can be listed or added; create the cluster "
    "again to use its name";

// The live cluster; NotFoundError when there is none (saying so when the
// name or ARN is a deleted cluster's: only on this error path is that read).
inline ClusterRef RequireCluster(connection::Connection& c, std::string_view name_or_arn) {
  std::optional<ClusterRef> found = FindCluster(c, name_or_arn);
  if (found) return *found;
  using connection::Type;
  connection::Statement& st =
      c.Prepare(std::string("SELECT count(*) FROM inactive_clusters WHERE ") +
                    (IsArn(name_or_arn) ? "arn" : "name") + " = :key",
                {Type::kText}, {Type::kInt});
  st.Text(name_or_arn);
  st.Execute();
  const bool inactive = st.GetInt(0) != 0;
  st.Finish();
  throw NotFoundError(inactive ? kClusterInactive : kClusterNotFound);
}

// Every row of an executed statement, then the statement finished.
template <class E>
std::vector<E> ReadAll(connection::Statement& st, const Table<E>& table) {
  std::vector<E> rows;
  for (bool more = st.Execute(); more; more = st.Next()) table.ReadRow(st, rows.emplace_back());
  return rows;
}

// Up to `limit` rows of `st` into `rows`, read in place into the elements it
// already holds (their strings keep their capacity, so a page read into the
// previous one allocates nothing once its strings are long enough); true
// when the statement had a row more, which is not read.
template <class E>
bool ReadUpTo(connection::Statement& st, const Table<E>& table, std::size_t limit,
              std::vector<E>& rows) {
  rows.reserve(limit);  // a fresh page grows once, not by doubling
  std::size_t n = 0;
  bool more = st.Execute();
  for (; more && n < limit; more = st.Next(), ++n) {
    if (n == rows.size()) rows.emplace_back();
    table.ReadRow(st, rows[n]);
  }
  rows.resize(n);
  if (more) st.Finish();
  return more;
}

// The row of a statement that returns at most one (a key lookup, or a write
// with RETURNING), read in place into `row`; false, with `row` untouched,
// when there is none. It is stepped to its end, not just reset: SQLite runs
// its automatic WAL checkpoint only when a write's statement steps to
// completion, so a write committed by a reset would let the WAL grow
// without bound.
template <class E>
bool ReadOneInto(connection::Statement& st, const Table<E>& table, E& row) {
  const bool found = st.Execute();
  if (found) {
    table.ReadRow(st, row);
    while (st.Next()) {
    }
  }
  st.Finish();
  return found;
}

// As ReadOneInto, into a fresh entity (empty when there is none).
template <class E>
void ReadOne(connection::Statement& st, const Table<E>& table, std::optional<E>& row) {
  row.emplace();
  if (!ReadOneInto(st, table, *row)) row.reset();
}

// "\x1f"-joined parts: what a page token is bound to.
inline std::string QueryKey(std::initializer_list<std::string_view> parts) {
  std::string key;
  for (std::string_view part : parts) {
    key += part;
    key += '\x1f';
  }
  return key;
}

inline const std::string& ClusterArnOf(const Service& s) { return s.cluster_arn; }
inline const std::string& ClusterArnOf(const Task& t) { return t.cluster_arn; }
inline const std::string& ClusterArnOf(const Cluster&) {
  static const std::string kNone;
  return kNone;
}

// Keyset paging over `table` rows matching `where` (which binds the
// parameters that `bind` binds): ORDER BY created_at, id, one row more than
// the limit to learn whether a next page exists. A token is bound to
// `list` ("services"), the cluster's ARN (whether `cluster` gives its name
// or ARN; "" for the cluster list) and `filter_key`. The page is read into
// `out` (ReadUpTo).
template <class E>
void ListPage(connection::Connection& c, const Table<E>& table, const PageTokens& tokens,
              std::string_view list, std::string_view cluster, const std::string& filter_key,
              const std::string& where, const std::vector<connection::Type>& where_types,
              const std::function<void(connection::Statement&)>& bind, const PageRequest& page,
              Page<E>& out) {
  const auto query = [&](std::string_view cluster_arn) {
    return QueryKey({list, cluster_arn}) + filter_key;
  };
  out.next_token.clear();
  std::optional<PagePosition> after;
  if (!page.next_token.empty()) {
    std::string cluster_arn(cluster);
    if (!cluster.empty() && !IsArn(cluster)) cluster_arn = RequireCluster(c, cluster).arn;
    after = tokens.Decode(query(cluster_arn), page.next_token);
  }
  std::string sql = std::string("SELECT ") + table.select_list() + " FROM " + table.name();
  std::string condition = where;
  std::vector<connection::Type> types = where_types;
  if (after) {
    if (!condition.empty()) condition += " AND ";
    condition += "(created_at, id) > (" + table.dialect().Param(FieldType::kTimestamp, ":after_t") +
                 ", :after_id)";
    types.push_back(connection::Type::kInt);
    types.push_back(connection::Type::kText);
  }
  if (!condition.empty()) sql += " WHERE " + condition;
  sql += " ORDER BY created_at, id LIMIT :limit";
  types.push_back(connection::Type::kInt);
  connection::Statement& st = c.Prepare(sql, types, table.read_types());
  bind(st);
  if (after) st.Int(after->created_at).Text(after->id);
  st.Int(page.limit + 1);
  if (ReadUpTo(st, table, static_cast<std::size_t>(page.limit), out.items)) {
    const E& last = out.items.back();
    out.next_token = tokens.Encode(query(ClusterArnOf(last)), {Micros(last.created_at), last.id});
  }
}

// Runs `list`, which reads a page into `into`; on an error, `into` is left
// empty (as the repositories' ListInto promise) and the error rethrown.
template <class E, class List>
void Refill(Page<E>& into, const List& list) {
  try {
    list();
  } catch (...) {
    into.items.clear();
    into.next_token.clear();
    throw;
  }
}

// After an UPDATE ... WHERE <key> AND version = :v matched nothing: a
// NotFoundError when no row matches `where`, else a ConflictError.
[[noreturn]] inline void ThrowMissingOrStale(
    connection::Connection& c, const std::string& table, const std::string& where,
    const std::vector<connection::Type>& types,
    const std::function<void(connection::Statement&)>& bind, const std::string& entity) {
  connection::Statement& st = c.Prepare("SELECT version FROM " + table + " WHERE " + where, types,
                                        {connection::Type::kInt});
  bind(st);
  const bool exists = st.Execute();
  const std::int64_t version = exists ? st.GetInt(0) : 0;
  st.Finish();
  if (!exists) throw NotFoundError(entity + " not found");
  throw ConflictError(entity + " was changed by someone else (stored version " +
                      std::to_string(version) + "): read it again and retry");
}

// UPDATE <table> SET <mutable fields>, version = version + 1 WHERE <where>
// AND version = :version RETURNING the row; `bind_key` binds `where`'s
// parameters. NotFoundError or ConflictError when nothing matched.
template <class E>
E UpdateVersioned(connection::Connection& c, const Table<E>& table, const E& updated,
                  std::int64_t version, const std::string& where,
                  const std::vector<connection::Type>& key_types,
                  const std::function<void(connection::Statement&)>& bind_key,
                  const std::string& entity) {
  std::vector<connection::Type> types = table.UpdateTypes();
  types.insert(types.end(), key_types.begin(), key_types.end());
  types.push_back(connection::Type::kInt);
  connection::Statement& st =
      c.Prepare(std::string("UPDATE ") + table.name() + " SET " + table.SetUpdatable() +
                    ", version = version + 1 WHERE " + where +
                    " AND version = :version RETURNING " + table.select_list(),
                types, table.read_types());
  table.BindUpdatable(st, updated);
  bind_key(st);
  st.Int(version);
  std::optional<E> stored;
  ReadOne(st, table, stored);
  if (!stored) ThrowMissingOrStale(c, table.name(), where, key_types, bind_key, entity);
  return std::move(*stored);  // not a copy of every field
}

// A versioned update runs again safely: its second run finds the version it
// expects gone. The row is the first run's write when it holds the next
// version and the update's updated_at, which the store set to the
// microsecond before the first run; then it becomes `stored`.
template <class E>
Replay VersionedReplay(const Table<E>& table, const E& updated, const std::string& where,
                       const std::vector<connection::Type>& key_types,
                       const std::function<void(connection::Statement&)>& bind_key, E& stored) {
  return {
      true, [&table, &updated, where, key_types, bind_key, &stored](connection::Connection& c) {
        connection::Statement& st = c.Prepare(std::string("SELECT ") + table.select_list() +
                                                  " FROM " + table.name() + " WHERE " + where,
                                              key_types, table.read_types());
        bind_key(st);
        std::optional<E> row;
        ReadOne(st, table, row);
        if (!row || row->version != updated.version + 1 || row->updated_at != updated.updated_at) {
          return false;
        }
        stored = *row;
        return true;
      }};
}

// A create runs again safely when its id is new (the store made it up) or
// its creation time is, which the store set to the microsecond before the
// first run: "already exists" is the first run's row when the row found by
// `key` has this id and creation time; then it becomes `created`. `key` is
// read when the check runs.
template <class E>
Replay CreateReplay(const Table<E>& table, E& created, const std::string& key_column,
                    const std::string& key) {
  return {true, [&table, &created, key_column, &key](connection::Connection& c) {
            connection::Statement& st =
                c.Prepare(std::string("SELECT ") + table.select_list() + " FROM " + table.name() +
                              " WHERE " + key_column + " = :key",
                          {connection::Type::kText}, table.read_types());
            st.Text(key);
            std::optional<E> row;
            ReadOne(st, table, row);
            if (!row || row->id != created.id || row->created_at != created.created_at) {
              return false;
            }
            created = *row;
            return true;
          }};
}

}  // namespace strata::repositories
