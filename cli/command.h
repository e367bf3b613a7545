// What every `strata` command shares: usage errors and the options of its
// own that it parses after the global ones.
#pragma once

#include <iosfwd>
#include <stdexcept>
#include <string>
#include <vector>

#include "app.h"

namespace strata::cli {

// Anything the user typed wrong: exit 2 with a one-line hint.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// `strata migrate ...`; returns the exit code, throws strata::Error and UsageError.
int RunMigrate(const GlobalOptions& options, const std::vector<std::string>& args,
               std::ostream& out, std::ostream& err);

}  // namespace strata::cli
