// The repositories: what a control plane calls to read and write clusters,
// services and tasks. Every method that takes a cluster accepts its name or
// its ARN. Errors (strata/error.h) every method may throw besides the ones
// it names: InvalidArgumentError for input rejected before any SQL runs (or
// a value the schema refuses), ConnectionError when the database cannot be
// reached or the connection is lost mid-call, ConflictError when the
// database aborted a write to resolve a conflict (retry it), and Error when
// SQLite stays locked by another writer. Messages never contain bound values.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "strata/entities.h"
#include "strata/timestamp.h"

namespace strata {

class ClusterRepository {
 public:
  virtual ~ClusterRepository() = default;
  // Stores a new cluster and returns it as stored: id, ARN (when empty),
  // region and account defaults, version 1 and timestamps filled in.
  // AlreadyExistsError when a live cluster has the same name or ARN (an
  // INACTIVE one does not count); InvalidArgumentError for status INACTIVE.
  virtual Cluster Create(Cluster cluster) = 0;
  // The cluster with this name or ARN, or std::nullopt. A live cluster
  // comes first; else the most recently deleted (INACTIVE) one of that name
  // or ARN, until purged.
  std::optional<Cluster> Find(std::string_view name_or_arn) {
    std::optional<Cluster> found(std::in_place);
    if (!FindInto(name_or_arn, *found)) found.reset();
    return found;
  }
  // As Find, read into `into`, whose strings keep their capacity, so a
  // caller that reads the same object again and again allocates nothing
  // after the first read. True when found, with every field of `into`
  // overwritten; false leaves `into` as it was.
  virtual bool FindInto(std::string_view name_or_arn, Cluster& into) = 0;
  // One page of the live clusters (and the INACTIVE ones when
  // `filter.include_inactive`). InvalidArgumentError for a limit outside
  // 1..1000 or a token that is not this list's.
  Page<Cluster> List(const ClusterFilter& filter, const PageRequest& page = {}) {
    Page<Cluster> result;
    ListInto(filter, page, result);
    return result;
  }
  Page<Cluster> List(const PageRequest& page = {}) { return List(ClusterFilter{}, page); }
  // As List, read into `into`: the rows land in the items `into` already
  // holds, whose strings keep their capacity, so a caller that lists again
  // and again (a control plane polling its tasks) allocates almost nothing
  // after the first page. `into` is overwritten, and left empty on an error.
  virtual void ListInto(const ClusterFilter& filter, const PageRequest& page,
                        Page<Cluster>& into) = 0;
  // Overwrites the mutable fields of the live cluster named by `cluster.arn`
  // (or, when empty, `cluster.name`) and returns it with version + 1.
  // NotFoundError when there is none; ConflictError when `cluster.version`
  // is not the stored version (re-read and retry). InvalidArgumentError for
  // status INACTIVE: a cluster becomes INACTIVE by Delete.
  virtual Cluster Update(const Cluster& cluster) = 0;
  // Deletes the cluster as ECS does: it becomes INACTIVE (version + 1,
  // updated_at the deletion time), still found by Find and listed on
  // request, and its name and ARN are free for a new cluster; its services
  // and tasks are deleted with it. Unless options.force, refuses with
  // ConflictError (saying what is left) while the cluster has ACTIVE or
  // DRAINING services or tasks that are not STOPPED; the check and the
  // delete are one atomic step (the cluster's row is locked first, so a
  // service or task created at the same time either counts or fails with
  // NotFoundError). NotFoundError when there is no such live cluster.
  virtual void Delete(std::string_view name_or_arn, const DeleteOptions& options = {}) = 0;
  // Removes for good the INACTIVE clusters deleted strictly before
  // `deleted_before`; returns how many.
  virtual std::int64_t Purge(Timestamp deleted_before) = 0;
};

class ServiceRepository {
 public:
  virtual ~ServiceRepository() = default;
  // `service.cluster_arn` names the cluster (name or ARN). NotFoundError when
  // it does not exist; AlreadyExistsError for a second service of the same
  // name in the cluster, or the same ARN (INACTIVE ones do not count);
  // InvalidArgumentError for status INACTIVE.
  virtual Service Create(Service service) = 0;
  // The service with this name or ARN in the cluster, or std::nullopt (also
  // when the cluster does not exist). One that is not INACTIVE comes first;
  // else the most recently deleted one.
  std::optional<Service> Find(std::string_view cluster, std::string_view name_or_arn) {
    std::optional<Service> found(std::in_place);
    if (!FindInto(cluster, name_or_arn, *found)) found.reset();
    return found;
  }
  // As Find, read into `into`: see ClusterRepository::FindInto.
  virtual bool FindInto(std::string_view cluster, std::string_view name_or_arn, Service& into) = 0;
  // One page of the cluster's services matching `filter` (INACTIVE ones only
  // when the filter asks for them). NotFoundError when the cluster does not
  // exist; InvalidArgumentError as ClusterRepository::List.
  Page<Service> List(std::string_view cluster, const ServiceFilter& filter = {},
                     const PageRequest& page = {}) {
    Page<Service> result;
    ListInto(cluster, filter, page, result);
    return result;
  }
  // As List, read into `into`: see ClusterRepository::ListInto.
  virtual void ListInto(std::string_view cluster, const ServiceFilter& filter,
                        const PageRequest& page, Page<Service>& into) = 0;
  // By `service.arn`, or `service.cluster_arn` + `service.name`, among the
  // services that are not INACTIVE; as ClusterRepository::Update.
  virtual Service Update(const Service& service) = 0;
  // Deletes the service as ECS does: it becomes DRAINING while tasks of its
  // group are not STOPPED, and INACTIVE in the same transaction that stops
  // or deletes the last of them (at once when there are none); its name and
  // ARN are then free for a new service. Its tasks stay. Unless
  // options.force, refuses with ConflictError while its desired_count is
  // above 0; forced, desired_count becomes 0. NotFoundError when no service
  // of that name or ARN is ACTIVE or DRAINING in that cluster.
  virtual void Delete(std::string_view cluster, std::string_view name_or_arn,
                      const DeleteOptions& options = {}) = 0;
};

class TaskRepository {
 public:
  virtual ~TaskRepository() = default;
  // `task.cluster_arn` names the cluster. NotFoundError when it does not
  // exist; AlreadyExistsError for a second task with the same ARN or id.
  virtual Task Create(Task task) = 0;
  // All or nothing, in one transaction (COPY on PostgreSQL); the tasks as
  // stored, in the order given. Errors as Create, for any of them.
  virtual std::vector<Task> CreateMany(std::vector<Task> tasks) = 0;
  // Creates the tasks `next` gives, all or nothing in one transaction, as
  // CreateMany does, but holding one task at a time: memory stays flat
  // however many there are (CreateMany returns every task it stored).
  // `next` fills the default Task it is passed and returns false after the
  // last. Returns how many were created; the ids and ARNs the store
  // generates are not returned (give ids to know them, or List). Errors as
  // CreateMany; InvalidArgumentError names the task's position in the
  // source. An exception from `next` stores nothing and propagates. A
  // failover while tasks stream in stores nothing and ends in
  // ConnectionError (a source is not read twice), or in OutcomeUnknownError
  // when it interrupted the commit.
  virtual std::int64_t CreateFrom(const std::function<bool(Task&)>& next) = 0;
  // Inserts the task, or overwrites the mutable fields of the task with the
  // same ARN, keeping its id and creation time and adding 1 to its version;
  // one atomic statement, no version check. An empty ARN is derived from the
  // id, so Upsert without ARN or id always inserts.
  virtual Task Upsert(Task task) = 0;
  // By task id or ARN within the cluster; std::nullopt when there is none.
  std::optional<Task> Find(std::string_view cluster, std::string_view id_or_arn) {
    std::optional<Task> found(std::in_place);
    if (!FindInto(cluster, id_or_arn, *found)) found.reset();
    return found;
  }
  // As Find, read into `into`: see ClusterRepository::FindInto.
  virtual bool FindInto(std::string_view cluster, std::string_view id_or_arn, Task& into) = 0;
  // The tasks with these ARNs that exist, in (created_at, id) order.
  // InvalidArgumentError for more than PageRequest::kMaxLimit ARNs.
  virtual std::vector<Task> FindByArns(const std::vector<std::string>& arns) = 0;
  // One page of the cluster's tasks matching `filter`. NotFoundError when
  // the cluster does not exist; InvalidArgumentError as ClusterRepository::List.
  Page<Task> List(std::string_view cluster, const TaskFilter& filter = {},
                  const PageRequest& page = {}) {
    Page<Task> result;
    ListInto(cluster, filter, page, result);
    return result;
  }
  // As List, read into `into`: see ClusterRepository::ListInto.
  virtual void ListInto(std::string_view cluster, const TaskFilter& filter, const PageRequest& page,
                        Page<Task>& into) = 0;
  // How many of the cluster's tasks match `filter`. NotFoundError when the
  // cluster does not exist.
  virtual std::int64_t Count(std::string_view cluster, const TaskFilter& filter = {}) = 0;
  // By `task.arn`, or `task.cluster_arn` + `task.id`; as ClusterRepository::Update.
  virtual Task Update(const Task& task) = 0;
  // Moves the task forward along ECS's lifecycle: PROVISIONING, PENDING,
  // ACTIVATING, RUNNING, DEACTIVATING, STOPPING, DEPROVISIONING, STOPPED,
  // DELETED (states may be skipped: a task that fails to start goes from
  // PENDING to STOPPED). Sets started_at on reaching RUNNING, stopping_at on
  // reaching DEACTIVATING or a later state, stopped_at (and desired_status
  // STOPPED) on reaching STOPPED, each only when unset, and the health status
  // when given; adds 1 to the version. The state the task is already in, with
  // no new health status, changes nothing and returns the task as stored.
  // Atomic against concurrent writers (the check and the write see the same
  // version; a concurrent change is read again, up to 5 times).
  // ConflictError naming both states for a move backwards (or when the task
  // kept changing); NotFoundError when the cluster or task does not exist;
  // InvalidArgumentError for a state or health status ECS does not have.
  virtual Task AdvanceStatus(std::string_view cluster, std::string_view id_or_arn,
                             const TaskStatusChange& change) = 0;
  // Deletes the task. NotFoundError when there is none in that cluster.
  virtual void Delete(std::string_view cluster, std::string_view id_or_arn) = 0;
  // Deletes the cluster's tasks whose last_status is STOPPED and whose
  // stopped_at is strictly before `before`; returns how many. NotFoundError
  // when the cluster does not exist.
  virtual std::int64_t DeleteStoppedBefore(std::string_view cluster, Timestamp before) = 0;
};

// What a unit of work sees.
class Repositories {
 public:
  virtual ~Repositories() = default;
  virtual ClusterRepository& clusters() = 0;
  virtual ServiceRepository& services() = 0;
  virtual TaskRepository& tasks() = 0;
};

}  // namespace strata
