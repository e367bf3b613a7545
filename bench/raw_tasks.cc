// The raw side's value of each column of the tasks table, and the plans that
// bind a captured statement's placeholders from them (raw_tasks.h).
#include "raw_tasks.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <stdexcept>

namespace strata::bench {
namespace {

Column Text(std::string Task::*m) {
  return {ColumnKind::kText, [m](const Task& t, Value& v) { SetText(v, t.*m); }};
}
Column Json(std::string Task::*m) {
  return {ColumnKind::kJson, [m](const Task& t, Value& v) {
            if ((t.*m).empty()) {
              v = std::monostate{};
            } else {
              SetText(v, t.*m);
            }
          }};
}
Column Time(Timestamp Task::*m) {
  return {ColumnKind::kTime, [m](const Task& t, Value& v) { v = Micros(t.*m); }};
}
Column OptionalTime(std::optional<Timestamp> Task::*m) {
  return {ColumnKind::kOptionalTime, [m](const Task& t, Value& v) {
            if (t.*m) {
              v = Micros(*(t.*m));
            } else {
              v = std::monostate{};
            }
          }};
}

// "family" from ".../task-definition/family:revision".
std::string_view Family(std::string_view task_definition) {
  task_definition.remove_prefix(task_definition.rfind('/') + 1);
  return task_definition.substr(0, task_definition.rfind(':'));
}

const std::map<std::string, Column>& TaskColumns() {
  using T = Task;
  static const std::map<std::string, Column> columns = {
      {"id", Text(&T::id)},
      {"arn", Text(&T::arn)},
      {"cluster_arn", Text(&T::cluster_arn)},
      {"task_definition_arn", Text(&T::task_definition_arn)},
      {"family",
       {ColumnKind::kText,
        [](const Task& t, Value& v) { SetText(v, Family(t.task_definition_arn)); }}},
      {"container_instance_arn", Text(&T::container_instance_arn)},
      {"last_status", Text(&T::last_status)},
      {"desired_status", Text(&T::desired_status)},
      {"cpu", Text(&T::cpu)},
      {"memory", Text(&T::memory)},
      {"task_group", Text(&T::group)},
      {"started_by", Text(&T::started_by)},
      {"launch_type", Text(&T::launch_type)},
      {"platform_version", Text(&T::platform_version)},
      {"platform_family", Text(&T::platform_family)},
      {"connectivity", Text(&T::connectivity)},
      {"health_status", Text(&T::health_status)},
      {"stop_code", Text(&T::stop_code)},
      {"stopped_reason", Text(&T::stopped_reason)},
      {"capacity_provider_name", Text(&T::capacity_provider_name)},
      {"enable_execute_command",
       {ColumnKind::kBool,
        [](const Task& t, Value& v) { v = std::int64_t{t.enable_execute_command ? 1 : 0}; }}},
      {"region", Text(&T::region)},
      {"account_id", Text(&T::account_id)},
      {"containers", Json(&T::containers)},
      {"overrides", Json(&T::overrides)},
      {"attachments", Json(&T::attachments)},
      {"attributes", Json(&T::attributes)},
      {"tags", Json(&T::tags)},
      {"started_at", OptionalTime(&T::started_at)},
      {"stopping_at", OptionalTime(&T::stopping_at)},
      {"stopped_at", OptionalTime(&T::stopped_at)},
      {"connectivity_at", OptionalTime(&T::connectivity_at)},
      {"pull_started_at", OptionalTime(&T::pull_started_at)},
      {"pull_stopped_at", OptionalTime(&T::pull_stopped_at)},
      {"execution_stopped_at", OptionalTime(&T::execution_stopped_at)},
      {"version", {ColumnKind::kInt, [](const Task& t, Value& v) { v = t.version; }}},
      {"created_at", Time(&T::created_at)},
      {"updated_at", Time(&T::updated_at)},
  };
  return columns;
}

}  // namespace

const Column& TaskColumn(const std::string& name) {
  const auto it = TaskColumns().find(name);
  if (it == TaskColumns().end()) {
    throw std::runtime_error("the benchmark has no value for tasks." + name + ": add it");
  }
  return it->second;
}

std::vector<std::string> InsertColumns(const std::string& sql) {
  const std::size_t open = sql.find('(');
  const std::string list = sql.substr(open + 1, sql.find(')', open) - open - 1);
  std::vector<std::string> columns;
  for (std::size_t start = 0; start <= list.size();) {
    const std::size_t comma = std::min(list.find(", ", start), list.size());
    columns.push_back(list.substr(start, comma - start));
    start = comma + 2;
  }
  return columns;
}

Plan::Plan(std::string sql, const std::map<std::string, Get>& named) : sql_(std::move(sql)) {
  for (const Placeholder& p : Placeholders(sql_)) {
    if (const auto it = named.find(p.name); it != named.end()) {
      get_.push_back(it->second);
    } else if (p.name.starts_with(":c")) {
      get_.push_back(TaskColumn(InsertColumns(sql_).at(std::stoul(p.name.substr(2)))).get);
    } else if (p.name.starts_with(":u")) {
      const std::size_t equals = sql_.rfind(" = ", p.at);
      const std::size_t start = sql_.find_last_of(" ,", equals - 1) + 1;
      get_.push_back(TaskColumn(sql_.substr(start, equals - start)).get);
    } else {
      throw std::runtime_error("no value for " + p.name + " in: " + sql_);
    }
  }
  values_.resize(get_.size());
}

}  // namespace strata::bench
