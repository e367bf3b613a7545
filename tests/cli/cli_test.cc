// The real `strata` binary, run as a user would.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "strata/version.h"
#include "strata_cli.h"

namespace strata::testing {
namespace {

CommandResult Strata(std::vector<std::string> args, std::vector<std::string> env = {}) {
  return RunStrata(std::move(args), env, std::chrono::milliseconds(30'000));
}

TEST(CliTest, VersionNamesTheLinkedLibraries) {
  const CommandResult run = Strata({"--version"});
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_TRUE(run.output.starts_with(std::string("strata ") + kVersion + " (SOCI 4."))
      << run.output;
}

TEST(CliTest, HelpListsOptionsEnvironmentAndExitCodes) {
  for (const char* flag : {"--help", "-h"}) {
    const CommandResult run = Strata({flag});
    EXPECT_EQ(run.exit_code, 0);
    for (const char* text :
         {"Usage: strata", "--storage", "--database-url", "--auto-migrate", "--migrations-dir",
          "--output", "--log-level", "--pool-size", "--failover-timeout", "--read-database-url",
          "STRATA_DATABASE_URL", "STRATA_READ_DATABASE_URL", "Exit codes", "8 a write's outcome"}) {
      EXPECT_NE(run.output.find(text), std::string::npos) << flag << " lacks " << text;
    }
  }
}

TEST(CliTest, UsageErrorsExitTwoWithOneLineAndAHint) {
  const std::vector<std::vector<std::string>> cases = {
      {"--bogus"},
      {},
      {"frobnicate"},
      {"--storage", "oracle", "x"},
      {"--output", "xml", "x"},
      {"--log-level", "loud", "x"},
      {"--pool-size", "0", "x"},
      {"--failover-timeout", "soon", "x"},
      {"--read-database-url", "postgresql://app:pw@standby/ecs", "x"},
      {"--storage"}};
  for (const auto& args : cases) {
    const CommandResult run = Strata(args);
    EXPECT_EQ(run.exit_code, 2) << ::testing::PrintToString(args) << run.output;
    EXPECT_TRUE(run.output.starts_with("strata: ")) << run.output;
    EXPECT_EQ(run.output.find('\n'), run.output.size() - 1) << "one line: " << run.output;
    EXPECT_NE(run.output.find("strata --help"), std::string::npos) << run.output;
    EXPECT_EQ(run.output.find(":pw@"), std::string::npos) << "a password echoed: " << run.output;
  }
}

// Boost.Program_options 1.74 replaced "%canonical_option%" in its messages
// until none was left: an option or value holding its own placeholder hung
// the CLI (found by fuzz/cli_args_fuzz.cc).
TEST(CliTest, ArgumentsHoldingMessagePlaceholdersAreUsageErrors) {
  const std::vector<std::vector<std::string>> cases = {{"-s%canonical_option%"},
                                                       {"--x%canonical_option%=1"},
                                                       {"migrate", "down", "--steps", "%value%"}};
  for (const auto& args : cases) {
    const CommandResult run = RunStrata(args, {}, std::chrono::milliseconds(10'000));
    EXPECT_EQ(run.exit_code, 2) << ::testing::PrintToString(args) << run.output;
    EXPECT_NE(run.output.find("%25"), std::string::npos) << run.output;
  }
}

TEST(CliTest, BadEnvironmentValueNamesTheVariable) {
  const CommandResult run = Strata({"x"}, {"STRATA_POOL_SIZE=many"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.output.find("STRATA_POOL_SIZE must be"), std::string::npos) << run.output;
}

TEST(CliTest, FlagWinsOverEnvironment) {
  // The environment's bad value is never read when the flag gives a good one.
  const CommandResult run = Strata({"--pool-size", "8", "x"}, {"STRATA_POOL_SIZE=many"});
  EXPECT_NE(run.output.find("unknown command 'x'"), std::string::npos) << run.output;
  const CommandResult bad_flag = Strata({"--output=xml", "x"}, {"STRATA_OUTPUT=json"});
  EXPECT_NE(bad_flag.output.find("--output must be"), std::string::npos) << bad_flag.output;
}

TEST(CliTest, EveryMigrateSubcommandTakesHelp) {
  for (const char* sub : {"up", "down", "status", "validate", "repair", "create"}) {
    const CommandResult run =
        Strata({"migrate", sub, "--help"}, {"STRATA_DATABASE_URL=/nonexistent/x.db"});
    EXPECT_EQ(run.exit_code, 0) << sub << ": " << run.output;
    EXPECT_NE(run.out.find("--lock-timeout"), std::string::npos) << run.out;
  }
  const CommandResult bad = Strata({"migrate", "up", "--bogus"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("Run 'strata migrate --help'"), std::string::npos) << bad.err;
}

TEST(CliTest, UnknownCommandIsNamed) {
  const CommandResult run = Strata({"--storage=postgres", "frobnicate", "--flag"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.output.find("unknown command 'frobnicate'"), std::string::npos) << run.output;
  // A value after a switch, separated by a space, is read as the command.
  const CommandResult spaced = Strata({"--auto-migrate", "false", "migrate", "status"});
  EXPECT_EQ(spaced.exit_code, 2);
  EXPECT_NE(spaced.err.find("unknown command 'false': --auto-migrate takes a value only after "
                            "'=' (--auto-migrate=false)"),
            std::string::npos)
      << spaced.err;
}

}  // namespace
}  // namespace strata::testing
