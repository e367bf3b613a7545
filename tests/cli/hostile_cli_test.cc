// Bad input and hostile conditions through the real binary: URLs of the
// wrong form, servers that never answer. Each case gets one line naming what
// is wrong and how to fix it, a documented exit code, and no change anywhere.
#include <gmock/gmock.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "environment.h"
#include "strata_cli.h"

namespace strata::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Clock = std::chrono::steady_clock;

// `strata ARGS` run from `dir` (a shell `cd` first), settings from `env`.
CommandResult StrataIn(const std::string& dir, const std::vector<std::string>& args,
                       const std::vector<std::string>& env) {
  std::string command = "cd \"$STRATA_TEST_CWD\" && exec \"$0\"";
  for (std::size_t i = 0; i < args.size(); ++i) command += " \"${" + std::to_string(i + 1) + "}\"";
  std::vector<std::string> argv = {"/bin/sh", "-c", command, STRATA_CLI};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<std::string> all_env = env;
  all_env.push_back("STRATA_TEST_CWD=" + dir);
  all_env.insert(all_env.begin(), {"STRATA_STORAGE=", "STRATA_DATABASE_URL=",
                                   "STRATA_CONNECT_TIMEOUT=", "STRATA_MIGRATIONS_DIR="});
  return RunCommand(argv, std::chrono::seconds(60), all_env);
}

std::vector<std::string> Entries(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  return names;
}

class ScratchDirTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = TestEnvironment::Get().MakeGuardedDirectory("hostile-"); }
  void TearDown() override { RemoveTree(dir_); }
  // What the command left in the directory, the guard's lock file aside.
  std::vector<std::string> Left() {
    std::vector<std::string> names = Entries(dir_);
    std::erase(names, ".lock");
    return names;
  }
  std::string dir_;
};

using BackendFromUrlTest = ScratchDirTest;

// A conninfo string with the backend left unset is PostgreSQL: it is never
// taken for a SQLite file name (which would carry the password and pass a CI
// job that migrated nothing).
TEST_F(BackendFromUrlTest, AConninfoStringMeansPostgresAndNamesNoFile) {
  const CommandResult run =
      StrataIn(dir_, {"migrate", "up"},
               {"STRATA_DATABASE_URL=host=127.0.0.1 port=1 user=app password=S3cret dbname=ecs"});
  EXPECT_EQ(run.exit_code, 6) << run.output;
  EXPECT_THAT(run.err, HasSubstr("cannot connect to PostgreSQL"));
  EXPECT_THAT(run.output, Not(HasSubstr("S3cret")));
  EXPECT_THAT(Left(), ::testing::IsEmpty());
}

// An explicit backend that contradicts the URL is a usage error, whatever
// the URL's form, and the password is never shown.
TEST_F(BackendFromUrlTest, AnExplicitBackendThatContradictsTheUrlIsAUsageError) {
  const std::vector<std::vector<std::string>> cases = {
      {"--storage", "sqlite", "--database-url", "postgresql://app:S3cret@127.0.0.1:1/ecs"},
      {"--storage", "sqlite", "--database-url", "host=127.0.0.1 password=S3cret dbname=ecs"},
      {"--storage", "postgres", "--database-url", "ecs.db"},
  };
  for (std::vector<std::string> args : cases) {
    args.insert(args.end(), {"migrate", "up"});
    const CommandResult run = StrataIn(dir_, args, {});
    EXPECT_EQ(run.exit_code, 2) << run.output;
    EXPECT_THAT(run.err, HasSubstr("so that it follows the URL")) << run.err;
    EXPECT_THAT(run.output, Not(HasSubstr("S3cret")));
    EXPECT_EQ(run.err.find('\n'), run.err.size() - 1) << "one line: " << run.err;
  }
  // The same through the environment.
  const CommandResult env_run =
      StrataIn(dir_, {"cluster", "list"},
               {"STRATA_STORAGE=sqlite", "STRATA_DATABASE_URL=postgres://app:S3cret@db/ecs"});
  EXPECT_EQ(env_run.exit_code, 2) << env_run.output;
  EXPECT_THAT(env_run.output, Not(HasSubstr("S3cret")));
  EXPECT_THAT(Left(), ::testing::IsEmpty());
}

// A listener that accepts TCP and never answers: exit 6 within the connect
// timeout (10 s by default), naming the host and the fix.
class SilentListenerTest : public ScratchDirTest {
 protected:
  void SetUp() override {
    ScratchDirTest::SetUp();
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd_, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    ASSERT_EQ(listen(fd_, 16), 0);  // the kernel completes handshakes; nobody reads
    socklen_t length = sizeof address;
    ASSERT_EQ(getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length), 0);
    port_ = ntohs(address.sin_port);
  }
  void TearDown() override {
    close(fd_);
    ScratchDirTest::TearDown();
  }
  // Runs `args` against the listener; the run and how long it took.
  std::pair<CommandResult, double> Run(std::vector<std::string> args,
                                       std::vector<std::string> env = {}) {
    env.push_back("STRATA_DATABASE_URL=postgresql://app:S3cret@127.0.0.1:" + std::to_string(port_) +
                  "/ecs");
    const auto start = Clock::now();
    CommandResult run = StrataIn(dir_, args, env);
    return {run, std::chrono::duration<double>(Clock::now() - start).count()};
  }
  int fd_ = -1;
  int port_ = 0;
};

TEST_F(SilentListenerTest, TheDefaultTimeoutEndsTheWaitInTenSeconds) {
  const auto [run, seconds] = Run({"cluster", "list"});
  EXPECT_EQ(run.exit_code, 6) << run.output;
  EXPECT_GE(seconds, 9.5);
  EXPECT_LT(seconds, 16.0) << "one attempt, not one per host or database";
  EXPECT_THAT(run.err, HasSubstr("127.0.0.1"));
  EXPECT_THAT(run.err, HasSubstr("timeout expired after 10 s"));
  EXPECT_THAT(run.err, HasSubstr("--connect-timeout"));
  EXPECT_THAT(run.output, Not(HasSubstr("S3cret")));
}

TEST_F(SilentListenerTest, TheFlagAndTheVariableSetTheTimeout) {
  const auto [flag_run, flag_seconds] = Run({"--connect-timeout", "2", "migrate", "up"});
  EXPECT_EQ(flag_run.exit_code, 6) << flag_run.output;
  EXPECT_THAT(flag_run.err, HasSubstr("after 2 s"));
  EXPECT_LT(flag_seconds, 6.0) << "migrate up does not try the maintenance database too";
  const auto [env_run, env_seconds] = Run({"migrate", "status"}, {"STRATA_CONNECT_TIMEOUT=3"});
  EXPECT_EQ(env_run.exit_code, 6) << env_run.output;
  EXPECT_THAT(env_run.err, HasSubstr("after 3 s"));
  EXPECT_LT(env_seconds, 7.0);
  const auto [bad, bad_seconds] = Run({"--connect-timeout", "0", "cluster", "list"});
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_THAT(bad.err, HasSubstr("--connect-timeout must be a whole number from 2 to 3600"));
}

}  // namespace
}  // namespace strata::testing
