// Services: unique by ARN and by (cluster, name), listed per cluster.
#include "repositories/queries.h"
#include "repositories/schema.h"
#include "repositories/unit_of_work.h"
#include "strata/error.h"

namespace strata::repositories {
namespace {

using connection::Type;

class ServiceRepositoryImpl : public ServiceRepository {
 public:
  explicit ServiceRepositoryImpl(UnitOfWork& unit)
      : unit_(unit), table_("services", "service", ServiceColumns(), unit.dialect()) {}

  Service Create(Service s) override {
    CheckName("service name", s.name);
    CheckReference("service cluster", s.cluster_arn);
    if (!s.arn.empty()) CheckArn("service ARN", s.arn);
    table_.CheckValues(s);
    unit_.Write("service", [&](connection::Connection& conn) {
      const ClusterRef cluster = RequireCluster(conn, s.cluster_arn);
      s.cluster_arn = cluster.arn;
      if (s.region.empty()) s.region = cluster.region;
      if (s.account_id.empty()) s.account_id = cluster.account_id;
      if (s.arn.empty())
        s.arn = MakeArn(s.region, s.account_id, "service", cluster.name + "/" + s.name);
      s.id = RandomHex(16);
      s.version = 1;
      s.created_at = s.updated_at = Now();
      connection::Statement& st = conn.Prepare(table_.Insert(), table_.InsertTypes(), {});
      table_.BindAll(st, s);
      st.Execute();
    });
    return s;
  }

  std::optional<Service> Find(std::string_view cluster, std::string_view name_or_arn) override {
    CheckReference("cluster", cluster);
    CheckReference("service", name_or_arn);
    std::optional<Service> found;
    unit_.Read("service", [&](connection::Connection& conn) {
      connection::Statement& st =
          conn.Prepare(std::string("SELECT ") + table_.select_list() + " FROM services WHERE " +
                           KeyWhere(cluster, name_or_arn),
                       {Type::kText, Type::kText}, table_.read_types());
      st.Text(cluster).Text(name_or_arn);
      found = ReadOne(st, table_);
    });
    return found;
  }

  Page<Service> List(std::string_view cluster, const ServiceFilter& filter,
                     const PageRequest& page) override {
    CheckReference("cluster", cluster);
    CheckText("launch type filter", filter.launch_type);
    CheckText("status filter", filter.status);
    CheckPage(page);
    Filters filters;
    filters.Add("launch_type", filter.launch_type);
    filters.Add("status", filter.status);
    std::vector<Type> types(1 + filters.values.size(), Type::kText);
    Page<Service> result;
    unit_.Read("service", [&](connection::Connection& conn) {
      result = ListPage<Service>(
          conn, table_, unit_.tokens(), "services", cluster,
          QueryKey({filter.launch_type, filter.status}),
          ClusterMatch(cluster, "cluster_arn", ":cluster") + filters.sql, types,
          [&](connection::Statement& st) {
            st.Text(cluster);
            for (const std::string& v : filters.values) st.Text(v);
          },
          page);
      if (result.items.empty()) RequireCluster(conn, cluster);
    });
    return result;
  }

  Service Update(const Service& s) override {
    const bool by_arn = !s.arn.empty();
    if (by_arn) {
      CheckReference("service ARN", s.arn);
    } else {
      CheckReference("service cluster", s.cluster_arn);
      CheckReference("service name", s.name);
    }
    table_.CheckValues(s);
    Service updated = s;
    updated.updated_at = Now();
    const std::string where =
        by_arn ? std::string("arn = :key")
               : ClusterMatch(s.cluster_arn, "cluster_arn", ":cluster") + " AND name = :key";
    const std::vector<Type> key_types(by_arn ? 1 : 2, Type::kText);
    const auto bind_key = [&](connection::Statement& st) {
      if (!by_arn) st.Text(s.cluster_arn);
      st.Text(by_arn ? s.arn : s.name);
    };
    Service stored;
    unit_.Write("service", [&](connection::Connection& conn) {
      stored =
          UpdateVersioned(conn, table_, updated, s.version, where, key_types, bind_key, "service");
    });
    return stored;
  }

  void Delete(std::string_view cluster, std::string_view name_or_arn) override {
    CheckReference("cluster", cluster);
    CheckReference("service", name_or_arn);
    unit_.Write("service", [&](connection::Connection& conn) {
      connection::Statement& st =
          conn.Prepare("DELETE FROM services WHERE " + KeyWhere(cluster, name_or_arn),
                       {Type::kText, Type::kText}, {});
      st.Text(cluster).Text(name_or_arn);
      st.Execute();
      if (st.AffectedRows() == 0) throw NotFoundError("service not found");
    });
  }

 private:
  // Binds the cluster, then the service's name or ARN.
  static std::string KeyWhere(std::string_view cluster, std::string_view name_or_arn) {
    return ClusterMatch(cluster, "cluster_arn", ":cluster") + " AND " +
           (IsArn(name_or_arn) ? "arn" : "name") + " = :key";
  }

  UnitOfWork& unit_;
  Table<Service> table_;
};

}  // namespace

std::unique_ptr<ServiceRepository> MakeServiceRepository(UnitOfWork& unit) {
  return std::make_unique<ServiceRepositoryImpl>(unit);
}

}  // namespace strata::repositories
