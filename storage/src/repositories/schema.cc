// Each table's columns, declared once: the repositories' SQL, binding,
// reading and input checks, the bulk insert, the public field description
// (strata/fields.h) and so the CLI's output are all derived from these
// lists. The catalog test compares them with the migrated schema.
#include "repositories/schema.h"

#include <span>

namespace strata::repositories {

std::vector<Column<Cluster>> ClusterColumns() {
  using C = Cluster;
  return {
      {"id", FieldType::kText, &C::id, false},
      {"arn", FieldType::kText, &C::arn, false},
      {"name", FieldType::kText, &C::name, false},
      {"status", FieldType::kText, &C::status},
      {"region", FieldType::kText, &C::region, false},
      {"account_id", FieldType::kText, &C::account_id, false},
      {"settings", FieldType::kJson, &C::settings},
      {"configuration", FieldType::kJson, &C::configuration},
      {"tags", FieldType::kJson, &C::tags},
      {"capacity_providers", FieldType::kJson, &C::capacity_providers},
      {"default_capacity_provider_strategy", FieldType::kJson,
       &C::default_capacity_provider_strategy},
      {"registered_container_instances_count", FieldType::kInteger,
       &C::registered_container_instances_count},
      {"running_tasks_count", FieldType::kInteger, &C::running_tasks_count},
      {"pending_tasks_count", FieldType::kInteger, &C::pending_tasks_count},
      {"active_services_count", FieldType::kInteger, &C::active_services_count},
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
      {"task_definition_arn", FieldType::kText, &S::task_definition_arn},
      {"desired_count", FieldType::kInteger, &S::desired_count},
      {"running_count", FieldType::kInteger, &S::running_count},
      {"pending_count", FieldType::kInteger, &S::pending_count},
      {"launch_type", FieldType::kText, &S::launch_type},
      {"platform_version", FieldType::kText, &S::platform_version},
      {"status", FieldType::kText, &S::status},
      {"role_arn", FieldType::kText, &S::role_arn},
      {"scheduling_strategy", FieldType::kText, &S::scheduling_strategy},
      {"propagate_tags", FieldType::kText, &S::propagate_tags},
      {"enable_ecs_managed_tags", FieldType::kBoolean, &S::enable_ecs_managed_tags},
      {"enable_execute_command", FieldType::kBoolean, &S::enable_execute_command},
      {"health_check_grace_period_seconds", FieldType::kInteger,
       &S::health_check_grace_period_seconds},
      {"region", FieldType::kText, &S::region, false},
      {"account_id", FieldType::kText, &S::account_id, false},
      {"load_balancers", FieldType::kJson, &S::load_balancers},
      {"service_registries", FieldType::kJson, &S::service_registries},
      {"network_configuration", FieldType::kJson, &S::network_configuration},
      {"deployment_configuration", FieldType::kJson, &S::deployment_configuration},
      {"placement_constraints", FieldType::kJson, &S::placement_constraints},
      {"placement_strategy", FieldType::kJson, &S::placement_strategy},
      {"capacity_provider_strategy", FieldType::kJson, &S::capacity_provider_strategy},
      {"tags", FieldType::kJson, &S::tags},
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
      {"task_definition_arn", FieldType::kText, &T::task_definition_arn},
      {"family", FieldType::kText, &T::task_definition_arn, true, nullptr, &FamilyOf},
      {"container_instance_arn", FieldType::kText, &T::container_instance_arn},
      {"last_status", FieldType::kText, &T::last_status},
      {"desired_status", FieldType::kText, &T::desired_status},
      {"cpu", FieldType::kText, &T::cpu},
      {"memory", FieldType::kText, &T::memory},
      {"task_group", FieldType::kText, &T::group, true, "group"},
      {"started_by", FieldType::kText, &T::started_by},
      {"launch_type", FieldType::kText, &T::launch_type},
      {"platform_version", FieldType::kText, &T::platform_version},
      {"platform_family", FieldType::kText, &T::platform_family},
      {"connectivity", FieldType::kText, &T::connectivity},
      {"health_status", FieldType::kText, &T::health_status},
      {"stop_code", FieldType::kText, &T::stop_code},
      {"stopped_reason", FieldType::kText, &T::stopped_reason},
      {"capacity_provider_name", FieldType::kText, &T::capacity_provider_name},
      {"enable_execute_command", FieldType::kBoolean, &T::enable_execute_command},
      {"region", FieldType::kText, &T::region, false},
      {"account_id", FieldType::kText, &T::account_id, false},
      {"containers", FieldType::kJson, &T::containers},
      {"overrides", FieldType::kJson, &T::overrides},
      {"attachments", FieldType::kJson, &T::attachments},
      {"attributes", FieldType::kJson, &T::attributes},
      {"tags", FieldType::kJson, &T::tags},
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
