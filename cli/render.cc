#include "render.h"

#include <algorithm>
#include <iostream>
#include <optional>

namespace strata::cli {
namespace {

json Time(const std::optional<Timestamp>& t) {
  return t ? json(FormatTimestamp(*t)) : json(nullptr);
}

// A stored JSON document embedded as a value; "" (absent) is null. The store
// validated it on the way in, so a parse failure means it was written by
// something else: it is shown as the text it is.
json Embedded(const std::string& text) {
  if (text.empty()) return nullptr;
  json value = json::parse(text, nullptr, false);
  return value.is_discarded() ? json(text) : value;
}

struct Column {
  const char* header;
  const char* key;
  bool short_arn = false;  // show what follows the ARN's last ':' or '/' part
};

template <class E>
struct Columns;
template <>
struct Columns<Cluster> {
  static constexpr Column kList[] = {{"NAME", "name"},
                                     {"STATUS", "status"},
                                     {"REGION", "region"},
                                     {"VERSION", "version"},
                                     {"CREATED", "created_at"}};
};
template <>
struct Columns<Service> {
  static constexpr Column kList[] = {{"NAME", "name"},
                                     {"STATUS", "status"},
                                     {"DESIRED", "desired_count"},
                                     {"RUNNING", "running_count"},
                                     {"LAUNCH TYPE", "launch_type"},
                                     {"TASK DEFINITION", "task_definition_arn", true},
                                     {"VERSION", "version"}};
};
template <>
struct Columns<Task> {
  static constexpr Column kList[] = {{"ID", "id"},
                                     {"LAST STATUS", "last_status"},
                                     {"DESIRED", "desired_status"},
                                     {"GROUP", "group"},
                                     {"STARTED BY", "started_by"},
                                     {"TASK DEFINITION", "task_definition_arn", true},
                                     {"CREATED", "created_at"}};
};

// "arn:aws:ecs:r:a:task-definition/web:3" -> "web:3".
std::string ShortArn(const std::string& arn) {
  const std::size_t slash = arn.find('/');
  return arn.starts_with("arn:") && slash != std::string::npos ? arn.substr(slash + 1) : arn;
}

void PrintTable(const std::vector<std::vector<std::string>>& rows, std::ostream& out) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line.append(widths[i] - row[i].size() + 2, ' ');
    }
    out << line << "\n";
  }
}

}  // namespace

std::string CellText(const json& value) {
  if (value.is_null()) return "-";
  if (value.is_string()) return value.get<std::string>().empty() ? "-" : value.get<std::string>();
  return value.dump();
}

json ToJson(const Cluster& c) {
  return json{
      {"id", c.id},
      {"arn", c.arn},
      {"name", c.name},
      {"status", c.status},
      {"region", c.region},
      {"account_id", c.account_id},
      {"settings", Embedded(c.settings)},
      {"configuration", Embedded(c.configuration)},
      {"tags", Embedded(c.tags)},
      {"capacity_providers", Embedded(c.capacity_providers)},
      {"default_capacity_provider_strategy", Embedded(c.default_capacity_provider_strategy)},
      {"registered_container_instances_count", c.registered_container_instances_count},
      {"running_tasks_count", c.running_tasks_count},
      {"pending_tasks_count", c.pending_tasks_count},
      {"active_services_count", c.active_services_count},
      {"version", c.version},
      {"created_at", FormatTimestamp(c.created_at)},
      {"updated_at", FormatTimestamp(c.updated_at)}};
}

json ToJson(const Service& s) {
  return json{{"id", s.id},
              {"arn", s.arn},
              {"name", s.name},
              {"cluster_arn", s.cluster_arn},
              {"task_definition_arn", s.task_definition_arn},
              {"desired_count", s.desired_count},
              {"running_count", s.running_count},
              {"pending_count", s.pending_count},
              {"launch_type", s.launch_type},
              {"platform_version", s.platform_version},
              {"status", s.status},
              {"role_arn", s.role_arn},
              {"scheduling_strategy", s.scheduling_strategy},
              {"propagate_tags", s.propagate_tags},
              {"enable_ecs_managed_tags", s.enable_ecs_managed_tags},
              {"enable_execute_command", s.enable_execute_command},
              {"health_check_grace_period_seconds", s.health_check_grace_period_seconds},
              {"region", s.region},
              {"account_id", s.account_id},
              {"load_balancers", Embedded(s.load_balancers)},
              {"service_registries", Embedded(s.service_registries)},
              {"network_configuration", Embedded(s.network_configuration)},
              {"deployment_configuration", Embedded(s.deployment_configuration)},
              {"placement_constraints", Embedded(s.placement_constraints)},
              {"placement_strategy", Embedded(s.placement_strategy)},
              {"capacity_provider_strategy", Embedded(s.capacity_provider_strategy)},
              {"tags", Embedded(s.tags)},
              {"version", s.version},
              {"created_at", FormatTimestamp(s.created_at)},
              {"updated_at", FormatTimestamp(s.updated_at)}};
}

json ToJson(const Task& t) {
  return json{{"id", t.id},
              {"arn", t.arn},
              {"cluster_arn", t.cluster_arn},
              {"task_definition_arn", t.task_definition_arn},
              {"container_instance_arn", t.container_instance_arn},
              {"last_status", t.last_status},
              {"desired_status", t.desired_status},
              {"cpu", t.cpu},
              {"memory", t.memory},
              {"group", t.group},
              {"started_by", t.started_by},
              {"launch_type", t.launch_type},
              {"platform_version", t.platform_version},
              {"platform_family", t.platform_family},
              {"connectivity", t.connectivity},
              {"health_status", t.health_status},
              {"stop_code", t.stop_code},
              {"stopped_reason", t.stopped_reason},
              {"capacity_provider_name", t.capacity_provider_name},
              {"enable_execute_command", t.enable_execute_command},
              {"region", t.region},
              {"account_id", t.account_id},
              {"containers", Embedded(t.containers)},
              {"overrides", Embedded(t.overrides)},
              {"attachments", Embedded(t.attachments)},
              {"attributes", Embedded(t.attributes)},
              {"tags", Embedded(t.tags)},
              {"started_at", Time(t.started_at)},
              {"stopping_at", Time(t.stopping_at)},
              {"stopped_at", Time(t.stopped_at)},
              {"connectivity_at", Time(t.connectivity_at)},
              {"pull_started_at", Time(t.pull_started_at)},
              {"pull_stopped_at", Time(t.pull_stopped_at)},
              {"execution_stopped_at", Time(t.execution_stopped_at)},
              {"version", t.version},
              {"created_at", FormatTimestamp(t.created_at)},
              {"updated_at", FormatTimestamp(t.updated_at)}};
}

template <class E>
void PrintResource(const GlobalOptions& options, const E& resource, std::ostream& out) {
  const json doc = ToJson(resource);
  if (options.output == OutputFormat::kJson) {
    out << doc.dump(2) << "\n";
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& [key, value] : doc.items()) rows.push_back({key, CellText(value)});
  PrintTable(rows, out);
}

template <class E>
void PrintList(const GlobalOptions& options, const std::vector<E>& items,
               const std::string& next_token, std::ostream& out, std::ostream& err) {
  if (options.output == OutputFormat::kJson) {
    json list = json::array();
    for (const E& item : items) list.push_back(ToJson(item));
    out << json{{"items", std::move(list)}, {"next_token", next_token}}.dump(2) << "\n";
    return;
  }
  std::vector<std::vector<std::string>> rows(1);
  for (const Column& column : Columns<E>::kList) rows[0].emplace_back(column.header);
  for (const E& item : items) {
    const json doc = ToJson(item);
    std::vector<std::string>& row = rows.emplace_back();
    for (const Column& column : Columns<E>::kList) {
      const std::string text = CellText(doc[column.key]);
      row.push_back(column.short_arn ? ShortArn(text) : text);
    }
  }
  PrintTable(rows, out);
  if (!next_token.empty())
    err << "strata: more rows: repeat with --next-token " << next_token << " (or --all)\n";
}

template void PrintResource(const GlobalOptions&, const Cluster&, std::ostream&);
template void PrintResource(const GlobalOptions&, const Service&, std::ostream&);
template void PrintResource(const GlobalOptions&, const Task&, std::ostream&);
template void PrintList(const GlobalOptions&, const std::vector<Cluster>&, const std::string&,
                        std::ostream&, std::ostream&);
template void PrintList(const GlobalOptions&, const std::vector<Service>&, const std::string&,
                        std::ostream&, std::ostream&);
template void PrintList(const GlobalOptions&, const std::vector<Task>&, const std::string&,
                        std::ostream&, std::ostream&);

}  // namespace strata::cli
