// `strata migrate ...` (docs/migrations.md).
#include <algorithm>
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "command.h"
#include "exit_codes.h"
#include "render.h"
#include "strata/error.h"
#include "strata/migrator.h"

namespace strata::cli {
namespace {

namespace po = boost::program_options;

constexpr const char* kMigrateUsage =
    "Usage: strata [global options] migrate <subcommand> [options]\n\n"
    "Subcommands:\n"
    "  up [--to V]               apply pending migrations (up to V)\n"
    "  down [--steps N | --to V] revert the last N (default 1), or all above V\n"
    "  redo                      revert and re-apply the last migration\n"
    "  reset                     revert every migration\n"
    "  status                    each migration's state (exit 0 whenever it could be read)\n"
    "  validate                  exit 5 unless every migration is applied and unedited\n"
    "  repair                    accept edited files, forget failed and missing migrations\n"
    "  lint [--all]              report pending (or all) statements that would block a\n"
    "                            live database's reads or writes, or that no down undoes\n"
    "                            (exit 5 with findings)\n"
    "  verify [--to V]           on a scratch database, check that each migration's down\n"
    "                            restores the schema and its up applies again the same\n"
    "                            (exit 5 naming the first difference)\n"
    "  create NAME               write the next version's up/down files for both backends\n"
    "                            into --migrations-dir (default ./migrations)\n\n"
    "Options:\n"
    "  --lock-timeout SECONDS    up/down/redo/reset/repair: how long to wait for another\n"
    "                            runner to finish (default 600)\n"
    "  --statement-lock-timeout DURATION\n"
    "                            PostgreSQL: how long each migration statement waits for\n"
    "                            a table lock before the migration is rolled back and run\n"
    "                            again (default 5s; 0s: no limit; a file's\n"
    "                            '-- strata:lock-timeout 30s' line wins)\n"
    "  --lock-retries N          how many times to run it again, 0-100 (default 5)\n\n"
    "Examples:\n"
    "  strata migrate up\n"
    "  strata --output json migrate status\n"
    "  strata migrate down --steps 1\n"
    "  STRATA_STORAGE=postgres STRATA_DATABASE_URL=postgresql://app@db/ecs strata migrate up\n\n"
    "Exit codes: 0 ok, 1 error, 2 usage, 5 schema not ready or invalid set, 6 connection\n"
    "failure, 7 migration failed. docs/migrations.md explains every state and command.\n";

// One stderr line per migration (and one more per step at --log-level info).
std::function<void(const MigrationEvent&)> ProgressPrinter(const GlobalOptions& options,
                                                           std::ostream& err) {
  const bool verbose = options.log_level >= LogLevel::kInfo;
  return [&err, verbose](const MigrationEvent& e) {
    const bool step =
        e.kind == MigrationEvent::Kind::kApplying || e.kind == MigrationEvent::Kind::kReverting;
    if (step && !verbose) return;
    err << "strata: " << DescribeEvent(e) << "\n";
    err.flush();
  };
}

std::string Versions(const std::vector<std::int64_t>& versions) {
  std::string out;
  for (std::int64_t v : versions) out += (out.empty() ? "" : ", ") + std::to_string(v);
  return out;
}

void PrintResult(const GlobalOptions& options, const MigrationResult& result, std::ostream& out) {
  if (options.output == OutputFormat::kJson) {
    out << Dump(json{{"applied", result.applied},
                     {"reverted", result.reverted},
                     {"current_version", result.current_version}})
        << "\n";
    return;
  }
  if (!result.reverted.empty()) out << "reverted: " << Versions(result.reverted) << "\n";
  if (!result.applied.empty()) out << "applied: " << Versions(result.applied) << "\n";
  if (result.applied.empty() && result.reverted.empty()) out << "nothing to do\n";
  out << "current version: " << result.current_version << "\n";
}

void PrintStatusTable(const SchemaStatus& status, std::ostream& out) {
  std::size_t name_width = 4;
  for (const MigrationStatus& m : status.migrations)
    name_width = std::max(name_width, m.name.size());
  char line[512];
  std::snprintf(line, sizeof line, "%-14s %-*s  %-17s %-27s %s\n", "VERSION",
                static_cast<int>(name_width), "NAME", "STATE", "APPLIED AT", "CHECKSUM");
  out << line;
  for (const MigrationStatus& m : status.migrations) {
    std::string state(MigrationStateName(m.state));
    if (m.state == MigrationState::kFailed) {
      state += " @" + std::to_string(m.failed_statement.value_or(1));
    }
    std::snprintf(line, sizeof line, "%-14lld %-*s  %-17s %-27s %s\n",
                  static_cast<long long>(m.version), static_cast<int>(name_width), m.name.c_str(),
                  state.c_str(), m.applied_at ? FormatTimestamp(*m.applied_at).c_str() : "-",
                  m.checksum.substr(0, 12).c_str());
    out << line;
  }
  out << BackendName(status.backend) << ": current version " << status.current_version << ", "
      << status.pending << " pending, " << status.migrations.size() << " known\n";
}

void PrintStatus(const GlobalOptions& options, const SchemaStatus& status, std::ostream& out,
                 const std::vector<std::string>* problems = nullptr) {
  if (options.output == OutputFormat::kJson) {
    json doc = json::parse(FormatStatusJson(status));
    if (problems != nullptr) {
      doc["ready"] = problems->empty();
      doc["problems"] = *problems;
    }
    out << Dump(doc) << "\n";
    return;
  }
  PrintStatusTable(status, out);
}

struct MigrateArgs {
  std::string subcommand;
  std::optional<std::int64_t> to;
  std::optional<int> steps;
  std::string name;
  double lock_timeout_seconds = 600;
  std::string statement_lock_timeout = "5s";
  std::chrono::milliseconds statement_lock_timeout_ms{0};
  int lock_retries = 5;
  bool all = false;
};

MigrateArgs ParseMigrateArgs(const std::vector<std::string>& args) {
  po::options_description desc("migrate options");
  MigrateArgs parsed;
  desc.add_options()                                                            //
      ("to", po::value<std::int64_t>()->value_name("V"), "target version")      //
      ("steps", po::value<int>()->value_name("N"), "down: how many to revert")  //
      ("lock-timeout", po::value<double>(&parsed.lock_timeout_seconds)->value_name("SECONDS"),
       "how long to wait for another runner (default 600)")  //
      ("statement-lock-timeout",
       po::value<std::string>(&parsed.statement_lock_timeout)->value_name("DURATION"),
       "how long a statement waits for a table lock (default 5s)")  //
      ("lock-retries", po::value<int>(&parsed.lock_retries)->value_name("N"),
       "how many times a migration that gave up on a lock runs again (default 5)")          //
      ("all", po::bool_switch(&parsed.all), "lint: every file, not only the pending ones")  //
      ("subcommand", po::value<std::string>(&parsed.subcommand))                            //
      ("name", po::value<std::string>(&parsed.name));
  po::positional_options_description positional;
  positional.add("subcommand", 1).add("name", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(desc).positional(positional).run(), vm);
  po::notify(vm);
  if (vm.count("to") != 0) parsed.to = vm["to"].as<std::int64_t>();
  if (vm.count("steps") != 0) parsed.steps = vm["steps"].as<int>();
  const std::string& sub = parsed.subcommand;
  if (sub.empty()) throw UsageError("migrate needs a subcommand (up, down, status, ...)");
  if (parsed.to && sub != "up" && sub != "down" && sub != "verify") {
    throw UsageError("--to applies to up, down and verify");
  }
  if (parsed.steps && sub != "down") throw UsageError("--steps applies to down");
  if (parsed.all && sub != "lint") throw UsageError("--all applies to lint");
  if (parsed.steps && parsed.to) throw UsageError("down takes --steps or --to, not both");
  if (parsed.steps && *parsed.steps < 1) throw UsageError("--steps must be 1 or more");
  if (parsed.to && *parsed.to < 0) throw UsageError("--to must be 0 or more");
  if (sub == "create" && parsed.name.empty()) {
    throw UsageError("migrate create needs a NAME, e.g. 'strata migrate create add_task_index'");
  }
  if (sub != "create" && !parsed.name.empty()) {
    throw UsageError("unexpected argument '" + parsed.name + "' after migrate " + sub);
  }
  if (!(parsed.lock_timeout_seconds >= 0 && parsed.lock_timeout_seconds <= 86400)) {
    throw UsageError("--lock-timeout must be 0 to 86400 seconds");
  }
  if (parsed.lock_retries < 0 || parsed.lock_retries > 100) {
    throw UsageError("--lock-retries must be 0 to 100");
  }
  try {
    parsed.statement_lock_timeout_ms =
        ParseDuration("--statement-lock-timeout", parsed.statement_lock_timeout,
                      std::chrono::milliseconds(0), std::chrono::hours(24), true);
  } catch (const InvalidArgumentError& e) {
    throw UsageError(e.what());
  }
  return parsed;
}

}  // namespace

int RunMigrate(const GlobalOptions& options, const std::vector<std::string>& args,
               std::ostream& out, std::ostream& err, Execution execution) {
  const bool help = std::any_of(args.begin(), args.end(), [](const std::string& arg) {
    return arg == "--help" || arg == "-h";
  });
  if (help || (!args.empty() && args[0] == "help")) {
    out << kMigrateUsage;
    return kExitOk;
  }
  MigrateArgs parsed;
  try {
    parsed = ParseMigrateArgs(args);
  } catch (po::error& e) {
    throw UsageError(ErrorMessage(e), "strata migrate --help");
  } catch (const UsageError& e) {
    throw UsageError(e.what(), "strata migrate --help");
  }
  const std::string& sub = parsed.subcommand;
  static const std::vector<std::string> kKnown = {"up",       "down",   "redo",   "reset", "status",
                                                  "validate", "repair", "verify", "lint"};
  if (sub != "create" && std::find(kKnown.begin(), kKnown.end(), sub) == kKnown.end()) {
    throw UsageError(
        "unknown migrate subcommand '" + sub +
            "' (up, down, redo, reset, status, validate, repair, verify, lint, create)",
        "strata migrate --help");
  }
  if (execution == Execution::kParseOnly) return kExitOk;
  if (sub == "create") {
    const std::string root =
        options.store.migrations_dir.empty() ? "migrations" : options.store.migrations_dir;
    const std::vector<std::string> files = CreateMigrationFiles(root, parsed.name);
    if (options.output == OutputFormat::kJson) {
      out << Dump(json{{"files", files}}) << "\n";
    } else {
      for (const std::string& file : files) out << file << "\n";
    }
    return kExitOk;
  }
  MigratorOptions migrator_options;
  migrator_options.lock_timeout =
      std::chrono::milliseconds(static_cast<std::int64_t>(parsed.lock_timeout_seconds * 1000));
  migrator_options.statement_lock_timeout = parsed.statement_lock_timeout_ms;
  migrator_options.lock_retries = parsed.lock_retries;
  migrator_options.on_progress = ProgressPrinter(options, err);
  const std::unique_ptr<Migrator> migrator = Migrator::Open(options.store, migrator_options);
  if (sub == "up") {
    PrintResult(options, migrator->Up(parsed.to), out);
  } else if (sub == "down") {
    PrintResult(options,
                parsed.to ? migrator->DownTo(*parsed.to) : migrator->Down(parsed.steps.value_or(1)),
                out);
  } else if (sub == "redo") {
    PrintResult(options, migrator->Redo(), out);
  } else if (sub == "reset") {
    PrintResult(options, migrator->Reset(), out);
  } else if (sub == "status") {
    PrintStatus(options, migrator->Status(), out);
  } else if (sub == "lint") {
    const std::vector<LintFinding> findings = migrator->Lint(parsed.all);
    if (options.output == OutputFormat::kJson) {
      json list = json::array();
      for (const LintFinding& f : findings) {
        list.push_back({{"rule", f.rule},
                        {"version", f.version},
                        {"name", f.name},
                        {"file", f.file},
                        {"line", f.line},
                        {"lock", f.lock},
                        {"why", f.why},
                        {"fix", f.fix}});
      }
      out << Dump(json{{"findings", list}}) << "\n";
    } else {
      for (const LintFinding& f : findings) out << f.Describe() << "\n";
      if (findings.empty()) out << "no findings\n";
    }
    if (!findings.empty()) {
      err << "strata: " << findings.size() << " lint finding" << (findings.size() == 1 ? "" : "s")
          << " (docs/migrations.md lists the rules)\n";
      return kExitSchemaNotReady;
    }
  } else if (sub == "verify") {
    const VerifyResult result = migrator->Verify(parsed.to);
    if (options.output == OutputFormat::kJson) {
      json doc{{"ok", result.ok()}, {"verified", result.verified}, {"problem", nullptr}};
      if (result.problem) {
        static const char* const kKinds[] = {"no_down_file", "down_differs", "up_again_differs"};
        const VerifyResult::Problem& p = *result.problem;
        doc["problem"] = {{"kind", kKinds[static_cast<int>(p.kind)]},
                          {"version", p.version},
                          {"name", p.name},
                          {"object", p.object},
                          {"expected", p.expected},
                          {"found", p.found},
                          {"message", result.Describe()}};
      }
      out << Dump(doc) << "\n";
    } else if (result.ok()) {
      out << result.Describe() << "\n";
    }
    if (!result.ok()) {
      err << "strata: " << result.Describe() << "\n";
      return kExitSchemaNotReady;
    }
  } else if (sub == "validate") {
    const SchemaReport report = migrator->Check();
    PrintStatus(options, report.status, out, &report.problems);
    if (!report.problems.empty()) {
      err << "strata: the " << BackendName(report.status.backend) << " schema is not ready:\n";
      for (const std::string& problem : report.problems) err << "  " << problem << "\n";
      return kExitSchemaNotReady;
    }
  } else {
    const RepairResult result = migrator->Repair();
    if (options.output == OutputFormat::kJson) {
      out << Dump(json{{"actions", result.actions}}) << "\n";
    } else {
      for (const std::string& action : result.actions) out << action << "\n";
      if (result.actions.empty()) out << "nothing to repair\n";
    }
  }
  return kExitOk;
}

}  // namespace strata::cli
