// `strata manage`: the migration sidecar (docs/operations.md).
#include <algorithm>
#include <boost/program_options.hpp>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "command.h"
#include "exit_codes.h"
#include "strata/error.h"
#include "strata/manage.h"

namespace strata::cli {
namespace {

namespace po = boost::program_options;

constexpr const char* kManageUsage =
    "Usage: strata [global options] manage [options]\n\n"
    "Keeps the database migrated and answers Kubernetes' probes until SIGTERM or SIGINT:\n"
    "waits for the database (creating a missing PostgreSQL database), applies pending\n"
    "migrations under the migration lock, applies the set again when --migrations-dir\n"
    "changes, and serves GET/HEAD /liveness, /readiness, /status (JSON) and /metrics.\n\n"
    "Options (each also read from STRATA_<NAME>; the flag wins):\n"
    "  --health-port P          HTTP port, 0 for any free one (default 8081)\n"
    "  --health-address A       address to listen on (default 0.0.0.0)\n"
    "  --watch[=BOOL]           watch --migrations-dir with inotify, ConfigMap swaps included\n"
    "  --poll-interval D        read and hash the set this often too (default 30s)\n"
    "  --check-interval D       check the database this often (default 1s)\n"
    "  --max-backoff D          longest pause between failed tries (default 30s)\n"
    "  --create-dirs[=BOOL]     sqlite: create the database file's directory if missing\n"
    "  --shutdown-timeout D     how long a cancelled migration may take to roll back (default "
    "4s)\n"
    "  --statement-lock-timeout D\n"
    "                           postgres: how long a migration statement waits for a table\n"
    "                           lock before the migration rolls back (default 5s; 0 no limit)\n"
    "  --lock-retries N         how many times to run it again before backing off (default 5)\n\n"
    "Durations: a whole number and ms, s, m, h or d (a bare number is seconds).\n"
    "Logs go to stderr at --log-level info unless given.\n\n"
    "Examples:\n"
    "  strata --database-url postgresql://app@db/ecs manage --watch --migrations-dir /migrations\n"
    "  curl -s localhost:8081/status | jq .pending\n\n"
    "Exit codes: 0 stopped by SIGTERM or SIGINT, 1 cannot listen, 2 usage.\n";

ManageOptions ParseManageArgs(const std::vector<std::string>& args) {
  po::options_description desc("manage options");
  for (const std::string_view setting : ManageOptions::kSettings) {
    const std::string name(setting);
    if (name == "watch" || name == "create-dirs") {
      desc.add_options()(name.c_str(), po::value<std::string>()->implicit_value("true"), "");
    } else {
      desc.add_options()(name.c_str(), po::value<std::string>(), "");
    }
  }
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(desc).run(), vm);
  po::notify(vm);
  ManageOptions options;
  for (const std::string_view setting : ManageOptions::kSettings) {
    const std::string name(setting);
    const std::string variable = StoreOptions::EnvironmentVariable(setting);
    const char* env = std::getenv(variable.c_str());
    try {
      if (vm.count(name) != 0) {
        options.Set(setting, vm[name].as<std::string>(), "--" + name);
      } else if (env != nullptr && *env != '\0') {
        options.Set(setting, env, variable);
      }
    } catch (const InvalidArgumentError& e) {
      throw UsageError(e.what(), "strata manage --help");
    }
  }
  return options;
}

}  // namespace

int RunManage(const GlobalOptions& options, const std::vector<std::string>& args, std::ostream& out,
              Execution execution) {
  if (std::any_of(args.begin(), args.end(),
                  [](const std::string& a) { return a == "--help" || a == "-h"; })) {
    out << kManageUsage;
    return kExitOk;
  }
  ManageOptions manage;
  try {
    manage = ParseManageArgs(args);
  } catch (po::error& e) {
    throw UsageError(ErrorMessage(e), "strata manage --help");
  }
  if (execution == Execution::kParseOnly) return kExitOk;
  return RunSidecar(options.store, manage);
}

}  // namespace strata::cli
