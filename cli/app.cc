#include "app.h"

#include <algorithm>
#include <boost/program_options.hpp>
#include <cctype>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "command.h"
#include "exit_codes.h"
#include "strata/error.h"
#include "strata/version.h"

namespace strata::cli {
namespace {

namespace po = boost::program_options;

std::string HelpHint(const std::string& help = "strata --help") {
  return "Run '" + help + "' for usage.";
}

// The CLI-only settings beside StoreOptions::kSettings, same env naming.
constexpr std::array<std::string_view, 2> kCliSettings = {"output", "log-level"};

po::options_description GlobalOptionsDescription() {
  po::options_description desc("Global options (each also read from STRATA_<NAME>; the flag wins)");
  desc.add_options()                                                        //
      ("storage", po::value<std::string>()->value_name("sqlite|postgres"),  //
       "storage backend (default: the URL's: postgres for a postgresql:// URI or "
       "key=value conninfo, else sqlite)")  //
      ("database-url", po::value<std::string>()->value_name("URL"),
       "sqlite: a file path or :memory: (default strata.db); postgres: a postgresql:// URI "
       "or key=value conninfo (default: libpq's PG* variables)")  //
      ("auto-migrate", po::value<std::string>()->value_name("BOOL")->implicit_value("true"),
       "apply pending migrations before running the command")  //
      ("migrations-dir", po::value<std::string>()->value_name("DIR"),
       "load migrations from DIR/<backend> instead of the embedded sets")  //
      ("pool-size", po::value<std::string>()->value_name("N"),
       "connections in the pool, 1-1024 (default 4)")  //
      ("connect-timeout", po::value<std::string>()->value_name("S"),
       "postgres: seconds one connection attempt may take, 2-3600 (default 10; a "
       "connect_timeout in the URL wins)")  //
      ("failover-timeout", po::value<std::string>()->value_name("DURATION"),
       "postgres: how long a call keeps retrying on a new connection after a failover, "
       "0-1h (default 30s; 0: no retries)")  //
      ("read-database-url", po::value<std::string>()->value_name("URL"),
       "postgres: a standby for the reads that may lag (Store::replicas()); reads of the "
       "store's own writes still see them")  //
      ("output", po::value<std::string>()->value_name("table|json"),
       "result format on stdout (default table)")  //
      ("log-level", po::value<std::string>()->value_name("LEVEL"),
       "error, warn, info or debug on stderr (default warn)")  //
      ("help,h", "show this help")                             //
      ("version", "show the version and the linked database libraries");
  return desc;
}

struct CommandLine {
  std::vector<std::string> global;  // global options, wherever they were given
  std::string command;
  std::vector<std::string> command_args;
};

// The global option that `arg` spells (--name or --name=value), or nullptr.
const po::option_description* GlobalOption(const std::string& arg,
                                           const po::options_description& desc) {
  if (arg.size() < 2 || arg[0] != '-') return nullptr;
  const bool long_form = arg.starts_with("--");
  std::string name = long_form ? arg.substr(2) : arg.substr(1);
  name = name.substr(0, name.find('='));
  return desc.find_nothrow(name, false, false, !long_form);
}

// Moves args[i] (and its value when it takes one and has no '=') to `to`;
// returns the index of the last argument taken.
std::size_t TakeOption(const std::vector<std::string>& args, std::size_t i,
                       const po::option_description* option, std::vector<std::string>& to) {
  to.push_back(args[i]);
  const bool has_value = args[i].find('=') != std::string::npos;
  if (option != nullptr && !has_value && option->semantic()->min_tokens() > 0 &&
      i + 1 < args.size()) {
    to.push_back(args[++i]);
  }
  return i;
}

// Splits argv at the first word that is neither a global option nor the value
// of one, so that each command can parse its own options. Global options after
// the command (`strata cluster list --output json`) count as given before it,
// except --help, which belongs to the command.
CommandLine SplitCommandLine(const std::vector<std::string>& args,
                             const po::options_description& desc) {
  CommandLine line;
  std::size_t i = 0;
  for (; i < args.size(); ++i) {
    if (args[i].size() < 2 || args[i][0] != '-') break;
    i = TakeOption(args, i, GlobalOption(args[i], desc), line.global);
  }
  if (i == args.size()) return line;
  line.command = args[i];
  for (++i; i < args.size(); ++i) {
    const po::option_description* option = GlobalOption(args[i], desc);
    const bool global =
        option != nullptr && option->long_name() != "help" && option->long_name() != "version";
    i = TakeOption(args, i, option, global ? line.global : line.command_args);
  }
  return line;
}

// Each global setting's value and where it came from: the flag, else the
// environment.
StoreOptions::Settings CollectSettings(const po::variables_map& flags) {
  StoreOptions::Settings settings;
  const auto collect = [&](std::string_view name) {
    const std::string key(name);
    const std::string variable = StoreOptions::EnvironmentVariable(name);
    const char* env_value = std::getenv(variable.c_str());
    if (flags.count(key) != 0) {
      settings[key] = {flags[key].as<std::string>(), "--" + key};
    } else if (env_value != nullptr && *env_value != '\0') {  // empty counts as unset
      settings[key] = {env_value, variable};
    }
  };
  for (const std::string_view name : StoreOptions::kSettings) collect(name);
  for (const std::string_view name : kCliSettings) collect(name);
  return settings;
}

// `for_help`: a command's --help opens no database, so store settings that
// do not parse are left at their defaults instead of refused.
GlobalOptions ResolveGlobalOptions(const po::variables_map& flags, bool for_help) {
  const auto settings = CollectSettings(flags);
  GlobalOptions options;
  try {
    options.store = StoreOptions::FromSettings(settings);
  } catch (const InvalidArgumentError& e) {
    if (!for_help) throw UsageError(e.what());
  }
  if (auto it = settings.find("output"); it != settings.end()) {
    if (it->second.value == "table") {
      options.output = OutputFormat::kTable;
    } else if (it->second.value == "json") {
      options.output = OutputFormat::kJson;
    } else {
      throw UsageError(it->second.source + " must be table or json");
    }
  }
  if (auto it = settings.find("log-level"); it != settings.end()) {
    static const std::map<std::string, LogLevel, std::less<>> kLevels = {
        {"error", LogLevel::kError},
        {"warn", LogLevel::kWarn},
        {"info", LogLevel::kInfo},
        {"debug", LogLevel::kDebug}};
    auto level = kLevels.find(it->second.value);
    if (level == kLevels.end()) {
      throw UsageError(it->second.source + " must be error, warn, info or debug");
    }
    options.log_level = level->second;
    options.log_level_given = true;
  }
  return options;
}

// The documented exit code for each kind of error (docs/cli.md).
int ExitCodeFor(const Error& e) {
  if (dynamic_cast<const InvalidArgumentError*>(&e) != nullptr) return kExitUsage;
  if (dynamic_cast<const NotFoundError*>(&e) != nullptr) return kExitNotFound;
  if (dynamic_cast<const AlreadyExistsError*>(&e) != nullptr) return kExitConflict;
  if (dynamic_cast<const ConflictError*>(&e) != nullptr) return kExitConflict;
  if (dynamic_cast<const SchemaError*>(&e) != nullptr) return kExitSchemaNotReady;
  if (dynamic_cast<const OutcomeUnknownError*>(&e) != nullptr) return kExitOutcomeUnknown;
  if (dynamic_cast<const ConnectionError*>(&e) != nullptr) return kExitConnection;
  if (dynamic_cast<const MigrationError*>(&e) != nullptr) return kExitMigrationFailed;
  return kExitError;
}

void PrintVersion(std::ostream& out) {
  out << "strata " << kVersion << " (" << DependencyVersions() << ")\n";
}

void PrintHelp(std::ostream& out, const po::options_description& desc) {
  out << "strata " << kVersion
      << ": storage for ECS-style control planes (clusters, services, tasks)\n"
         "on SQLite (embedded, the default) or PostgreSQL.\n\n"
         "Usage: strata [global options] <command> [arguments]\n\n"
      << desc
      << "\nEnvironment: STRATA_STORAGE, STRATA_DATABASE_URL, STRATA_AUTO_MIGRATE,\n"
         "  STRATA_MIGRATIONS_DIR, STRATA_POOL_SIZE, STRATA_CONNECT_TIMEOUT,\n"
         "  STRATA_FAILOVER_TIMEOUT, STRATA_READ_DATABASE_URL, STRATA_OUTPUT, STRATA_LOG_LEVEL\n"
         "  (and each command's own, e.g. STRATA_HEALTH_PORT for manage).\n\n"
         "Exit codes: 0 ok, 1 error, 2 usage, 3 not found, 4 already exists or conflict,\n"
         "  5 schema not ready, 6 connection failure, 7 migration failed, 8 a write's outcome\n"
         "  unknown (the connection was lost while it was in flight: read it back).\n\n"
         "Commands (each takes --help):\n"
         "  migrate up|down|redo|reset|status|validate|repair|create\n"
         "  manage    the migration sidecar: migrate, watch, serve probes until SIGTERM\n";
  PrintResourceSummaries(out);
  out << "\nExamples:\n"
         "  strata migrate up\n"
         "  strata cluster create prod\n"
         "  strata task list --cluster prod --service web --all\n"
         "  strata --output json task get --cluster prod 5f1c0e2a9b7d4c3e8f6a1b2c3d4e5f60\n"
         "  strata --version\n"
         "  STRATA_STORAGE=postgres STRATA_DATABASE_URL=postgresql://app@db/ecs strata --help\n";
}

// Reaches the protected substitutions of an error with an option name (a
// pointer to the member, named through a derived class, may be applied to the base).
struct ErrorSubstitutions : po::error_with_option_name {
  static std::map<std::string, std::string>& Of(po::error_with_option_name& e) {
    return e.*(&ErrorSubstitutions::m_substitutions);
  }
};

int Execute(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
            Execution execution) {
  const po::options_description desc = GlobalOptionsDescription();
  try {
    const CommandLine line = SplitCommandLine(args, desc);
    po::variables_map flags;
    po::store(po::command_line_parser(line.global).options(desc).run(), flags);
    po::notify(flags);
    if (flags.count("help") != 0 || line.command == "help") {
      PrintHelp(out, desc);
      return kExitOk;
    }
    if (flags.count("version") != 0) {
      PrintVersion(out);
      return kExitOk;
    }
    const bool for_help =
        std::any_of(line.command_args.begin(), line.command_args.end(),
                    [](const std::string& a) { return a == "--help" || a == "-h"; });
    GlobalOptions options = ResolveGlobalOptions(flags, for_help);
    // The sidecar runs unattended: what it does is its log.
    if (line.command == "manage" && !options.log_level_given) options.log_level = LogLevel::kInfo;
    options.store.logger = [&err, shown = options.log_level](LogLevel level,
                                                             std::string_view message) {
      if (level <= shown) err << "strata: " << LogLevelName(level) << ": " << message << "\n";
    };
    if (line.command.empty()) throw UsageError("no command given");
    if (line.command == "migrate") {
      return RunMigrate(options, line.command_args, out, err, execution);
    }
    if (line.command == "manage") return RunManage(options, line.command_args, out, execution);
    if (IsResourceCommand(line.command)) {
      return RunResource(options, line.command, line.command_args, out, err, execution);
    }
    if (!line.global.empty() && line.global.back() == "--auto-migrate") {
      // A switch takes no separate value: `--auto-migrate false` read "false"
      // as the command.
      throw UsageError(
          "unknown command '" + line.command +
          "': --auto-migrate takes a value only after '=' (--auto-migrate=" + line.command + ")");
    }
    throw UsageError("unknown command '" + line.command + "'");
  } catch (po::error& e) {
    err << "strata: " << ErrorMessage(e) << ". " << HelpHint() << "\n";
    return kExitUsage;
  } catch (const UsageError& e) {
    err << "strata: " << e.what() << ". " << HelpHint(e.help()) << "\n";
    return kExitUsage;
  } catch (const Error& e) {
    const int code = ExitCodeFor(e);
    err << "strata: " << e.what() << (code == kExitUsage ? ". " + HelpHint() : "") << "\n";
    return code;
  }
}

}  // namespace

std::string ErrorMessage(po::error& e) {
  if (auto* named = dynamic_cast<po::error_with_option_name*>(&e)) {
    for (auto& [placeholder, value] : ErrorSubstitutions::Of(*named)) {
      for (std::size_t at = value.find('%'); at != std::string::npos;
           at = value.find('%', at + 3)) {
        value.replace(at, 1, "%25");
      }
    }
  }
  return e.what();
}

int Run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  return Execute(args, out, err, Execution::kRun);
}

int ParseOnly(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  return Execute(args, out, err, Execution::kParseOnly);
}

}  // namespace strata::cli
