// `strata task ...`: the verbs of the task resource (docs/cli.md).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "render.h"
#include "strata/fields.h"
#include "strata/timestamp.h"
#include "verb_table.h"

namespace strata::cli {
namespace {

constexpr std::int64_t kMaxRunCount = 1000;

std::optional<Task> FindTask(Invocation& in, bool may_lag) {
  return (may_lag ? in.reads() : in.store()).tasks().Find(in.cluster(), in.target);
}

Task RequireTask(Invocation& in, bool may_lag = false) {
  std::optional<Task> task = FindTask(in, may_lag);
  if (!task) {
    NotFoundInCluster(in, "task", "id");
  }
  return *task;
}

const std::vector<Flag> kTaskFilterFlags = {
    {"service", "S", "only the tasks of service S (group service:S)"},
    {"family", "F", "only tasks of task-definition family F"},
    {"desired-status", "S", "RUNNING or STOPPED"},
    {"last-status", "S", "e.g. PROVISIONING, RUNNING, STOPPED"},
    {"launch-type", "T", "EC2, FARGATE or EXTERNAL"},
    {"started-by", "S", "only tasks started by S"},
    {"container-instance", "ARN", "only tasks placed on this container instance"}};

TaskFilter ReadTaskFilter(const Invocation& in) {
  TaskFilter filter;
  filter.service_name = in.Text("service");
  filter.family = in.Text("family");
  filter.desired_status = in.Text("desired-status");
  filter.last_status = in.Text("last-status");
  filter.launch_type = in.Text("launch-type");
  filter.started_by = in.Text("started-by");
  filter.container_instance_arn = in.Text("container-instance");
  return filter;
}

std::vector<Flag> With(std::vector<Flag> flags, const std::vector<Flag>& more) {
  flags.insert(flags.end(), more.begin(), more.end());
  return flags;
}

}  // namespace

Resource TaskResource() {
  return {
      "task",
      "tasks: runs of a task definition in a cluster, started alone or by a service",
      {
          {"run",
           "--cluster C --task-definition ARN [--count N] [--group G] [--started-by S] "
           "[--launch-type T] [--cpu CPU] [--memory MEM] [--tags JSON]",
           "start N tasks of a task definition, stored in one transaction",
           nullptr,
           {kCluster,
            {"task-definition", "ARN", "the task definition to run (required)"},
            {"count", "N", "how many tasks, 1-1000 (default 1)"},
            {"group", "G", "task group, e.g. service:web (default family:<family>)"},
            {"started-by", "S", "who started them, e.g. a deployment id"},
            {"launch-type", "T", "EC2, FARGATE or EXTERNAL (default EC2)"},
            {"cpu", "CPU", "CPU units as in the ECS API, e.g. 256"},
            {"memory", "MEM", "memory as in the ECS API, e.g. 512"},
            {"tags", "JSON", "tags as a JSON document"}},
           {"strata task run --cluster prod --task-definition "
            "arn:aws:ecs:us-east-1:000000000000:task-definition/web:3 --count 3 --group "
            "service:web"},
           [](Invocation& in) {
             Task t;
             t.cluster_arn = in.cluster();
             t.task_definition_arn = in.Required("task-definition");
             t.group = in.Text("group", "family:" + TaskDefinitionFamily(t.task_definition_arn));
             t.started_by = in.Text("started-by");
             t.launch_type = in.Text("launch-type", t.launch_type);
             t.cpu = in.Text("cpu");
             t.memory = in.Text("memory");
             t.tags = in.Text("tags");
             const auto count = in.Integer("count", 1, kMaxRunCount).value_or(1);
             std::vector<Task> tasks(static_cast<std::size_t>(count), t);
             PrintList(in.options, in.store().tasks().CreateMany(std::move(tasks)), "", in.out,
                       in.err);
           }},
          {"get",
           "--cluster C ID|ARN",
           "show every field of a task",
           "ID|ARN",
           {kCluster},
           {"strata task get --cluster prod 5f1c0e2a9b7d4c3e8f6a1b2c3d4e5f60"},
           [](Invocation& in) {
             PrintResource(in.options, RequireTask(in, /*may_lag=*/true), in.out);
           }},
          {"list",
           "--cluster C [--service S] [--family F] [--desired-status S] [--last-status S] "
           "[--launch-type T] [--started-by S] [--container-instance ARN] [--limit N] "
           "[--next-token T] [--all]",
           "list a cluster's tasks, oldest first, one page at a time; filters combine with AND "
           "and match exactly",
           nullptr,
           With(With({kCluster}, kTaskFilterFlags), {kLimit, kNextToken, kAll}),
           {"strata task list --cluster prod --service web --desired-status RUNNING",
            "strata task list --cluster prod --family web --limit 20",
            "strata --output json task list --cluster prod --all"},
           [](Invocation& in) {
             const TaskFilter filter = ReadTaskFilter(in);
             const std::string cluster = in.cluster();
             in.List<Task>([&](const PageRequest& p, Page<Task>& into) {
               in.reads().tasks().ListInto(cluster, filter, p, into);
             });
           }},
          {"count",
           "--cluster C [--service S] [--family F] [--desired-status S] [--last-status S] "
           "[--launch-type T] [--started-by S] [--container-instance ARN]",
           "count a cluster's tasks, with the filters of task list",
           nullptr,
           With({kCluster}, kTaskFilterFlags),
           {"strata task count --cluster prod --desired-status RUNNING"},
           [](Invocation& in) {
             const std::int64_t count = in.reads().tasks().Count(in.cluster(), ReadTaskFilter(in));
             if (in.options.output == OutputFormat::kJson) {
               in.out << Dump(json{{"count", count}}) << "\n";
             } else {
               in.out << count << "\n";
             }
           }},
          {"stop",
           "--cluster C ID|ARN [--reason R]",
           "stop a task: desired and last status STOPPED, with a reason and the time",
           "ID|ARN",
           {kCluster, {"reason", "R", "why it stopped (default \"Task stopped by user\")"}},
           {"strata task stop --cluster prod 5f1c0e2a9b7d4c3e8f6a1b2c3d4e5f60 --reason "
            "\"scaling down\""},
           [](Invocation& in) {
             const std::string reason = in.Text("reason", "Task stopped by user");
             const Task stopped = UpdateWithRetry<Task>(
                 in, [&] { return RequireTask(in); },
                 [&](Task& t) {
                   // Stopping a stopped task changes nothing: its times stay.
                   if (t.desired_status == "STOPPED" && t.last_status == "STOPPED") return false;
                   const Timestamp now = Now();
                   t.desired_status = "STOPPED";
                   t.last_status = "STOPPED";
                   t.stop_code = "UserInitiated";
                   t.stopped_reason = reason;
                   if (!t.stopping_at) t.stopping_at = now;
                   t.stopped_at = now;
                   return true;
                 },
                 [&](const Task& t) { return in.store().tasks().Update(t); });
             PrintResource(in.options, stopped, in.out);
           }},
          {"update",
           "--cluster C ID|ARN --last-status S [--health-status H]",
           "move a task forward along ECS's lifecycle (PROVISIONING, PENDING, ACTIVATING, "
           "RUNNING, DEACTIVATING, STOPPING, DEPROVISIONING, STOPPED); never backwards",
           "ID|ARN",
           {kCluster,
            {"last-status", "S", "the state the task reached (required)"},
            {"health-status", "H", "HEALTHY, UNHEALTHY or UNKNOWN"}},
           {"strata task update --cluster prod 5f1c0e2a9b7d4c3e8f6a1b2c3d4e5f60 --last-status "
            "RUNNING --health-status HEALTHY"},
           [](Invocation& in) {
             TaskStatusChange change;
             change.last_status = in.Required("last-status");
             change.health_status = in.Text("health-status");
             PrintResource(in.options,
                           in.store().tasks().AdvanceStatus(in.cluster(), in.target, change),
                           in.out);
           }},
          {"delete",
           "--cluster C ID|ARN",
           "delete a task's record",
           "ID|ARN",
           {kCluster},
           {"strata task delete --cluster prod 5f1c0e2a9b7d4c3e8f6a1b2c3d4e5f60"},
           [](Invocation& in) {
             const Task t = RequireTask(in);
             in.store().tasks().Delete(t.cluster_arn, t.arn);
             in.Deleted(t.arn);
           }},
      }};
}

}  // namespace strata::cli
