// `strata cluster|service|task ...`: the repositories from the command line
// (docs/cli.md). Parses a verb's command line from its entry in the verb
// table (verb_table.h), prints the resource and verb help, and dispatches to
// the verb.
#include "verb_table.h"

#include <algorithm>
#include <boost/program_options.hpp>
#include <string>
#include <vector>

#include "command.h"
#include "exit_codes.h"
#include "strata/error.h"

namespace strata::cli {
namespace {

namespace po = boost::program_options;

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
         "5 schema not ready, 6 connection failure, 7 migration failed, 8 outcome unknown.\n";
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
            const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
            Execution execution) {
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
  if (execution == Execution::kParseOnly) return kExitOk;
  verb.run(in);
  return kExitOk;
}

}  // namespace

void NotFoundInCluster(Invocation& in, const std::string& what, const std::string& key) {
  const std::optional<Cluster> cluster = in.store().clusters().Find(in.cluster());
  if (!cluster) throw NotFoundError(kClusterNotFound);
  if (cluster->status == "INACTIVE") {
    throw NotFoundError(
        "cluster is INACTIVE (deleted): nothing in it can be listed or added; create the cluster "
        "again to use its name");
  }
  throw NotFoundError(what + " not found in that cluster: check its " + key + " or ARN ('strata " +
                      what + " list --cluster C')");
}

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
                const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                Execution execution) {
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
    return RunVerb(options, *resource, *verb, args, out, err, execution);
  } catch (po::error& e) {
    throw UsageError(ErrorMessage(e), HelpCommand(*resource, *verb));
  } catch (const InvalidArgumentError& e) {
    throw UsageError(e.what(), HelpCommand(*resource, *verb));
  } catch (const UsageError& e) {
    throw UsageError(e.what(), HelpCommand(*resource, *verb));
  }
}

}  // namespace strata::cli
