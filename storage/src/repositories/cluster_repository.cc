// Clusters: unique by name and by ARN; deleting one (refused while it is in
// use, unless forced) deletes its services and tasks through the foreign keys.
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
        select_by_arn_(Select("arn")),
        select_by_name_(Select("name")) {}

  Cluster Create(Cluster c) override {
    CheckName("cluster name", c.name);
    if (!c.arn.empty()) CheckArn("cluster ARN", c.arn);
    table_.CheckValues(c);
    if (c.region.empty()) c.region = kDefaultRegion;
    if (c.account_id.empty()) c.account_id = kDefaultAccount;
    if (c.arn.empty()) c.arn = MakeArn(c.region, c.account_id, "cluster", c.name);
    c.id = RandomHex(16);
    c.version = 1;
    // Store-owned: a new cluster has no services or tasks yet.
    c.running_tasks_count = c.pending_tasks_count = c.active_services_count = 0;
    c.created_at = c.updated_at = Now();
    unit_.Write("cluster", [&](connection::Connection& conn) {
      connection::Statement& st = conn.Prepare(table_.Insert(), table_.InsertTypes(), {});
      table_.BindAll(st, c);
      st.Execute();
    });
    return c;
  }

  std::optional<Cluster> Find(std::string_view name_or_arn) override {
    CheckReference("cluster", name_or_arn);
    std::optional<Cluster> found;
    unit_.Read("cluster", [&](connection::Connection& conn) {
      static const std::vector<Type> kKey = {Type::kText};
      connection::Statement& st = conn.Prepare(
          IsArn(name_or_arn) ? select_by_arn_ : select_by_name_, kKey, table_.read_types());
      st.Text(name_or_arn);
      found = ReadOne(st, table_);
    });
    return found;
  }

  Page<Cluster> List(const PageRequest& page) override {
    CheckPage(page);
    Page<Cluster> result;
    unit_.Read("cluster", [&](connection::Connection& conn) {
      result = ListPage<Cluster>(
          conn, table_, unit_.tokens(), "clusters", "", "", "", {}, [](connection::Statement&) {},
          page);
    });
    return result;
  }

  Cluster Update(const Cluster& c) override {
    const std::string& key = c.arn.empty() ? c.name : c.arn;
    CheckReference("cluster", key);
    table_.CheckValues(c);
    Cluster updated = c;
    updated.updated_at = Now();
    Cluster stored;
    unit_.Write("cluster", [&](connection::Connection& conn) {
      stored = UpdateVersioned(
          conn, table_, updated, c.version, KeyColumn(key) + " = :key", {Type::kText},
          [&](connection::Statement& st) { st.Text(key); }, "cluster");
    });
    return stored;
  }

  void Delete(std::string_view name_or_arn, const DeleteOptions& options) override {
    CheckReference("cluster", name_or_arn);
    if (options.force) {  // nothing to check: one statement, cascading
      unit_.Write("cluster", [&](connection::Connection& conn) {
        connection::Statement& st = conn.Prepare(
            "DELETE FROM clusters WHERE " + KeyColumn(name_or_arn) + " = :key", {Type::kText}, {});
        st.Text(name_or_arn);
        st.Execute();
        if (st.AffectedRows() == 0) throw NotFoundError("cluster not found");
      });
      return;
    }
    unit_.Atomic("cluster", [&](connection::Connection& conn) {
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
      RefuseWhileInUse(conn, arn);
      connection::Statement& st =
          conn.Prepare("DELETE FROM clusters WHERE arn = :arn", {Type::kText}, {});
      st.Text(arn);
      st.Execute();
    });
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

  std::string Select(const std::string& column) const {
    return std::string("SELECT ") + table_.select_list() + " FROM clusters WHERE " + column +
           " = :key";
  }

  UnitOfWork& unit_;
  Table<Cluster> table_;
  const std::string select_by_arn_, select_by_name_;  // Find's statements, built once
};

}  // namespace

std::unique_ptr<ClusterRepository> MakeClusterRepository(UnitOfWork& unit) {
  return std::make_unique<ClusterRepositoryImpl>(unit);
}

}  // namespace strata::repositories
