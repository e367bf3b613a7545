// The entities a control plane stores: clusters, services and tasks, shaped
// after the ECS API and the KECS storage model.
//
// Text fields are stored as given. JSON fields hold JSON text, validated before
// any SQL runs and returned byte-identical; "" means absent. Timestamps are UTC
// with microsecond precision on both backends. `id`, `arn` (when left empty),
// `version`, `created_at`, `updated_at` and the live counters (a cluster's
// running_tasks_count, pending_tasks_count and active_services_count, a
// service's running_count and pending_count) are owned by the store: the
// counters are computed from the stored tasks and services at every read,
// and whatever a caller sets in them is ignored.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "strata/timestamp.h"

namespace strata {

struct Cluster {
  std::string id;
  std::string arn;  // arn:aws:ecs:{region}:{account_id}:cluster/{name}
  std::string name;
  std::string status = "ACTIVE";
  std::string region;                                                  // "" -> us-east-1
  std::string account_id;                                              // "" -> 000000000000
  std::string settings, configuration, tags;                           // JSON
  std::string capacity_providers, default_capacity_provider_strategy;  // JSON
  std::int64_t registered_container_instances_count = 0, running_tasks_count = 0,
               pending_tasks_count = 0, active_services_count = 0;
  std::int64_t version = 0;
  Timestamp created_at{}, updated_at{};
};

struct Service {
  std::string id;
  std::string arn;  // arn:aws:ecs:{region}:{account_id}:service/{cluster name}/{name}
  std::string name;
  std::string cluster_arn;  // on Create: the cluster's name or ARN; stored as its ARN
  std::string task_definition_arn;
  std::int64_t desired_count = 0, running_count = 0, pending_count = 0;
  std::string launch_type = "EC2";
  std::string platform_version;
  std::string status = "ACTIVE";
  std::string role_arn;
  std::string scheduling_strategy = "REPLICA";
  std::string propagate_tags;
  bool enable_ecs_managed_tags = false;
  bool enable_execute_command = false;
  std::int64_t health_check_grace_period_seconds = 0;
  std::string region;      // "" -> the cluster's region
  std::string account_id;  // "" -> the cluster's account
  std::string load_balancers, service_registries, network_configuration, deployment_configuration,
      placement_constraints, placement_strategy, capacity_provider_strategy, tags;  // JSON
  std::int64_t version = 0;
  Timestamp created_at{}, updated_at{};
};

struct Task {
  std::string id;                   // 32 lowercase hex digits, as ECS task ids
  std::string arn;                  // arn:aws:ecs:{region}:{account_id}:task/{cluster name}/{id}
  std::string cluster_arn;          // on Create: the cluster's name or ARN; stored as its ARN
  std::string task_definition_arn;  // ".../task-definition/{family}:{revision}"
  std::string container_instance_arn;
  std::string last_status = "PROVISIONING";
  std::string desired_status = "RUNNING";
  std::string cpu, memory;  // as in the ECS API: "256", "0.25 vCPU"
  std::string group;        // "service:{name}" for a service's tasks
  std::string started_by;
  std::string launch_type = "EC2";
  std::string platform_version, platform_family;
  std::string connectivity;
  std::string health_status = "UNKNOWN";
  std::string stop_code, stopped_reason;
  std::string capacity_provider_name;
  bool enable_execute_command = false;
  std::string region;                                                // "" -> the cluster's region
  std::string account_id;                                            // "" -> the cluster's account
  std::string containers, overrides, attachments, attributes, tags;  // JSON
  std::optional<Timestamp> started_at, stopping_at, stopped_at, connectivity_at, pull_started_at,
      pull_stopped_at, execution_stopped_at;
  std::int64_t version = 0;
  Timestamp created_at{}, updated_at{};
};

// How ClusterRepository::Delete and ServiceRepository::Delete treat what is
// still running.
struct DeleteOptions {
  // false: refuse (ConflictError) while the cluster has ACTIVE or DRAINING
  // services or tasks not STOPPED, or while the service's desired_count is
  // above 0, as ECS does. true: delete anyway (a cluster's services and
  // tasks go with it; a service's desired_count becomes 0).
  bool force = false;
};

// Which clusters ClusterRepository::List returns.
struct ClusterFilter {
  bool include_inactive = false;  // also deleted (INACTIVE) clusters
};

// A task's move along ECS's lifecycle (TaskRepository::AdvanceStatus).
struct TaskStatusChange {
  std::string last_status;    // required: the state the task reached
  std::string health_status;  // "" keeps the task's
};

// Every field set must match exactly ("" = any): no prefix or LIKE semantics.
struct ServiceFilter {
  std::string launch_type;
  std::string status;  // "INACTIVE" lists deleted services
  // Also deleted (INACTIVE) services; left out otherwise, unless `status`
  // asks for them.
  bool include_inactive = false;
};

struct TaskFilter {
  std::string service_name;  // tasks whose group is "service:{service_name}"
  std::string family;        // the task definition's family, exactly
  std::string desired_status;
  std::string last_status;
  std::string launch_type;
  std::string started_by;
  std::string container_instance_arn;
};

// One page of a list. `limit` is 1..1000; `next_token` is "" for the first
// page, else the `next_token` of the previous page of the same list (same
// cluster and filter); anything else is InvalidArgumentError.
struct PageRequest {
  static constexpr int kMaxLimit = 1000;
  int limit = 100;
  std::string next_token;
};

// Items in (created_at, id) order. `next_token` is "" on the last page: a
// token is returned only when more rows exist.
template <class T>
struct Page {
  std::vector<T> items;
  std::string next_token;
};

}  // namespace strata
