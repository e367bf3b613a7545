// `strata cluster|service|task ...`: the repositories from the command line
// (DESIGN.md §5, docs/cli.md). Each verb is one entry in a table that gives
// its synopsis, flags, help, examples and what it runs, so that parsing,
// `--help` and the docs cannot drift apart.
#include <boost/program_options.hpp>
#include <charconv>
#include <chrono>
#include <functional>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "command.h"
#include "exit_codes.h"
#include "render.h"
#include "strata/error.h"
#include "strata/store.h"

namespace strata::cli {
namespace {

namespace po = boost::program_options;

// How often an update without --expected-version re-reads and re-applies its
// change when another writer got in between.
constexpr int kUpdateAttempts = 5;
constexpr std::int64_t kMaxRunCount = 1000;

struct Flag {
  const char* name;
  const char* value_name;  // nullptr: a switch
  const char* help;
};

struct Invocation;

struct Verb {
  const char* name;
  const char* synopsis;    // after "strata <resource> <verb>"
  const char* summary;     // one line
  const char* positional;  // "NAME", "NAME|ARN", ... or nullptr
  std::vector<Flag> flags;
  std::vector<const char*> examples;
  std::function<void(Invocation&)> run;
};

struct Resource {
  const char* name;
  const char* summary;
  std::vector<Verb> verbs;
};

// A parsed command line of one verb, and the store it runs against.
struct Invocation {
  const GlobalOptions& options;
  const Resource& resource;
  const Verb& verb;
  po::variables_map flags;
  std::string target;  // the positional argument
  std::ostream& out;
  std::ostream& err;
  std::unique_ptr<Store> store_;

  Store& store() {
    if (!store_) store_ = Store::Open(options.store);
    return *store_;
  }
  bool Has(const char* name) const { return flags.count(name) != 0 && !flags[name].defaulted(); }
  std::string Text(const char* name, std::string fallback = "") const {
    return Has(name) ? flags[name].as<std::string>() : fallback;
  }
  bool Switch(const char* name) const { return flags.count(name) != 0 && flags[name].as<bool>(); }
  std::string Required(const char* name) const {
    if (!Has(name)) {
      throw UsageError(std::string(resource.name) + " " + verb.name + " needs --" + name);
    }
    return Text(name);
  }
  std::optional<std::int64_t> Integer(const char* name, std::int64_t min, std::int64_t max) const {
    if (!Has(name)) return std::nullopt;
    const std::string text = Text(name);
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
      throw UsageError("--" + std::string(name) + " must be an integer from " +
                       std::to_string(min) + " to " + std::to_string(max));
    }
    return value;
  }
  std::string cluster() const { return Required("cluster"); }

  PageRequest Page() const {
    PageRequest page;
    page.limit = static_cast<int>(Integer("limit", 1, PageRequest::kMaxLimit).value_or(page.limit));
    page.next_token = Text("next-token");
    return page;
  }

  // Prints a list, following next tokens with --all.
  template <class E, class Fetch>
  void List(Fetch fetch) {
    PageRequest page = Page();
    strata::Page<E> result = fetch(page);
    if (Switch("all")) {
      while (!result.next_token.empty()) {
        page.next_token = result.next_token;
        strata::Page<E> next = fetch(page);
        result.items.insert(result.items.end(), std::make_move_iterator(next.items.begin()),
                            std::make_move_iterator(next.items.end()));
        result.next_token = next.next_token;
      }
    }
    PrintList(options, result.items, result.next_token, out, err);
  }

  template <class E>
  void Deleted(const E& resource_deleted) {
    if (options.output == OutputFormat::kJson) {
      out << json{{"deleted", resource_deleted.arn}}.dump(2) << "\n";
    } else {
      out << "deleted " << resource_deleted.arn << "\n";
    }
  }
};

// Re-reads the resource and applies `change` until the update lands. With
// --expected-version the caller's version is used once: a stale one is a
// ConflictError (exit 4).
template <class E>
E UpdateWithRetry(const Invocation& in, const std::function<E()>& find,
                  const std::function<bool(E&)>& change, const std::function<E(const E&)>& update) {
  const std::optional<std::int64_t> expected =
      in.Integer("expected-version", 1, std::numeric_limits<std::int64_t>::max());
  for (int attempt = 1;; ++attempt) {
    E current = find();  // NotFoundError when it is gone
    if (expected) current.version = *expected;
    if (!change(current)) return current;  // nothing to change
    try {
      return update(current);
    } catch (const ConflictError&) {
      if (expected || attempt == kUpdateAttempts) throw;
    }
  }
}

// --- clusters ---------------------------------------------------------------

// The library's words for a missing cluster, with where to look.
constexpr const char* kClusterNotFound =
    "cluster not found: check its name or ARN ('strata cluster list')";

// A service or task that is not there: says whether its cluster is missing.
[[noreturn]] void NotFoundInCluster(Invocation& in, const std::string& what,
                                    const std::string& key) {
  if (!in.store().clusters().Find(in.cluster())) throw NotFoundError(kClusterNotFound);
  throw NotFoundError(what + " not found in that cluster: check its " + key + " or ARN ('strata " +
                      what + " list --cluster C')");
}

std::optional<Cluster> FindCluster(Invocation& in) { return in.store().clusters().Find(in.target); }

Cluster RequireCluster(Invocation& in) {
  std::optional<Cluster> cluster = FindCluster(in);
  if (!cluster) throw NotFoundError(kClusterNotFound);
  return *cluster;
}

const Flag kLimit{"limit", "N", "rows per page, 1-1000 (default 100)"};
const Flag kNextToken{"next-token", "T", "continue a list where the previous page ended"};
const Flag kAll{"all", nullptr, "follow next tokens and print every row"};
const Flag kExpectedVersion{"expected-version", "V",
                            "fail with exit 4 unless the stored version is V (optimistic lock); "
                            "without it the change is applied to the current version"};
const Flag kCluster{"cluster", "C", "the cluster's name or ARN (required)"};

Resource ClusterResource() {
  return {
      "cluster",
      "clusters: the top of the hierarchy; deleting one removes its services and tasks",
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
           [](Invocation& in) { PrintResource(in.options, RequireCluster(in), in.out); }},
          {"list",
           "[--limit N] [--next-token T] [--all]",
           "list clusters, oldest first, one page at a time",
           nullptr,
           {kLimit, kNextToken, kAll},
           {"strata cluster list", "strata cluster list --limit 3",
            "strata --output json cluster list --all"},
           [](Invocation& in) {
             in.List<Cluster>([&](const PageRequest& p) { return in.store().clusters().List(p); });
           }},
          {"update",
           "NAME|ARN [--status S] [--tags JSON] [--expected-version V]",
           "change a cluster's status or tags",
           "NAME|ARN",
           {{"status", "S", "new status, e.g. ACTIVE or INACTIVE"},
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
           "NAME|ARN",
           "delete a cluster with its services and tasks",
           "NAME|ARN",
           {},
           {"strata cluster delete staging"},
           [](Invocation& in) {
             const Cluster c = RequireCluster(in);
             in.store().clusters().Delete(c.arn);
             in.Deleted(c);
           }},
      }};
}

// --- services ---------------------------------------------------------------

std::optional<Service> FindService(Invocation& in) {
  return in.store().services().Find(in.cluster(), in.target);
}

Service RequireService(Invocation& in) {
  std::optional<Service> service = FindService(in);
  if (!service) {
    NotFoundInCluster(in, "service", "name");
  }
  return *service;
}

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
               [](Invocation& in) { PrintResource(in.options, RequireService(in), in.out); }},
              {"list",
               "--cluster C [--launch-type T] [--status S] [--limit N] [--next-token T] [--all]",
               "list a cluster's services, oldest first, one page at a time",
               nullptr,
               {kCluster,
                {"launch-type", "T", "only services of this launch type"},
                {"status", "S", "only services with this status"},
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
                 const std::string cluster = in.cluster();
                 in.List<Service>([&](const PageRequest& p) {
                   return in.store().services().List(cluster, filter, p);
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
               "--cluster C NAME|ARN",
               "delete a service (its tasks stay)",
               "NAME|ARN",
               {kCluster},
               {"strata service delete --cluster prod web"},
               [](Invocation& in) {
                 const Service s = RequireService(in);
                 in.store().services().Delete(s.cluster_arn, s.arn);
                 in.Deleted(s);
               }},
          }};
}

// --- tasks ------------------------------------------------------------------

std::optional<Task> FindTask(Invocation& in) {
  return in.store().tasks().Find(in.cluster(), in.target);
}

Task RequireTask(Invocation& in) {
  std::optional<Task> task = FindTask(in);
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

// "arn:...:task-definition/web:3" -> "web".
std::string Family(const std::string& task_definition) {
  std::string family = task_definition.substr(task_definition.find('/') + 1);
  return family.substr(0, family.find(':'));
}

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
             t.group = in.Text("group", "family:" + Family(t.task_definition_arn));
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
           [](Invocation& in) { PrintResource(in.options, RequireTask(in), in.out); }},
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
             in.List<Task>(
                 [&](const PageRequest& p) { return in.store().tasks().List(cluster, filter, p); });
           }},
          {"count",
           "--cluster C [--service S] [--family F] [--desired-status S] [--last-status S] "
           "[--launch-type T] [--started-by S] [--container-instance ARN]",
           "count a cluster's tasks, with the filters of task list",
           nullptr,
           With({kCluster}, kTaskFilterFlags),
           {"strata task count --cluster prod --desired-status RUNNING"},
           [](Invocation& in) {
             const std::int64_t count = in.store().tasks().Count(in.cluster(), ReadTaskFilter(in));
             if (in.options.output == OutputFormat::kJson) {
               in.out << json{{"count", count}}.dump(2) << "\n";
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
                   const Timestamp now = std::chrono::time_point_cast<std::chrono::microseconds>(
                       std::chrono::system_clock::now());
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
          {"delete",
           "--cluster C ID|ARN",
           "delete a task's record",
           "ID|ARN",
           {kCluster},
           {"strata task delete --cluster prod 5f1c0e2a9b7d4c3e8f6a1b2c3d4e5f60"},
           [](Invocation& in) {
             const Task t = RequireTask(in);
             in.store().tasks().Delete(t.cluster_arn, t.arn);
             in.Deleted(t);
           }},
      }};
}

// --- parsing and help ---------------------------------------------------------

po::options_description Describe(const Verb& verb) {
  po::options_description desc("Options");
  for (const Flag& flag : verb.flags) {
    if (flag.value_name == nullptr) {
      desc.add_options()(flag.name, po::bool_switch(), flag.help);
    } else {
      desc.add_options()(flag.name, po::value<std::string>()->value_name(flag.value_name),
                         flag.help);
    }
  }
  desc.add_options()("help,h", "show this help");
  return desc;
}

void PrintVerbHelp(const Resource& resource, const Verb& verb, std::ostream& out) {
  out << "Usage: strata [global options] " << resource.name << " " << verb.name << " "
      << verb.synopsis << "\n\n"
      << verb.summary << ".\n\n";
  if (verb.positional != nullptr) {
    out << "Arguments:\n  " << verb.positional << "\n\n";
  }
  out << Describe(verb) << "\nExamples:\n";
  for (const char* example : verb.examples) out << "  " << example << "\n";
  out << "\nGlobal options (strata --help) go before or after the command: --storage, "
         "--database-url,\n"
         "--auto-migrate, --output table|json, ...\n"
         "Exit codes: 0 ok, 1 error, 2 usage, 3 not found, 4 already exists or stale version,\n"
         "5 schema not ready, 6 connection failure, 7 migration failed.\n";
}

void PrintResourceHelp(const Resource& resource, std::ostream& out) {
  out << "Usage: strata [global options] " << resource.name << " <subcommand> [options]\n\n"
      << resource.summary << ".\n\nSubcommands:\n";
  std::size_t width = 0;
  for (const Verb& verb : resource.verbs) width = std::max(width, std::string(verb.name).size());
  for (const Verb& verb : resource.verbs) {
    out << "  " << verb.name << std::string(width - std::string(verb.name).size() + 2, ' ')
        << verb.summary << "\n";
  }
  out << "\nRun 'strata " << resource.name << " <subcommand> --help' for its options.\n";
}

const std::vector<Resource>& Resources() {
  static const std::vector<Resource> resources = {ClusterResource(), ServiceResource(),
                                                  TaskResource()};
  return resources;
}

bool IsHelp(const std::string& arg) { return arg == "--help" || arg == "-h" || arg == "help"; }

std::string HelpCommand(const Resource& resource, const Verb& verb) {
  return "strata " + std::string(resource.name) + " " + verb.name + " --help";
}

int RunVerb(const GlobalOptions& options, const Resource& resource, const Verb& verb,
            const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  po::options_description desc = Describe(verb);
  desc.add_options()("target", po::value<std::string>());
  po::positional_options_description positional;
  if (verb.positional != nullptr) positional.add("target", 1);
  Invocation in{options, resource, verb, {}, {}, out, err, nullptr};
  po::store(po::command_line_parser(rest).options(desc).positional(positional).run(), in.flags);
  po::notify(in.flags);
  if (in.flags.count("help") != 0) {
    PrintVerbHelp(resource, verb, out);
    return kExitOk;
  }
  if (verb.positional != nullptr) {
    if (!in.Has("target")) {
      throw UsageError(std::string(resource.name) + " " + verb.name + " needs " + verb.positional);
    }
    in.target = in.Text("target");
  }
  verb.run(in);
  return kExitOk;
}

}  // namespace

bool IsResourceCommand(std::string_view command) {
  for (const Resource& resource : Resources()) {
    if (command == resource.name) return true;
  }
  return false;
}

void PrintResourceSummaries(std::ostream& out) {
  for (const Resource& resource : Resources()) {
    std::string verbs;
    for (const Verb& verb : resource.verbs)
      verbs += (verbs.empty() ? "" : "|") + std::string(verb.name);
    out << "  " << resource.name << " " << verbs << "\n";
  }
}

int RunResource(const GlobalOptions& options, std::string_view command,
                const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  const Resource* resource = nullptr;
  for (const Resource& r : Resources()) {
    if (command == r.name) resource = &r;
  }
  if (!args.empty() && IsHelp(args[0])) {
    PrintResourceHelp(*resource, out);
    return kExitOk;
  }
  std::string known;
  for (const Verb& v : resource->verbs) known += (known.empty() ? "" : ", ") + std::string(v.name);
  if (args.empty()) {
    throw UsageError(std::string(resource->name) + " needs a subcommand (" + known + ")",
                     "strata " + std::string(resource->name) + " --help");
  }
  const Verb* verb = nullptr;
  for (const Verb& v : resource->verbs) {
    if (args[0] == v.name) verb = &v;
  }
  if (verb == nullptr) {
    throw UsageError(
        "unknown " + std::string(resource->name) + " subcommand '" + args[0] + "' (" + known + ")",
        "strata " + std::string(resource->name) + " --help");
  }
  try {
    return RunVerb(options, *resource, *verb, args, out, err);
  } catch (const po::error& e) {
    throw UsageError(e.what(), HelpCommand(*resource, *verb));
  } catch (const InvalidArgumentError& e) {
    throw UsageError(e.what(), HelpCommand(*resource, *verb));
  } catch (const UsageError& e) {
    throw UsageError(e.what(), HelpCommand(*resource, *verb));
  }
}

}  // namespace strata::cli
