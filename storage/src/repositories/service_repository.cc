// Services: those not INACTIVE unique by ARN and by (cluster, name), listed
// per cluster; deleting one makes it DRAINING, then INACTIVE (migration
// 0008's triggers finish the drain).
#include "repositories/cluster_cache.h"
#include "repositories/cluster_rows.h"
#include "repositories/schema.h"
#include "strata/error.h"

namespace strata::repositories {
namespace {

using connection::Type;

// The services that hold their name and ARN: all but the deleted ones.
constexpr const char* kLive = "status <> 'INACTIVE'";

// The conditions a service list may have, in the order of their SQL.
enum ServiceTerm : std::size_t { kLaunchTypeTerm, kStatusTerm, kLiveTerm };
constexpr FilterTerm kServiceTermList[] = {{"launch_type", true}, {"status", true}, {kLive, false}};
constexpr FilterTerms kServiceTerms(kServiceTermList);

class ServiceRepositoryImpl : public ServiceRepository {
 public:
  explicit ServiceRepositoryImpl(UnitOfWork& unit)
      : unit_(unit),
        table_("services", "service", ServiceColumns(), unit.dialect()),
        insert_(table_, " RETURNING " + table_.select_list()) {}

  Service Create(Service s) override {
    CheckName("service name", s.name);
    CheckReference("service cluster", s.cluster_arn);
    if (!s.arn.empty()) CheckArn("service ARN", s.arn);
    table_.CheckValues(s);
    CheckNotInactive("service", s.status);
    // Before the first run: a second one (after a lost connection) writes the
    // same row, which CreateReplay recognizes.
    s.id = NewId();
    s.version = 1;
    s.created_at = s.updated_at = Now();
    const std::string cluster = s.cluster_arn;
    const ClusterFields given(s);
    unit_.Write(
        "service",
        [&](connection::Connection& conn) {
          WriteInCluster(conn, clusters_, insert_, cluster, [&](const ClusterRef& c) {
            given.Fill(s, c, "service", s.name);
            // Read back: the counters count the group's tasks, which may
            // exist before their service.
            connection::Statement& st =
                conn.Prepare(insert_.sql, insert_.types, table_.read_types());
            insert_.Bind(st, table_, s, c);
            std::optional<Service> stored;
            ReadOne(st, table_, stored);
            if (stored) s = std::move(*stored);
            return stored.has_value();
          });
        },
        CreateReplay(table_, s, "arn", s.arn));
    return s;
  }

  bool FindInto(std::string_view cluster, std::string_view name_or_arn, Service& into) override {
    CheckReference("cluster", cluster);
    CheckReference("service", name_or_arn);
    bool found = false;
    unit_.Read("service", [&](connection::Connection& conn) {
      connection::Statement& st =
          conn.Prepare(std::string("SELECT ") + table_.select_list() + " FROM services WHERE " +
                           KeyInCluster(cluster, name_or_arn, "name") +
                           " ORDER BY status = 'INACTIVE', updated_at DESC, id DESC LIMIT 1",
                       {Type::kText, Type::kText}, table_.read_types());
      st.Text(cluster).Text(name_or_arn);
      found = ReadOneInto(st, table_, into);
    });
    return found;
  }

  void ListInto(std::string_view cluster, const ServiceFilter& filter, const PageRequest& page,
                Page<Service>& into) override {
    Refill(into, [&] {
      CheckReference("cluster", cluster);
      CheckFilter("launch type filter", kLaunchType, filter.launch_type);
      CheckFilter("status filter", kServiceStatus, filter.status);
      CheckPage(page);
      Filters filters(kServiceTerms);
      filters.Set(kLaunchTypeTerm, filter.launch_type);
      filters.Set(kStatusTerm, filter.status);
      const bool inactive = filter.include_inactive || filter.status == "INACTIVE";
      filters.SetIf(kLiveTerm, !inactive);
      ListInCluster(unit_, table_, "service", "services", cluster, filters,
                    WhereInCluster(where_, cluster, filters),
                    QueryKey({filter.launch_type, filter.status, inactive ? "all" : ""}), page,
                    into);
    });
  }

  Service Update(const Service& s) override {
    CheckNotInactive("service", s.status);
    return UpdateInCluster(unit_, table_, "service", s, "name", s.name, kLive);
  }

  void Delete(std::string_view cluster, std::string_view name_or_arn,
              const DeleteOptions& options) override {
    CheckReference("cluster", cluster);
    CheckReference("service", name_or_arn);
    unit_.Atomic("service", [&](connection::Connection& conn) {
      // The row lock first, then the count, in its own statement: a writer
      // stopping one of the service's tasks holds a share of the row until
      // it commits (migration 0008), so the count sees every such stop.
      connection::Statement& lock = conn.Prepare(
          "SELECT id, cluster_arn, name, desired_count FROM services WHERE " +
              KeyInCluster(cluster, name_or_arn, "name") + " AND " + kLive +
              unit_.dialect().LockRows(),
          {Type::kText, Type::kText}, {Type::kText, Type::kText, Type::kText, Type::kInt});
      lock.Text(cluster).Text(name_or_arn);
      if (!lock.Execute()) throw NotFoundError("service not found");
      const std::string id(lock.GetText(0)), cluster_arn(lock.GetText(1)),
          group = "service:" + std::string(lock.GetText(2));
      const std::int64_t desired = lock.GetInt(3);
      lock.Finish();
      if (desired > 0 && !options.force) {
        throw ConflictError(
            "the service still wants tasks (desired_count above 0): scale it to 0 first "
            "(strata service update --desired-count 0), or force the delete (--force)");
      }
      connection::Statement& live = conn.Prepare(
          "SELECT coalesce(sum(running + pending + stopping), 0) FROM task_counts WHERE "
          "cluster_arn = :cluster AND task_group = :group",
          {Type::kText, Type::kText}, {Type::kInt});
      live.Text(cluster_arn).Text(group);
      live.Execute();
      const bool draining = live.GetInt(0) != 0;
      live.Finish();
      connection::Statement& st = conn.Prepare(
          "UPDATE services SET status = :status, desired_count = 0, version = "
          "version + 1, updated_at = " +
              unit_.dialect().Param(FieldType::kTimestamp, ":now") + " WHERE id = :id",
          {Type::kText, Type::kInt, Type::kText}, {});
      st.Text(draining ? "DRAINING" : "INACTIVE").Int(Micros(Now())).Text(id);
      st.Execute();
    });
  }

 private:
  UnitOfWork& unit_;
  Table<Service> table_;
  const ClusterInsert<Service> insert_;
  ClusterCache clusters_;
  const SqlVariants where_{kCallShapes};  // WhereInCluster
};

}  // namespace

std::unique_ptr<ServiceRepository> MakeServiceRepository(UnitOfWork& unit) {
  return std::make_unique<ServiceRepositoryImpl>(unit);
}

}  // namespace strata::repositories
