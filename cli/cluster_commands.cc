// `strata cluster ...`: the verbs of the cluster resource (docs/cli.md).
#include <chrono>
#include <cstdint>
#include <optional>

#include "command.h"
#include "render.h"
#include "strata/error.h"
#include "verb_table.h"

namespace strata::cli {
namespace {

std::optional<Cluster> FindCluster(Invocation& in, bool may_lag) {
  return (may_lag ? in.reads() : in.store()).clusters().Find(in.target);
}

Cluster RequireCluster(Invocation& in, bool may_lag = false) {
  std::optional<Cluster> cluster = FindCluster(in, may_lag);
  if (!cluster) throw NotFoundError(kClusterNotFound);
  return *cluster;
}

}  // namespace

Resource ClusterResource() {
  return {
      "cluster",
      "clusters: the top of the hierarchy; a deleted one is INACTIVE until purged, and its "
      "services and tasks go with it",
      {
          {"create",
           "NAME [--region R] [--account-id A] [--tags JSON]",
           "create a cluster (its ARN is derived from region, account and name)",
           "NAME",
           {{"region", "R", "AWS region in the ARN (default us-east-1)"},
            {"account-id", "A", "account in the ARN (default 000000000000)"},
            {"tags", "JSON",
             "tags as a JSON document, e.g. '[{\"key\":\"env\",\"value\":\"prod\"}]'"}},
           {"strata cluster create prod", "strata cluster create prod --region eu-west-1"},
           [](Invocation& in) {
             Cluster c;
             c.name = in.target;
             c.region = in.Text("region");
             c.account_id = in.Text("account-id");
             c.tags = in.Text("tags");
             PrintResource(in.options, in.store().clusters().Create(c), in.out);
           }},
          {"get",
           "NAME|ARN",
           "show every field of a cluster",
           "NAME|ARN",
           {},
           {"strata cluster get prod", "strata --output json cluster get prod"},
           [](Invocation& in) {
             PrintResource(in.options, RequireCluster(in, /*may_lag=*/true), in.out);
           }},
          {"list",
           "[--include-inactive] [--limit N] [--next-token T] [--all]",
           "list clusters, oldest first, one page at a time; deleted ones on request",
           nullptr,
           {kIncludeInactive, kLimit, kNextToken, kAll},
           {"strata cluster list", "strata cluster list --limit 3",
            "strata --output json cluster list --include-inactive --all"},
           [](Invocation& in) {
             ClusterFilter filter;
             filter.include_inactive = in.Switch("include-inactive");
             in.List<Cluster>([&](const PageRequest& p, Page<Cluster>& into) {
               in.reads().clusters().ListInto(filter, p, into);
             });
           }},
          {"update",
           "NAME|ARN [--status S] [--tags JSON] [--expected-version V]",
           "change a cluster's status or tags",
           "NAME|ARN",
           {{"status", "S", "new status: ACTIVE, PROVISIONING, DEPROVISIONING or FAILED"},
            {"tags", "JSON", "new tags, a JSON document"},
            kExpectedVersion},
           {"strata cluster update prod --status INACTIVE",
            "strata cluster update prod --tags '[]' --expected-version 3"},
           [](Invocation& in) {
             if (!in.Has("status") && !in.Has("tags")) {
               throw UsageError("cluster update needs --status or --tags");
             }
             const Cluster updated = UpdateWithRetry<Cluster>(
                 in, [&] { return RequireCluster(in); },
                 [&](Cluster& c) {
                   c.status = in.Text("status", c.status);
                   c.tags = in.Text("tags", c.tags);
                   return true;
                 },
                 [&](const Cluster& c) { return in.store().clusters().Update(c); });
             PrintResource(in.options, updated, in.out);
           }},
          {"delete",
           "NAME|ARN [--force]",
           "delete a cluster: it becomes INACTIVE (get still shows it; its name is free) and its "
           "services and tasks go; refused while it has active or draining services or tasks "
           "not stopped, unless --force",
           "NAME|ARN",
           {{"force", nullptr, "delete even while services or tasks remain, with them"}},
           {"strata cluster delete staging", "strata cluster delete staging --force"},
           [](Invocation& in) {
             const Cluster c = RequireCluster(in);
             DeleteOptions options;
             options.force = in.Switch("force");
             in.store().clusters().Delete(c.arn, options);
             in.Deleted(c.arn, "INACTIVE");
           }},
          {"purge",
           "--older-than D",
           "remove for good the INACTIVE clusters deleted more than D ago",
           nullptr,
           {{"older-than", "D",
             "an age: a whole number with a unit, s, m, h or d (30m, 12h, 7d; 0s: all)"}},
           {"strata cluster purge --older-than 7d", "strata cluster purge --older-than 0s"},
           [](Invocation& in) {
             const std::chrono::seconds age = in.Age("older-than");
             const std::int64_t purged = in.store().clusters().Purge(Now() - age);
             if (in.options.output == OutputFormat::kJson) {
               in.out << json{{"purged", purged}}.dump(2) << "\n";
             } else {
               in.out << "purged " << purged << " INACTIVE cluster" << (purged == 1 ? "" : "s")
                      << "\n";
             }
           }},
      }};
}

}  // namespace strata::cli
