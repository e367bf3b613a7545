#include "repositories/tables.h"

#include "repositories/values.h"

namespace strata::repositories {

std::vector<Field<Cluster>> ClusterFields() {
  using C = Cluster;
  return {
      {"id", Kind::kText, &C::id, false},
      {"arn", Kind::kText, &C::arn, false},
      {"name", Kind::kText, &C::name, false},
      {"status", Kind::kText, &C::status},
      {"region", Kind::kText, &C::region, false},
      {"account_id", Kind::kText, &C::account_id, false},
      {"settings", Kind::kJson, &C::settings},
      {"configuration", Kind::kJson, &C::configuration},
      {"tags", Kind::kJson, &C::tags},
      {"capacity_providers", Kind::kJson, &C::capacity_providers},
      {"default_capacity_provider_strategy", Kind::kJson, &C::default_capacity_provider_strategy},
      {"registered_container_instances_count", Kind::kInt,
       &C::registered_container_instances_count},
      {"running_tasks_count", Kind::kInt, &C::running_tasks_count},
      {"pending_tasks_count", Kind::kInt, &C::pending_tasks_count},
      {"active_services_count", Kind::kInt, &C::active_services_count},
      {"version", Kind::kInt, &C::version, false},
      {"created_at", Kind::kTimestamp, &C::created_at, false},
      {"updated_at", Kind::kTimestamp, &C::updated_at},
  };
}

std::vector<Field<Service>> ServiceFields() {
  using S = Service;
  return {
      {"id", Kind::kText, &S::id, false},
      {"arn", Kind::kText, &S::arn, false},
      {"name", Kind::kText, &S::name, false},
      {"cluster_arn", Kind::kText, &S::cluster_arn, false},
      {"task_definition_arn", Kind::kText, &S::task_definition_arn},
      {"desired_count", Kind::kInt, &S::desired_count},
      {"running_count", Kind::kInt, &S::running_count},
      {"pending_count", Kind::kInt, &S::pending_count},
      {"launch_type", Kind::kText, &S::launch_type},
      {"platform_version", Kind::kText, &S::platform_version},
      {"status", Kind::kText, &S::status},
      {"role_arn", Kind::kText, &S::role_arn},
      {"scheduling_strategy", Kind::kText, &S::scheduling_strategy},
      {"propagate_tags", Kind::kText, &S::propagate_tags},
      {"enable_ecs_managed_tags", Kind::kBool, &S::enable_ecs_managed_tags},
      {"enable_execute_command", Kind::kBool, &S::enable_execute_command},
      {"health_check_grace_period_seconds", Kind::kInt, &S::health_check_grace_period_seconds},
      {"region", Kind::kText, &S::region, false},
      {"account_id", Kind::kText, &S::account_id, false},
      {"load_balancers", Kind::kJson, &S::load_balancers},
      {"service_registries", Kind::kJson, &S::service_registries},
      {"network_configuration", Kind::kJson, &S::network_configuration},
      {"deployment_configuration", Kind::kJson, &S::deployment_configuration},
      {"placement_constraints", Kind::kJson, &S::placement_constraints},
      {"placement_strategy", Kind::kJson, &S::placement_strategy},
      {"capacity_provider_strategy", Kind::kJson, &S::capacity_provider_strategy},
      {"tags", Kind::kJson, &S::tags},
      {"version", Kind::kInt, &S::version, false},
      {"created_at", Kind::kTimestamp, &S::created_at, false},
      {"updated_at", Kind::kTimestamp, &S::updated_at},
  };
}

namespace {
std::string FamilyOf(const Task& task) { return TaskFamily(task.task_definition_arn); }
}  // namespace

std::vector<Field<Task>> TaskFields() {
  using T = Task;
  return {
      {"id", Kind::kText, &T::id, false},
      {"arn", Kind::kText, &T::arn, false},
      {"cluster_arn", Kind::kText, &T::cluster_arn, false},
      {"task_definition_arn", Kind::kText, &T::task_definition_arn},
      {"family", Kind::kText, &T::task_definition_arn, true, &FamilyOf},
      {"container_instance_arn", Kind::kText, &T::container_instance_arn},
      {"last_status", Kind::kText, &T::last_status},
      {"desired_status", Kind::kText, &T::desired_status},
      {"cpu", Kind::kText, &T::cpu},
      {"memory", Kind::kText, &T::memory},
      {"task_group", Kind::kText, &T::group},
      {"started_by", Kind::kText, &T::started_by},
      {"launch_type", Kind::kText, &T::launch_type},
      {"platform_version", Kind::kText, &T::platform_version},
      {"platform_family", Kind::kText, &T::platform_family},
      {"connectivity", Kind::kText, &T::connectivity},
      {"health_status", Kind::kText, &T::health_status},
      {"stop_code", Kind::kText, &T::stop_code},
      {"stopped_reason", Kind::kText, &T::stopped_reason},
      {"capacity_provider_name", Kind::kText, &T::capacity_provider_name},
      {"enable_execute_command", Kind::kBool, &T::enable_execute_command},
      {"region", Kind::kText, &T::region, false},
      {"account_id", Kind::kText, &T::account_id, false},
      {"containers", Kind::kJson, &T::containers},
      {"overrides", Kind::kJson, &T::overrides},
      {"attachments", Kind::kJson, &T::attachments},
      {"attributes", Kind::kJson, &T::attributes},
      {"tags", Kind::kJson, &T::tags},
      {"started_at", Kind::kOptionalTimestamp, &T::started_at},
      {"stopping_at", Kind::kOptionalTimestamp, &T::stopping_at},
      {"stopped_at", Kind::kOptionalTimestamp, &T::stopped_at},
      {"connectivity_at", Kind::kOptionalTimestamp, &T::connectivity_at},
      {"pull_started_at", Kind::kOptionalTimestamp, &T::pull_started_at},
      {"pull_stopped_at", Kind::kOptionalTimestamp, &T::pull_stopped_at},
      {"execution_stopped_at", Kind::kOptionalTimestamp, &T::execution_stopped_at},
      {"version", Kind::kInt, &T::version, false},
      {"created_at", Kind::kTimestamp, &T::created_at, false},
      {"updated_at", Kind::kTimestamp, &T::updated_at},
  };
}

}  // namespace strata::repositories
