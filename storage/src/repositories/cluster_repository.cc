// Clusters: unique by name and by ARN; deleting one deletes its services and
// tasks through the foreign keys.
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

  void Delete(std::string_view name_or_arn) override {
    CheckReference("cluster", name_or_arn);
    unit_.Write("cluster", [&](connection::Connection& conn) {
      connection::Statement& st = conn.Prepare(
          "DELETE FROM clusters WHERE " + KeyColumn(name_or_arn) + " = :key", {Type::kText}, {});
      st.Text(name_or_arn);
      st.Execute();
      if (st.AffectedRows() == 0) throw NotFoundError("cluster not found");
    });
  }

 private:
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
