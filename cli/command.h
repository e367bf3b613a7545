// What every `strata` command shares: usage errors and the options of its
// own that it parses after the global ones.
#pragma once

#include <boost/program_options/errors.hpp>
#include <iosfwd>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app.h"

namespace strata::cli {

// Anything the user typed wrong: exit 2 with a one-line hint.
// `help` is the command whose --help answers it ("strata task list --help").
class UsageError : public std::runtime_error {
 public:
  explicit UsageError(const std::string& what, std::string help = "strata --help")
      : std::runtime_error(what), help_(std::move(help)) {}
  const std::string& help() const { return help_; }

 private:
  std::string help_;
};

// The message of a Boost.Program_options error. Boost (1.74) renders one by
// replacing each placeholder of its template ("%canonical_option%", "%value%")
// until none is left, so an option or value that holds its own placeholder
// (`strata -s%canonical_option%`) would never finish: when one holds a '%',
// its '%'s are shown as "%25". Takes the error by reference to do that.
std::string ErrorMessage(boost::program_options::error& e);

// Whether a command runs, or returns kExitOk once its command line parsed
// (ParseOnly).
enum class Execution { kRun, kParseOnly };

// `strata migrate ...`; returns the exit code, throws strata::Error and UsageError.
int RunMigrate(const GlobalOptions& options, const std::vector<std::string>& args,
               std::ostream& out, std::ostream& err, Execution execution);

// `strata manage ...`: the sidecar, until SIGTERM or SIGINT; returns the exit
// code, throws strata::Error and UsageError.
int RunManage(const GlobalOptions& options, const std::vector<std::string>& args, std::ostream& out,
              Execution execution);

// `strata cluster|service|task ...`: true for those command names.
bool IsResourceCommand(std::string_view command);

// Runs one resource command; returns the exit code, throws strata::Error and
// UsageError.
int RunResource(const GlobalOptions& options, std::string_view command,
                const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                Execution execution);

// "  cluster create|get|list|update|delete" lines for `strata --help`.
void PrintResourceSummaries(std::ostream& out);

}  // namespace strata::cli
