// The CLI's command line (cli/app.h): global options, the command, and the
// command's own flags and arguments, parsed by strata::cli::ParseOnly, which
// stops before anything opens a database or writes a file.
//
// The input is text, one argument per line (at most 64).
//
// Invariants:
//  - nothing escapes ParseOnly, and it returns 0 (help, version, or a command
//    line that parses) or 2 (usage error); parse-only can return no other of
//    the documented codes;
//  - a usage error is reported on stderr as "strata: ... Run '...' for usage.",
//    and a success writes nothing to stderr;
//  - the command line again with a --database-url holding a password in front
//    gives a result in which that password appears nowhere.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "app.h"
#include "exit_codes.h"
#include "fuzz_check.h"
#include "strata/options.h"

namespace {

constexpr std::size_t kMaxArgs = 64;
constexpr std::string_view kPassword = "Fz7pw0rdQx";

std::vector<std::string> ReadArgs(std::string_view text) {
  std::vector<std::string> args;
  while (!text.empty() && args.size() < kMaxArgs) {
    const std::size_t end = std::min(text.find('\n'), text.size());
    args.emplace_back(text.substr(0, end));
    text.remove_prefix(std::min(end + 1, text.size()));
  }
  return args;
}

struct Result {
  int code;
  std::string out;
  std::string err;
};

Result Parse(const std::vector<std::string>& args) {
  std::ostringstream out;
  std::ostringstream err;
  const int code = strata::cli::ParseOnly(args, out, err);
  Result result{code, out.str(), err.str()};
  FUZZ_CHECK(code == strata::cli::kExitOk || code == strata::cli::kExitUsage);
  if (code == strata::cli::kExitOk) FUZZ_CHECK(result.err.empty());
  if (code == strata::cli::kExitUsage) {
    FUZZ_CHECK(result.err.starts_with("strata: ") && result.err.ends_with(" for usage.\n"));
  }
  return result;
}

}  // namespace

// The results must not depend on the environment of whoever runs the fuzzer.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  for (const std::string_view setting : strata::StoreOptions::kSettings) {
    unsetenv(strata::StoreOptions::EnvironmentVariable(setting).c_str());
  }
  unsetenv("STRATA_OUTPUT");
  unsetenv("STRATA_LOG_LEVEL");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = strata::fuzz::AsText(data, size);
  std::vector<std::string> args = ReadArgs(text);
  Parse(args);

  if (text.find(kPassword) != std::string_view::npos) return 0;
  args.insert(args.begin(),
              "--database-url=postgresql://app:" + std::string(kPassword) + "@db/ecs");
  const Result with_url = Parse(args);
  FUZZ_CHECK(with_url.out.find(kPassword) == std::string::npos);
  FUZZ_CHECK(with_url.err.find(kPassword) == std::string::npos);
  return 0;
}
