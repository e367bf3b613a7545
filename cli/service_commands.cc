// `strata service ...`: the verbs of the service resource (docs/cli.md).
#include <cstdint>
#include <optional>
#include <string>

#include "command.h"
#include "render.h"
#include "verb_table.h"

namespace strata::cli {
namespace {

std::optional<Service> FindService(Invocation& in, bool may_lag) {
  return (may_lag ? in.reads() : in.store()).services().Find(in.cluster(), in.target);
}

Service RequireService(Invocation& in, bool may_lag = false) {
  std::optional<Service> service = FindService(in, may_lag);
  if (!service) {
    NotFoundInCluster(in, "service", "name");
  }
  return *service;
}

}  // namespace

Resource ServiceResource() {
  return {"service",
          "services: long-running groups of tasks in a cluster, unique by name per cluster",
          {
              {"create",
               "--cluster C NAME --task-definition ARN [--desired-count N] [--launch-type T] "
               "[--tags JSON]",
               "create a service",
               "NAME",
               {kCluster,
                {"task-definition", "ARN", "the task definition the service runs (required)"},
                {"desired-count", "N", "tasks the service should keep running (default 0)"},
                {"launch-type", "T", "EC2, FARGATE or EXTERNAL (default EC2)"},
                {"tags", "JSON", "tags as a JSON document"}},
               {"strata service create --cluster prod web --task-definition "
                "arn:aws:ecs:us-east-1:000000000000:task-definition/web:3 --desired-count 2"},
               [](Invocation& in) {
                 Service s;
                 s.cluster_arn = in.cluster();
                 s.name = in.target;
                 s.task_definition_arn = in.Required("task-definition");
                 s.desired_count = in.Integer("desired-count", 0, 1'000'000).value_or(0);
                 s.launch_type = in.Text("launch-type", s.launch_type);
                 s.tags = in.Text("tags");
                 PrintResource(in.options, in.store().services().Create(s), in.out);
               }},
              {"get",
               "--cluster C NAME|ARN",
               "show every field of a service",
               "NAME|ARN",
               {kCluster},
               {"strata service get --cluster prod web"},
               [](Invocation& in) {
                 PrintResource(in.options, RequireService(in, /*may_lag=*/true), in.out);
               }},
              {"list",
               "--cluster C [--launch-type T] [--status S] [--include-inactive] [--limit N] "
               "[--next-token T] [--all]",
               "list a cluster's services, oldest first, one page at a time; deleted (INACTIVE) "
               "ones on request",
               nullptr,
               {kCluster,
                {"launch-type", "T", "only services of this launch type"},
                {"status", "S", "only services with this status (INACTIVE: deleted ones)"},
                kIncludeInactive,
                kLimit,
                kNextToken,
                kAll},
               {"strata service list --cluster prod",
                "strata service list --cluster prod "
                "--launch-type FARGATE --all"},
               [](Invocation& in) {
                 ServiceFilter filter;
                 filter.launch_type = in.Text("launch-type");
                 filter.status = in.Text("status");
                 filter.include_inactive = in.Switch("include-inactive");
                 const std::string cluster = in.cluster();
                 in.List<Service>([&](const PageRequest& p, Page<Service>& into) {
                   in.reads().services().ListInto(cluster, filter, p, into);
                 });
               }},
              {"update",
               "--cluster C NAME|ARN [--desired-count N] [--status S] [--task-definition ARN] "
               "[--expected-version V]",
               "scale a service, change its status or its task definition",
               "NAME|ARN",
               {kCluster,
                {"desired-count", "N", "tasks the service should keep running"},
                {"status", "S", "new status, e.g. ACTIVE or DRAINING"},
                {"task-definition", "ARN", "a new task definition"},
                kExpectedVersion},
               {"strata service update --cluster prod web --desired-count 4",
                "strata service update --cluster prod web --status DRAINING --expected-version 2"},
               [](Invocation& in) {
                 if (!in.Has("desired-count") && !in.Has("status") && !in.Has("task-definition")) {
                   throw UsageError(
                       "service update needs --desired-count, --status or --task-definition");
                 }
                 const std::optional<std::int64_t> desired =
                     in.Integer("desired-count", 0, 1'000'000);
                 const Service updated = UpdateWithRetry<Service>(
                     in, [&] { return RequireService(in); },
                     [&](Service& s) {
                       s.desired_count = desired.value_or(s.desired_count);
                       s.status = in.Text("status", s.status);
                       s.task_definition_arn = in.Text("task-definition", s.task_definition_arn);
                       return true;
                     },
                     [&](const Service& s) { return in.store().services().Update(s); });
                 PrintResource(in.options, updated, in.out);
               }},
              {"delete",
               "--cluster C NAME|ARN [--force]",
               "delete a service: DRAINING while its tasks stop, then INACTIVE (its name is "
               "free; its tasks stay); refused while its desired count is above 0, unless "
               "--force, which also sets it to 0",
               "NAME|ARN",
               {kCluster, {"force", nullptr, "delete even while it wants tasks"}},
               {"strata service delete --cluster prod web",
                "strata service delete --cluster prod web --force"},
               [](Invocation& in) {
                 const Service s = RequireService(in);
                 DeleteOptions options;
                 options.force = in.Switch("force");
                 in.store().services().Delete(s.cluster_arn, s.arn, options);
                 in.Deleted(s.arn, RequireService(in).status);
               }},
          }};
}

}  // namespace strata::cli
