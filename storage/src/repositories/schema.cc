// Each table's columns, declared once: the repositories' SQL, binding,
// reading and input checks, the bulk insert, the public field description
// (strata/fields.h) and so the CLI's output are all derived from these
// lists. The catalog test compares them with the migrated schema.
#include "repositories/schema.h"

#include <span>
#include <string>

namespace strata::repositories {
namespace {

// An updatable column with a value rule (value_rules.h).
template <class E, class M>
Column<E> Ruled(const char* name, FieldType type, M member, const ValueRule& rule) {
  Column<E> column{name, type, member};
  column.rule = &rule;
  return column;
}

// A live counter (migration 0007): computed on every read, never written.
template <class E>
Column<E> Counter(const char* name, std::int64_t E::*member, const char* expression) {
  Column<E> column{name, FieldType::kInteger, member, false};
  column.computed = expression;
  return column;
}

// The sum of one count of `task_counts` over the rows `of` selects: a
// cluster's groups, or a service's group.
std::string TaskCount(const char* count, const char* of) {
  return std::string("CAST(coalesce((SELECT sum(") + count + ") FROM task_counts WHERE " + of +
         "), 0) AS bigint)";
}
constexpr const char* kOfCluster = "task_counts.cluster_arn = clusters.arn";
constexpr const char* kOfService =
    "task_counts.cluster_arn = services.cluster_arn AND task_counts.task_group = 'service:' || "
    "services.name";
const std::string kClusterRunning = TaskCount("running", kOfCluster);
const std::string kClusterPending = TaskCount("pending", kOfCluster);
const std::string kServiceRunning = TaskCount("running", kOfService);
const std::string kServicePending = TaskCount("pending", kOfService);

}  // namespace

std::vector<Column<Cluster>> ClusterColumns() {
  using C = Cluster;
  return {
      {"id", FieldType::kText, &C::id, false},
      {"arn", FieldType::kText, &C::arn, false},
      {"name", FieldType::kText, &C::name, false},
      Ruled<C>("status", FieldType::kText, &C::status, kClusterStatus),
      {"region", FieldType::kText, &C::region, false},
      {"account_id", FieldType::kText, &C::account_id, false},
      Ruled<C>("settings", FieldType::kJson, &C::settings, kJsonSettings),
      Ruled<C>("configuration", FieldType::kJson, &C::configuration, kJsonObject),
      Ruled<C>("tags", FieldType::kJson, &C::tags, kJsonTags),
      Ruled<C>("capacity_providers", FieldType::kJson, &C::capacity_providers, kJsonStringList),
      Ruled<C>("default_capacity_provider_strategy", FieldType::kJson,
               &C::default_capacity_provider_strategy, kJsonArray),
      {"registered_container_instances_count", FieldType::kInteger,
       &C::registered_container_instances_count},
      Counter<C>("running_tasks_count", &C::running_tasks_count, kClusterRunning.c_str()),
      Counter<C>("pending_tasks_count", &C::pending_tasks_count, kClusterPending.c_str()),
      Counter<C>("active_services_count", &C::active_services_count,
                 "SELECT count(*) FROM services WHERE services.cluster_arn = clusters.arn AND "
                 "services.status = 'ACTIVE'"),
      {"version", FieldType::kInteger, &C::version, false},
      {"created_at", FieldType::kTimestamp, &C::created_at, false},
      {"updated_at", FieldType::kTimestamp, &C::updated_at},
  };
}

std::vector<Column<Service>> ServiceColumns() {
  using S = Service;
  return {
      {"id", FieldType::kText, &S::id, false},
      {"arn", FieldType::kText, &S::arn, false},
      {"name", FieldType::kText, &S::name, false},
      {"cluster_arn", FieldType::kText, &S::cluster_arn, false},
      Ruled<S>("task_definition_arn", FieldType::kText, &S::task_definition_arn,
               kTaskDefinitionArn),
      {"desired_count", FieldType::kInteger, &S::desired_count},
      Counter<S>("running_count", &S::running_count, kServiceRunning.c_str()),
      Counter<S>("pending_count", &S::pending_count, kServicePending.c_str()),
      Ruled<S>("launch_type", FieldType::kText, &S::launch_type, kLaunchType),
      {"platform_version", FieldType::kText, &S::platform_version},
      Ruled<S>("status", FieldType::kText, &S::status, kServiceStatus),
      Ruled<S>("role_arn", FieldType::kText, &S::role_arn, kRoleArn),
      Ruled<S>("scheduling_strategy", FieldType::kText, &S::scheduling_strategy,
               kSchedulingStrategy),
      Ruled<S>("propagate_tags", FieldType::kText, &S::propagate_tags, kPropagateTags),
      {"enable_ecs_managed_tags", FieldType::kBoolean, &S::enable_ecs_managed_tags},
      {"enable_execute_command", FieldType::kBoolean, &S::enable_execute_command},
      {"health_check_grace_period_seconds", FieldType::kInteger,
       &S::health_check_grace_period_seconds},
      {"region", FieldType::kText, &S::region, false},
      {"account_id", FieldType::kText, &S::account_id, false},
      Ruled<S>("load_balancers", FieldType::kJson, &S::load_balancers, kJsonArray),
      Ruled<S>("service_registries", FieldType::kJson, &S::service_registries, kJsonArray),
      Ruled<S>("network_configuration", FieldType::kJson, &S::network_configuration, kJsonObject),
      Ruled<S>("deployment_configuration", FieldType::kJson, &S::deployment_configuration,
               kJsonObject),
      Ruled<S>("placement_constraints", FieldType::kJson, &S::placement_constraints, kJsonArray),
      Ruled<S>("placement_strategy", FieldType::kJson, &S::placement_strategy, kJsonArray),
      Ruled<S>("capacity_provider_strategy", FieldType::kJson, &S::capacity_provider_strategy,
               kJsonArray),
      Ruled<S>("tags", FieldType::kJson, &S::tags, kJsonTags),
      {"version", FieldType::kInteger, &S::version, false},
      {"created_at", FieldType::kTimestamp, &S::created_at, false},
      {"updated_at", FieldType::kTimestamp, &S::updated_at},
  };
}

namespace {
std::string FamilyOf(const Task& task) { return TaskDefinitionFamily(task.task_definition_arn); }
}  // namespace

std::vector<Column<Task>> TaskColumns() {
  using T = Task;
  return {
      {"id", FieldType::kText, &T::id, false},
      {"arn", FieldType::kText, &T::arn, false},
      {"cluster_arn", FieldType::kText, &T::cluster_arn, false},
      Ruled<T>("task_definition_arn", FieldType::kText, &T::task_definition_arn,
               kTaskDefinitionArn),
      {"family", FieldType::kText, &T::task_definition_arn, true, nullptr, &FamilyOf},
      Ruled<T>("container_instance_arn", FieldType::kText, &T::container_instance_arn,
               kContainerInstanceArn),
      Ruled<T>("last_status", FieldType::kText, &T::last_status, kLastStatus),
      Ruled<T>("desired_status", FieldType::kText, &T::desired_status, kDesiredStatus),
      {"cpu", FieldType::kText, &T::cpu},
      {"memory", FieldType::kText, &T::memory},
      {"task_group", FieldType::kText, &T::group, true, "group"},
      {"started_by", FieldType::kText, &T::started_by},
      Ruled<T>("launch_type", FieldType::kText, &T::launch_type, kLaunchType),
      {"platform_version", FieldType::kText, &T::platform_version},
      {"platform_family", FieldType::kText, &T::platform_family},
      Ruled<T>("connectivity", FieldType::kText, &T::connectivity, kConnectivity),
      Ruled<T>("health_status", FieldType::kText, &T::health_status, kHealthStatus),
      Ruled<T>("stop_code", FieldType::kText, &T::stop_code, kStopCode),
      {"stopped_reason", FieldType::kText, &T::stopped_reason},
      {"capacity_provider_name", FieldType::kText, &T::capacity_provider_name},
      {"enable_execute_command", FieldType::kBoolean, &T::enable_execute_command},
      {"region", FieldType::kText, &T::region, false},
      {"account_id", FieldType::kText, &T::account_id, false},
      Ruled<T>("containers", FieldType::kJson, &T::containers, kJsonArray),
      Ruled<T>("overrides", FieldType::kJson, &T::overrides, kJsonObject),
      Ruled<T>("attachments", FieldType::kJson, &T::attachments, kJsonArray),
      Ruled<T>("attributes", FieldType::kJson, &T::attributes, kJsonArray),
      Ruled<T>("tags", FieldType::kJson, &T::tags, kJsonTags),
      {"started_at", FieldType::kOptionalTimestamp, &T::started_at},
      {"stopping_at", FieldType::kOptionalTimestamp, &T::stopping_at},
      {"stopped_at", FieldType::kOptionalTimestamp, &T::stopped_at},
      {"connectivity_at", FieldType::kOptionalTimestamp, &T::connectivity_at},
      {"pull_started_at", FieldType::kOptionalTimestamp, &T::pull_started_at},
      {"pull_stopped_at", FieldType::kOptionalTimestamp, &T::pull_stopped_at},
      {"execution_stopped_at", FieldType::kOptionalTimestamp, &T::execution_stopped_at},
      {"version", FieldType::kInteger, &T::version, false},
      {"created_at", FieldType::kTimestamp, &T::created_at, false},
      {"updated_at", FieldType::kTimestamp, &T::updated_at},
  };
}

namespace {

// The public description: every column that holds a field, named as the field.
template <class E>
std::vector<Field<E>> FieldsOf(const std::vector<Column<E>>& columns) {
  std::vector<Field<E>> fields;
  for (const Column<E>& c : columns) {
    if (c.derive == nullptr) fields.push_back({c.field_name(), c.type, c.member, c.updatable});
  }
  return fields;
}

}  // namespace

}  // namespace strata::repositories

namespace strata {

template <>
std::span<const Field<Cluster>> Fields<Cluster>() {
  static const std::vector<Field<Cluster>> fields =
      repositories::FieldsOf(repositories::ClusterColumns());
  return fields;
}

template <>
std::span<const Field<Service>> Fields<Service>() {
  static const std::vector<Field<Service>> fields =
      repositories::FieldsOf(repositories::ServiceColumns());
  return fields;
}

template <>
std::span<const Field<Task>> Fields<Task>() {
  static const std::vector<Field<Task>> fields =
      repositories::FieldsOf(repositories::TaskColumns());
  return fields;
}

std::string TaskDefinitionFamily(std::string_view task_definition) {
  std::string_view family = task_definition;
  if (const auto slash = family.rfind('/'); slash != std::string_view::npos) {
    family.remove_prefix(slash + 1);
  }
  if (const auto colon = family.rfind(':'); colon != std::string_view::npos) {
    const std::string_view revision = family.substr(colon + 1);
    if (!revision.empty() && revision.find_first_not_of("0123456789") == std::string_view::npos) {
      family = family.substr(0, colon);
    }
  }
  return std::string(family);
}

}  // namespace strata
