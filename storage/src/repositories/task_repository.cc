// Tasks: unique by ARN, listed and counted per cluster under any filter,
// upserted in one statement, created in bulk (BulkInsert: COPY on PostgreSQL).
#include <map>
#include <nlohmann/json.hpp>

#include "repositories/cluster_cache.h"
#include "repositories/cluster_rows.h"
#include "repositories/schema.h"
#include "strata/error.h"

namespace strata::repositories {
namespace {

using connection::Type;

// The conditions a task list or count may have, in the order of their SQL.
enum TaskTerm : std::size_t {
  kGroupTerm,
  kFamilyTerm,
  kDesiredStatusTerm,
  kLastStatusTerm,
  kLaunchTypeTerm,
  kStartedByTerm,
  kContainerInstanceTerm,
};
constexpr FilterTerm kTaskTermList[] = {
    {"task_group", true},
    {"family", true},
    {"desired_status", true},
    {"last_status", true},
    {"launch_type", true},
    {"started_by", true},
    {"container_instance_arn", true},
};
constexpr FilterTerms kTaskTerms(kTaskTermList);

class TaskRepositoryImpl : public TaskRepository {
 public:
  explicit TaskRepositoryImpl(UnitOfWork& unit)
      : unit_(unit),
        table_("tasks", "task", TaskColumns(), unit.dialect()),
        insert_(table_, ""),
        upsert_(table_, " ON CONFLICT (arn) DO UPDATE SET " + table_.SetUpdatableFromExcluded() +
                            ", version = tasks.version + 1 RETURNING " + table_.select_list()) {
    // Find's four statements (cluster by name or ARN, task by id or ARN),
    // built once: a point read should not pay for assembling its SQL.
    for (const bool cluster_arn : {false, true}) {
      for (const bool task_arn : {false, true}) {
        find_[cluster_arn][task_arn] =
            std::string("SELECT ") + table_.select_list() + " FROM tasks WHERE " +
            KeyInCluster(cluster_arn ? "arn:" : "", task_arn ? "arn:" : "", "id");
      }
    }
  }

  Task Create(Task t) override {
    Check(t);
    const Timestamp now = Now();
    const std::string cluster = t.cluster_arn;
    const ClusterFields given(t);
    unit_.Write(
        "task",
        [&](connection::Connection& conn) {
          WriteInCluster(conn, clusters_, insert_, cluster, [&](const ClusterRef& c) {
            Complete(t, given, c, now);
            connection::Statement& st = conn.Prepare(insert_.sql, insert_.types, {});
            insert_.Bind(st, table_, t, c);
            st.Execute();
            return st.AffectedRows() == 1;
          });
        },
        CreateReplay(table_, t, "arn", t.arn));
    return t;
  }

  std::vector<Task> CreateMany(std::vector<Task> tasks) override {
    for (const Task& t : tasks) Check(t);
    if (tasks.empty()) return tasks;
    // Each task its own creation time, in the order given (a list pages by
    // it), taken once so that a second run writes the same rows.
    std::vector<Timestamp> created(tasks.size());
    for (Timestamp& at : created) at = Now();
    Task first_stored;  // the first task as a second run finds it
    unit_.Bulk(
        "task",
        [&](connection::Connection& conn) {
          Bulk bulk(conn, table_);
          for (std::size_t i = 0; i < tasks.size(); ++i) bulk.Add(tasks[i], created[i]);
          first_stored = tasks.front();
          bulk.Finish();
        },
        CreateReplay(table_, first_stored, "arn", first_stored.arn));
    return tasks;
  }

  std::int64_t CreateFrom(const std::function<bool(Task&)>& next) override {
    std::int64_t count = 0;
    bool ran = false;
    // No replay: a source is not read twice. A failover before the COMMIT
    // stored nothing (ConnectionError below); one during it may have
    // stored everything (OutcomeUnknownError from the unit).
    unit_.Bulk("task", [&](connection::Connection& conn) {
      if (ran) {
        throw ConnectionError(
            "the connection was lost while tasks were streamed in, before their commit: none "
            "was stored, and CreateFrom does not read its source twice; call it again with the "
            "source from its start");
      }
      ran = true;
      count = 0;
      Bulk bulk(conn, table_);
      for (Task t; next(t); t = Task{}) {
        try {
          Check(t);
        } catch (const InvalidArgumentError& e) {
          throw InvalidArgumentError("task " + std::to_string(count + 1) +
                                     " of the source: " + e.what() + " (no task was stored)");
        }
        bulk.Add(t, Now());
        ++count;
      }
      bulk.Finish();
    });
    return count;
  }

  Task Upsert(Task t) override {
    Check(t);
    std::optional<Task> stored;
    const Timestamp now = Now();
    const std::string cluster = t.cluster_arn;
    const ClusterFields given(t);
    const Replay replay{true, {}};  // a second run overwrites the first's row
    unit_.Write(
        "task",
        [&](connection::Connection& conn) {
          WriteInCluster(conn, clusters_, upsert_, cluster, [&](const ClusterRef& c) {
            Complete(t, given, c, now);
            connection::Statement& st =
                conn.Prepare(upsert_.sql, upsert_.types, table_.read_types());
            upsert_.Bind(st, table_, t, c);
            ReadOne(st, table_, stored);
            return stored.has_value();
          });
        },
        replay);
    return std::move(*stored);
  }

  bool FindInto(std::string_view cluster, std::string_view id_or_arn, Task& into) override {
    CheckReference("cluster", cluster);
    CheckReference("task", id_or_arn);
    bool found = false;
    unit_.Read("task", [&](connection::Connection& conn) {
      static const std::vector<Type> kKeys(2, Type::kText);
      connection::Statement& st =
          conn.Prepare(find_[IsArn(cluster)][IsArn(id_or_arn)], kKeys, table_.read_types());
      st.Text(cluster).Text(id_or_arn);
      found = ReadOneInto(st, table_, into);
    });
    return found;
  }

  std::vector<Task> FindByArns(const std::vector<std::string>& arns) override {
    if (arns.size() > static_cast<std::size_t>(PageRequest::kMaxLimit)) {
      throw InvalidArgumentError("FindByArns takes at most " +
                                 std::to_string(PageRequest::kMaxLimit) +
                                 " ARNs per call: split the list");
    }
    if (arns.empty()) return {};
    for (const std::string& arn : arns) CheckReference("task ARN", arn);
    const std::string list = nlohmann::json(arns).dump();
    std::vector<Task> found;
    unit_.Read("task", [&](connection::Connection& conn) {
      const std::string in = table_.dialect().JsonArrayElements(":arns");
      connection::Statement& st =
          conn.Prepare(std::string("SELECT ") + table_.select_list() +
                           " FROM tasks WHERE arn IN (" + in + ") ORDER BY created_at, id",
                       {Type::kText}, table_.read_types());
      st.Text(list);
      found = ReadAll(st, table_);
    });
    return found;
  }

  void ListInto(std::string_view cluster, const TaskFilter& filter, const PageRequest& page,
                Page<Task>& into) override {
    Refill(into, [&] {
      CheckReference("cluster", cluster);
      CheckPage(page);
      const std::string group = TaskGroup(filter);
      Filters filters(kTaskTerms);
      AddFilters(filter, group, filters);
      ListInCluster(unit_, table_, "task", "tasks", cluster, filters,
                    WhereInCluster(where_, cluster, filters), FilterKey(filters), page, into);
    });
  }

  std::int64_t Count(std::string_view cluster, const TaskFilter& filter) override {
    CheckReference("cluster", cluster);
    const std::string group = TaskGroup(filter);
    Filters filters(kTaskTerms);
    AddFilters(filter, group, filters);
    const connection::StatementText& sql = count_.Get(CallShape(cluster, filters), [&] {
      return "SELECT count(*) FROM tasks WHERE " + WhereInCluster(where_, cluster, filters);
    });
    std::int64_t count = 0;
    unit_.Read("task", [&](connection::Connection& conn) {
      static const std::vector<Type> kCount = {Type::kInt};
      connection::Statement& st = conn.Prepare(sql, TextParams(1 + filters.size()), kCount);
      filters.Bind(st, cluster);
      st.Execute();
      count = st.GetInt(0);
      st.Finish();
      if (count == 0) RequireCluster(conn, cluster);
    });
    return count;
  }

  Task Update(const Task& t) override {
    return UpdateInCluster(unit_, table_, "task", t, "id", t.id);
  }

  Task AdvanceStatus(std::string_view cluster, std::string_view id_or_arn,
                     const TaskStatusChange& change) override {
    CheckRule("task last_status", kLastStatus, change.last_status);
    if (!change.health_status.empty()) {
      CheckRule("task health_status", kHealthStatus, change.health_status);
    }
    constexpr int kAttempts = 5;
    for (int attempt = 1;; ++attempt) {
      std::optional<Task> task = Find(cluster, id_or_arn);
      if (!task) {
        unit_.Read("task", [&](connection::Connection& conn) { RequireCluster(conn, cluster); });
        throw NotFoundError("task not found in that cluster: check its id or ARN");
      }
      if (!Advance(*task, change)) return std::move(*task);
      try {
        // Versioned: fails if the task changed since Find. By its ARN, which
        // a stored task always has (the id is not read).
        return UpdateInCluster(unit_, table_, "task", std::move(*task), "id", std::string());
      } catch (const ConflictError&) {
        if (attempt == kAttempts) throw;
      }
    }
  }

  void Delete(std::string_view cluster, std::string_view id_or_arn) override {
    DeleteInCluster(unit_, table_, "task", cluster, id_or_arn, "id");
  }

  std::int64_t DeleteStoppedBefore(std::string_view cluster, Timestamp before) override {
    CheckReference("cluster", cluster);
    std::int64_t deleted = 0;
    unit_.Write("task", [&](connection::Connection& conn) {
      connection::Statement& st = conn.Prepare(
          "DELETE FROM tasks WHERE " + ClusterMatch(cluster, "cluster_arn", ":cluster") +
              " AND last_status = 'STOPPED' AND stopped_at < " +
              table_.dialect().Param(FieldType::kTimestamp, ":before"),
          {Type::kText, Type::kInt}, {});
      st.Text(cluster).Int(Micros(before));
      st.Execute();
      deleted = st.AffectedRows();
      if (deleted == 0) RequireCluster(conn, cluster);
    });
    return deleted;
  }

 private:
  // Applies `change` to `task`; false when nothing changes. ConflictError for
  // a move backwards.
  static bool Advance(Task& task, const TaskStatusChange& change) {
    const int from = LifecycleRank(task.last_status), to = LifecycleRank(change.last_status);
    if (to < from) {
      throw ConflictError("task is " + task.last_status + " and cannot go back to " +
                          change.last_status +
                          ": a task only moves forward (PROVISIONING, PENDING, ACTIVATING, "
                          "RUNNING, DEACTIVATING, STOPPING, DEPROVISIONING, STOPPED); run a "
                          "new task instead");
    }
    const bool health = !change.health_status.empty() && change.health_status != task.health_status;
    if (to == from && !health) return false;
    task.last_status = change.last_status;
    if (health) task.health_status = change.health_status;
    const Timestamp now = Now();
    if (to == LifecycleRank("RUNNING") && !task.started_at) task.started_at = now;
    if (to >= LifecycleRank("DEACTIVATING") && !task.stopping_at) task.stopping_at = now;
    if (to >= LifecycleRank("STOPPED")) {
      if (!task.stopped_at) task.stopped_at = now;
      task.desired_status = "STOPPED";
    }
    return true;
  }

  void Check(const Task& t) const {
    CheckReference("task cluster", t.cluster_arn);
    if (!t.id.empty()) CheckId("task id", t.id);
    if (!t.arn.empty()) CheckArn("task ARN", t.arn);
    table_.CheckValues(t);
  }

  // Tasks completed and written as rows of a BulkInsert (COPY on
  // PostgreSQL), each cluster read once. The connection runs no other
  // statement during a COPY, so a cluster not seen before ends the current
  // insert, is read, and a new insert starts.
  class Bulk {
   public:
    Bulk(connection::Connection& conn, const Table<Task>& table) : conn_(conn), table_(table) {}
    // Completes `t`, created `at`, and writes it.
    void Add(Task& t, Timestamp at) {
      auto it = clusters_.find(t.cluster_arn);
      if (it == clusters_.end()) {
        Finish();
        it = clusters_.emplace(t.cluster_arn, RequireCluster(conn_, t.cluster_arn)).first;
      }
      if (!insert_) insert_ = conn_.native().BulkInsertInto(table_.name(), table_.column_names());
      Complete(t, ClusterFields(t), it->second, at);
      table_.BindAll(*insert_, t);
      insert_->EndRow();
    }
    void Finish() {
      if (insert_) insert_->Finish();
      insert_.reset();
    }

   private:
    connection::Connection& conn_;
    const Table<Task>& table_;
    std::unique_ptr<backends::BulkInsert> insert_;
    std::map<std::string, ClusterRef, std::less<>> clusters_;
  };

  // What the store fills in on a new task of `cluster`, created `now`.
  static void Complete(Task& t, const ClusterFields& given, const ClusterRef& cluster,
                       Timestamp now) {
    if (t.id.empty()) t.id = NewId();
    given.Fill(t, cluster, "task", t.id);
    t.version = 1;
    t.created_at = t.updated_at = now;
  }

  // The task_group value that the service name filter matches.
  static std::string TaskGroup(const TaskFilter& f) {
    return f.service_name.empty() ? std::string() : "service:" + f.service_name;
  }

  // Checks the filter, then adds its terms to `filters` (in place: a Filters
  // is not copied). `group` is TaskGroup(f), which the filter binds.
  [[gnu::always_inline]] static void AddFilters(const TaskFilter& f, const std::string& group,
                                                Filters& filters) {
    for (const std::string* text : {&f.service_name, &f.family, &f.started_by}) {
      CheckText("task filter", *text);
    }
    CheckFilter("desired status filter", kDesiredStatus, f.desired_status);
    CheckFilter("last status filter", kLastStatus, f.last_status);
    CheckFilter("launch type filter", kLaunchType, f.launch_type);
    CheckFilter("container instance filter", kContainerInstanceArn, f.container_instance_arn);
    filters.Set(kGroupTerm, group);
    filters.Set(kFamilyTerm, f.family);
    filters.Set(kDesiredStatusTerm, f.desired_status);
    filters.Set(kLastStatusTerm, f.last_status);
    filters.Set(kLaunchTypeTerm, f.launch_type);
    filters.Set(kStartedByTerm, f.started_by);
    filters.Set(kContainerInstanceTerm, f.container_instance_arn);
  }

  // What a page token is bound to: the filter's conditions and values.
  static std::string FilterKey(const Filters& filters) {
    std::string key = QueryKey({filters.Sql()});
    for (std::size_t i = 0; i < filters.size(); ++i) key.append(filters.value(i)).append(1, '\x1f');
    return key;
  }

  UnitOfWork& unit_;
  Table<Task> table_;
  const ClusterInsert<Task> insert_, upsert_;
  ClusterCache clusters_;
  std::string find_[2][2];                // [cluster is an ARN][task key is an ARN]
  const SqlVariants where_{kCallShapes};  // WhereInCluster
  const SqlVariants count_{kCallShapes};  // Count's statement, by CallShape
};

}  // namespace

std::unique_ptr<TaskRepository> MakeTaskRepository(UnitOfWork& unit) {
  return std::make_unique<TaskRepositoryImpl>(unit);
}

}  // namespace strata::repositories
