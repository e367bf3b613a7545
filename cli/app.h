// The `strata` command line: global options (each with an environment
// variable; the flag wins) and dispatch to a command.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "strata/options.h"

namespace strata::cli {

enum class OutputFormat { kTable, kJson };

struct GlobalOptions {
  StoreOptions store;
  OutputFormat output = OutputFormat::kTable;
  LogLevel log_level = LogLevel::kWarn;
  bool log_level_given = false;  // --log-level or STRATA_LOG_LEVEL
};

// Runs the CLI with argv[1..] as `args`; returns the process exit code.
// Results go to `out`, errors, logs and progress to `err`.
int Run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// Parses `args` as Run does, the global options and then the command's own
// flags and arguments, and stops there: no database is opened and no file is
// written. Returns what Run returns for --help, --version and usage errors,
// and kExitOk for a command line that parses. For fuzz/cli_args_fuzz.cc.
int ParseOnly(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace strata::cli
