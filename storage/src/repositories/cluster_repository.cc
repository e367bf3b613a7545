// Clusters: unique by name and by ARN; deleting one deletes its services and
// tasks through the foreign keys.
#include "repositories/common.h"
#include "repositories/tables.h"
#include "strata/error.h"

namespace strata::repositories {
namespace {

using connection::Type;

class ClusterRepositoryImpl : public ClusterRepository {
 public:
  explicit ClusterRepositoryImpl(Context& context)
      : context_(context),
        table_("clusters", ClusterFields(), Dialect{context.backend()}),
        select_by_arn_(Select("arn")),
        select_by_name_(Select("name")) {}

  Cluster Create(Cluster c) override {
    CheckName("cluster name", c.name);
    if (!c.arn.empty()) CheckArn("cluster ARN", c.arn);
    CheckFields(c);
    if (c.region.empty()) c.region = kDefaultRegion;
    if (c.account_id.empty()) c.account_id = kDefaultAccount;
    if (c.arn.empty()) c.arn = MakeArn(c.region, c.account_id, "cluster", c.name);
    c.id = RandomHex(16);
    c.version = 1;
    c.created_at = c.updated_at = Now();
    context_.Run(false, "cluster", [&](connection::PooledConnection& conn) {
      connection::Statement& st = conn.Prepare(table_.Insert(), table_.InsertTypes(), {});
      table_.BindAll(st, c);
      st.Execute();
    });
    return c;
  }

  std::optional<Cluster> Find(std::string_view name_or_arn) override {
    CheckReference("cluster", name_or_arn);
    std::optional<Cluster> found;
    context_.Run(true, "cluster", [&](connection::PooledConnection& conn) {
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
    context_.Run(true, "cluster", [&](connection::PooledConnection& conn) {
      result = ListPage<Cluster>(
          conn, table_, context_.tokens(), "clusters", "", "", "", {},
          [](connection::Statement&) {}, page);
    });
    return result;
  }

  Cluster Update(const Cluster& c) override {
    const std::string& key = c.arn.empty() ? c.name : c.arn;
    CheckReference("cluster", key);
    CheckFields(c);
    Cluster updated = c;
    updated.updated_at = Now();
    Cluster stored;
    context_.Run(false, "cluster", [&](connection::PooledConnection& conn) {
      stored = UpdateVersioned(
          conn, table_, updated, c.version, KeyColumn(key) + " = :key", {Type::kText},
          [&](connection::Statement& st) { st.Text(key); }, "cluster");
    });
    return stored;
  }

  void Delete(std::string_view name_or_arn) override {
    CheckReference("cluster", name_or_arn);
    context_.Run(false, "cluster", [&](connection::PooledConnection& conn) {
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

  static void CheckFields(const Cluster& c) {
    CheckText("cluster status", c.status);
    CheckText("cluster region", c.region);
    CheckText("cluster account_id", c.account_id);
    CheckJson("cluster settings", c.settings);
    CheckJson("cluster configuration", c.configuration);
    CheckJson("cluster tags", c.tags);
    CheckJson("cluster capacity_providers", c.capacity_providers);
    CheckJson("cluster default_capacity_provider_strategy", c.default_capacity_provider_strategy);
  }

  Context& context_;
  Table<Cluster> table_;
  const std::string select_by_arn_, select_by_name_;  // Find's statements, built once
};

}  // namespace

std::unique_ptr<ClusterRepository> MakeClusterRepository(Context& context) {
  return std::make_unique<ClusterRepositoryImpl>(context);
}

}  // namespace strata::repositories
