// Clusters: the live ones unique by name and by ARN in `clusters`; deleting
// one (refused while it is in use, unless forced) moves it, INACTIVE, to
// `inactive_clusters` and deletes its services and tasks through the foreign
// keys.
#include <algorithm>
#include <iterator>
#include <tuple>

#include "repositories/queries.h"
#include "repositories/schema.h"
#include "repositories/unit_of_work.h"
#include "strata/error.h"

namespace strata::repositories {
namespace {

using connection::Type;

class ClusterRepositoryImpl : public ClusterRepository {
 public:
  explicit ClusterRepositoryImpl(UnitOfWork& unit)
      : unit_(unit),
        table_("clusters", "cluster", ClusterColumns(), unit.dialect()),
        inactive_("inactive_clusters", "cluster", InactiveColumns(), unit.dialect()),
        select_by_arn_(Select("arn")),
        select_by_name_(Select("name")) {}

  Cluster Create(Cluster c) override {
    CheckName("cluster name", c.name);
    if (!c.arn.empty()) CheckArn("cluster ARN", c.arn);
    table_.CheckValues(c);
    CheckNotInactive("cluster", c.status);
    if (c.region.empty()) c.region = kDefaultRegion;
    if (c.account_id.empty()) c.account_id = kDefaultAccount;
    if (c.arn.empty()) c.arn = MakeArn(c.region, c.account_id, "cluster", c.name);
    c.id = NewId();
    c.version = 1;
    // Store-owned: a new cluster has no services or tasks yet.
    c.running_tasks_count = c.pending_tasks_count = c.active_services_count = 0;
    c.created_at = c.updated_at = Now();
    unit_.Write(
        "cluster",
        [&](connection::Connection& conn) {
          connection::Statement& st = conn.Prepare(table_.Insert(), table_.InsertTypes(), {});
          table_.BindAll(st, c);
          st.Execute();
        },
        CreateReplay(table_, c, "arn", c.arn));
    return c;
  }

  bool FindInto(std::string_view name_or_arn, Cluster& into) override {
    CheckReference("cluster", name_or_arn);
    bool found = false;
    unit_.Read("cluster", [&](connection::Connection& conn) {
      static const std::vector<Type> kKey = {Type::kText};
      connection::Statement& st = conn.Prepare(
          IsArn(name_or_arn) ? select_by_arn_ : select_by_name_, kKey, table_.read_types());
      st.Text(name_or_arn);
      found = ReadOneInto(st, table_, into);
      if (found) return;
      connection::Statement& gone = conn.Prepare(
          std::string("SELECT ") + inactive_.select_list() + " FROM inactive_clusters WHERE " +
              KeyColumn(name_or_arn) + " = :key ORDER BY updated_at DESC, id DESC LIMIT 1",
          kKey, inactive_.read_types());
      gone.Text(name_or_arn);
      found = ReadOneInto(gone, inactive_, into);
    });
    return found;
  }

  void ListInto(const ClusterFilter& filter, const PageRequest& page,
                Page<Cluster>& into) override {
    Refill(into, [&] {
      CheckPage(page);
      // Tokens of the list with INACTIVE clusters are its own.
      const std::string filter_key = filter.include_inactive ? "inactive" : "";
      unit_.Read("cluster", [&](connection::Connection& conn) {
        const auto page_of = [&](const Table<Cluster>& table, const char* where,
                                 Page<Cluster>& out) {
          ListPage<Cluster>(
              conn, table, unit_.tokens(), "clusters", "", filter_key, where, {},
              [](connection::Statement&) {}, page, out);
        };
        // A live row stored INACTIVE before soft deletes counts as deleted.
        page_of(table_, filter.include_inactive ? "" : "status <> 'INACTIVE'", into);
        if (!filter.include_inactive) return;
        // Both tables' pages start after the same position: the first
        // `limit` of the two merged are this page.
        Page<Cluster> gone;
        page_of(inactive_, "", gone);
        if (gone.items.empty()) return;
        const bool more = !into.next_token.empty() || !gone.next_token.empty();
        std::vector<Cluster> merged;
        merged.reserve(into.items.size() + gone.items.size());
        std::merge(
            std::make_move_iterator(into.items.begin()), std::make_move_iterator(into.items.end()),
            std::make_move_iterator(gone.items.begin()), std::make_move_iterator(gone.items.end()),
            std::back_inserter(merged), [](const Cluster& a, const Cluster& b) {
              return std::tie(a.created_at, a.id) < std::tie(b.created_at, b.id);
            });
        into.next_token.clear();
        if (merged.size() > static_cast<std::size_t>(page.limit) || more) {
          merged.resize(std::min(merged.size(), static_cast<std::size_t>(page.limit)));
          into.next_token =
              unit_.tokens().Encode(QueryKey({"clusters", ""}) + filter_key,
                                    {Micros(merged.back().created_at), merged.back().id});
        }
        into.items = std::move(merged);
      });
    });
  }

  Cluster Update(const Cluster& c) override {
    const std::string& key = c.arn.empty() ? c.name : c.arn;
    CheckReference("cluster", key);
    table_.CheckValues(c);
    CheckNotInactive("cluster", c.status);
    Cluster updated = c;
    updated.updated_at = Now();
    Cluster stored;
    const std::string where = KeyColumn(key) + " = :key";
    const std::vector<Type> key_types = {Type::kText};
    const auto bind_key = [&](connection::Statement& st) { st.Text(key); };
    unit_.Write(
        "cluster",
        [&](connection::Connection& conn) {
          stored = UpdateVersioned(conn, table_, updated, c.version, where, key_types, bind_key,
                                   "cluster");
        },
        VersionedReplay(table_, updated, where, key_types, bind_key, stored));
    return stored;
  }

  void Delete(std::string_view name_or_arn, const DeleteOptions& options) override {
    CheckReference("cluster", name_or_arn);
    const Timestamp now = Now();
    // Run again after a lost COMMIT, "not found" is the first run's delete
    // when the archived row carries its time.
    const Replay replay{true, [&](connection::Connection& conn) {
                          connection::Statement& st = conn.Prepare(
                              "SELECT count(*) FROM inactive_clusters WHERE " +
                                  KeyColumn(name_or_arn) + " = :key AND updated_at = " +
                                  unit_.dialect().Param(FieldType::kTimestamp, ":now"),
                              {Type::kText, Type::kInt}, {Type::kInt});
                          st.Text(name_or_arn).Int(Micros(now));
                          st.Execute();
                          const bool archived = st.GetInt(0) > 0;
                          st.Finish();
                          return archived;
                        }};
    if (options.force && unit_.dialect().WritesInOneStatement()) {
      // Nothing to check: the archive and the delete (and its cascade) in
      // one statement, one round trip.
      unit_.Write(
          "cluster",
          [&](connection::Connection& conn) {
            connection::Statement& st =
                conn.Prepare(move_[IsArn(name_or_arn)], {Type::kText, Type::kInt}, {});
            st.Text(name_or_arn).Int(Micros(now));
            st.Execute();
            if (st.AffectedRows() == 0) throw NotFoundError("cluster not found");
          },
          replay);
      return;
    }
    unit_.Atomic(
        "cluster",
        [&](connection::Connection& conn) {
          // The row lock comes first: a service or task being created holds a
          // share of it for its foreign key, so it commits before this check
          // (and is counted) or waits and then finds no cluster.
          connection::Statement& lock =
              conn.Prepare("SELECT arn FROM clusters WHERE " + KeyColumn(name_or_arn) + " = :key" +
                               unit_.dialect().LockRows(),
                           {Type::kText}, {Type::kText});
          lock.Text(name_or_arn);
          if (!lock.Execute()) throw NotFoundError("cluster not found");
          const std::string arn(lock.GetText(0));
          lock.Finish();
          if (!options.force) RefuseWhileInUse(conn, arn);
          connection::Statement& archive = conn.Prepare(archive_, {Type::kInt, Type::kText}, {});
          archive.Int(Micros(now)).Text(arn);
          archive.Execute();
          // Its services and tasks go by cascade, its task counts by trigger.
          connection::Statement& st =
              conn.Prepare("DELETE FROM clusters WHERE arn = :arn", {Type::kText}, {});
          st.Text(arn);
          st.Execute();
        },
        replay);
  }

  std::int64_t Purge(Timestamp deleted_before) override {
    std::int64_t purged = 0;
    const std::string before = unit_.dialect().Param(FieldType::kTimestamp, ":before");
    unit_.Atomic("cluster", [&](connection::Connection& conn) {
      // And live rows stored INACTIVE before soft deletes, with what they hold.
      for (const char* table : {"inactive_clusters", "clusters"}) {
        connection::Statement& st =
            conn.Prepare(std::string("DELETE FROM ") + table +
                             " WHERE status = 'INACTIVE' AND updated_at < " + before,
                         {Type::kInt}, {});
        st.Int(Micros(deleted_before));
        st.Execute();
        purged += st.AffectedRows();
      }
    });
    return purged;
  }

 private:
  // ConflictError when the cluster still has ACTIVE or DRAINING services or
  // tasks that are not STOPPED.
  static void RefuseWhileInUse(connection::Connection& conn, const std::string& arn) {
    connection::Statement& left = conn.Prepare(
        "SELECT (SELECT count(*) FROM services WHERE cluster_arn = :services_of AND status IN "
        "('ACTIVE', 'DRAINING')), (SELECT count(*) FROM tasks WHERE cluster_arn = :tasks_of AND "
        "last_status <> 'STOPPED')",
        {Type::kText, Type::kText}, {Type::kInt, Type::kInt});
    left.Text(arn).Text(arn);
    left.Execute();
    const std::int64_t services = left.GetInt(0), tasks = left.GetInt(1);
    left.Finish();
    if (services == 0 && tasks == 0) return;
    throw ConflictError("the cluster still has " + std::to_string(services) +
                        " active or draining services and " + std::to_string(tasks) +
                        " tasks not stopped: delete the services and stop the tasks first, or "
                        "force the delete (--force), which removes them with the cluster");
  }

  static std::string KeyColumn(std::string_view name_or_arn) {
    return IsArn(name_or_arn) ? "arn" : "name";
  }

  // The live columns of a cluster as `inactive_clusters` holds them: counters
  // are 0 (its tasks went with it).
  static std::vector<Column<Cluster>> InactiveColumns() {
    std::vector<Column<Cluster>> columns = ClusterColumns();
    for (Column<Cluster>& c : columns) {
      if (!c.stored()) c.computed = "0";
    }
    return columns;
  }

  // INSERT INTO inactive_clusters SELECT the cluster's columns, INACTIVE,
  // version + 1 and updated_at :now, FROM clusters WHERE arn = :arn.
  std::string Archive() const {
    std::string columns, values;
    for (const std::string& name : table_.column_names()) {
      const char* comma = columns.empty() ? "" : ", ";
      columns += comma + name;
      values +=
          comma + (name == "status"       ? std::string("'INACTIVE'")
                   : name == "version"    ? std::string("version + 1")
                   : name == "updated_at" ? table_.dialect().Param(FieldType::kTimestamp, ":now")
                                          : name);
    }
    return "INSERT INTO inactive_clusters (" + columns + ") SELECT " + values +
           " FROM clusters WHERE arn = :arn";
  }

  // Archive() and the DELETE in one statement, for the cluster whose
  // `key_column` is :key (WritesInOneStatement).
  std::string Move(const char* key_column) const {
    std::string archive = Archive();
    archive.replace(archive.rfind(" FROM clusters WHERE arn = :arn"), std::string::npos,
                    " FROM gone");
    return std::string("WITH gone AS (DELETE FROM clusters WHERE ") + key_column +
           " = :key RETURNING *) " + archive;
  }

  std::string Select(const std::string& column) const {
    return std::string("SELECT ") + table_.select_list() + " FROM clusters WHERE " + column +
           " = :key";
  }

  UnitOfWork& unit_;
  Table<Cluster> table_;
  Table<Cluster> inactive_;                           // the rows of `inactive_clusters`
  const std::string select_by_arn_, select_by_name_;  // Find's statements, built once
  const std::string archive_ = Archive();
  const std::string move_[2] = {Move("name"), Move("arn")};  // [key is an ARN]
};

}  // namespace

std::unique_ptr<ClusterRepository> MakeClusterRepository(UnitOfWork& unit) {
  return std::make_unique<ClusterRepositoryImpl>(unit);
}

}  // namespace strata::repositories
