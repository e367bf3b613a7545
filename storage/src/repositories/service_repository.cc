// Services: unique by ARN and by (cluster, name), listed per cluster.
#include "repositories/cluster_rows.h"
#include "repositories/schema.h"
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
      // Read back: the counters count the group's tasks, which may exist
      // before their service.
      connection::Statement& st =
          conn.Prepare(table_.Insert() + " RETURNING " + table_.select_list(), table_.InsertTypes(),
                       table_.read_types());
      table_.BindAll(st, s);
      s = *ReadOne(st, table_);
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
                           KeyInCluster(cluster, name_or_arn, "name"),
                       {Type::kText, Type::kText}, table_.read_types());
      st.Text(cluster).Text(name_or_arn);
      found = ReadOne(st, table_);
    });
    return found;
  }

  Page<Service> List(std::string_view cluster, const ServiceFilter& filter,
                     const PageRequest& page) override {
    CheckReference("cluster", cluster);
    CheckFilter("launch type filter", kLaunchType, filter.launch_type);
    CheckFilter("status filter", kServiceStatus, filter.status);
    CheckPage(page);
    Filters filters;
    filters.Add("launch_type", filter.launch_type);
    filters.Add("status", filter.status);
    return ListInCluster(unit_, table_, "service", "services", cluster, filters,
                         QueryKey({filter.launch_type, filter.status}), page);
  }

  Service Update(const Service& s) override {
    return UpdateInCluster(unit_, table_, "service", s, "name", s.name);
  }

  void Delete(std::string_view cluster, std::string_view name_or_arn,
              const DeleteOptions& options) override {
    DeleteInCluster(unit_, table_, "service", cluster, name_or_arn, "name",
                    options.force ? nullptr : "desired_count > 0",
                    "the service still wants tasks (desired_count above 0): scale it to 0 "
                    "first (strata service update --desired-count 0), or force the delete "
                    "(--force)");
  }

 private:
  UnitOfWork& unit_;
  Table<Service> table_;
};

}  // namespace

std::unique_ptr<ServiceRepository> MakeServiceRepository(UnitOfWork& unit) {
  return std::make_unique<ServiceRepositoryImpl>(unit);
}

}  // namespace strata::repositories
