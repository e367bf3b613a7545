// The harness seen from outside: a child test binary (child_test.cc) is run
// with each server source and ended in each way a test binary ends; afterwards
// no server process, container, private database or directory may remain.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "environment.h"
#include "process.h"

namespace strata::testing {
namespace {

using std::chrono::milliseconds;
using Report = std::map<std::string, std::string>;

constexpr milliseconds kCleanupDeadline(2000);  // the bound, after the child is gone
constexpr const char* kFakeContainerId = "fakecontainer0123456789abcdef";

bool Exists(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0;
}

std::string Parent(const std::string& path) { return path.substr(0, path.rfind('/')); }

class ChildBinaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/strata-cleanup-test-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    scratch_ = pattern;
    report_path_ = scratch_ + "/report";
    docker_log_ = scratch_ + "/docker.log";
  }
  void TearDown() override { RemoveTree(scratch_); }

  // The child's environment: a local server unless a test says otherwise.
  std::vector<std::string> Env(std::vector<std::string> extra = {}) const {
    std::vector<std::string> env = {"STRATA_TEST_HARNESS_REPORT=" + report_path_,
                                    "STRATA_TEST_POSTGRES_SOURCE=local",
                                    "STRATA_TEST_POSTGRES_URL=", "STRATA_TEST_BACKENDS="};
    env.insert(env.end(), extra.begin(), extra.end());
    return env;
  }

  std::vector<std::string> FakeDockerEnv(std::vector<std::string> extra = {}) const {
    const PostgresServer* parent = TestEnvironment::Get().postgres();
    std::vector<std::string> env = {
        "STRATA_TEST_POSTGRES_SOURCE=auto",
        "PATH=" + std::string(STRATA_FAKE_DOCKER_DIR) + ":" + GetEnv("PATH").value_or(""),
        "FAKE_DOCKER_LOG=" + docker_log_,
        "FAKE_DOCKER_PORT=" + std::to_string(parent != nullptr ? parent->info().port : 0)};
    env.insert(env.end(), extra.begin(), extra.end());
    return Env(env);
  }

  CommandResult RunChild(const std::string& filter, const std::vector<std::string>& env) {
    return RunCommand({STRATA_HARNESS_CHILD, "--gtest_filter=" + filter}, milliseconds(180'000),
                      env);
  }

  // Starts the child without waiting, and returns once its server is ready.
  pid_t StartHangingChild(const std::vector<std::string>& env) {
    std::vector<std::string> args = {STRATA_HARNESS_CHILD, "--gtest_filter=ChildTest.Hangs/*"};
    const pid_t pid = fork();
    if (pid == 0) {
      for (const std::string& entry : env) {
        const std::size_t eq = entry.find('=');
        setenv(entry.substr(0, eq).c_str(), entry.substr(eq + 1).c_str(), 1);
      }
      const int log = open((scratch_ + "/child.log").c_str(), O_WRONLY | O_CREAT, 0644);
      dup2(log, STDOUT_FILENO);
      dup2(log, STDERR_FILENO);
      execl(args[0].c_str(), args[0].c_str(), args[1].c_str(), nullptr);
      _exit(127);
    }
    EXPECT_TRUE(WaitFor(milliseconds(120'000), [&] { return Exists(report_path_); }))
        << ReadFile(scratch_ + "/child.log").value_or("");
    return pid;
  }

  static void KillAndReap(pid_t child, int signal) {
    kill(child, signal);
    waitpid(child, nullptr, 0);
  }

  // A child with a local server, killed by `signal` while a test runs.
  void ExpectSignalLeavesNothingBehind(int signal) {
    const pid_t child = StartHangingChild(Env());
    const Report report = ReadReport();
    ASSERT_TRUE(ProcessRunning(std::stoi(report.at("pid"))));
    KillAndReap(child, signal);
    ExpectNothingLeft(report);
  }

  Report ReadReport() const {
    Report report;
    std::istringstream lines(ReadFile(report_path_).value_or(""));
    for (std::string line; std::getline(lines, line);) {
      const std::size_t eq = line.find('=');
      if (eq != std::string::npos) report[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return report;
  }

  bool DatabaseExists(const std::string& name) {
    TestDatabase& parent = TestEnvironment::Get().Database(Backend::kPostgres);
    return parent.QueryInt("SELECT count(*) FROM pg_database WHERE datname = '" + name + "'") > 0;
  }

  // No process, directory or database of the child's may remain within 2 s.
  void ExpectNothingLeft(const Report& report) {
    ASSERT_FALSE(report.empty()) << "the child wrote no report";
    ASSERT_FALSE(report.at("sqlite_dir").empty());
    std::vector<std::string> leftovers;
    const bool clean = WaitFor(kCleanupDeadline, [&] {
      leftovers.clear();
      if (Exists(report.at("sqlite_dir"))) leftovers.push_back(report.at("sqlite_dir"));
      const std::string source = report.count("source") ? report.at("source") : "";
      if (source == "local") {
        const std::string dir = Parent(report.at("location"));
        if (Exists(dir)) leftovers.push_back(dir);
        for (pid_t pid : ProcessesMatching(report.at("tag"))) {
          leftovers.push_back("process " + std::to_string(pid) + ": " + CommandLine(pid));
        }
      }
      if (source == "url") {
        if (DatabaseExists(report.at("database"))) leftovers.push_back(report.at("database"));
      }
      if (source == "docker" &&
          ReadFile(docker_log_).value_or("").find(std::string("rm -f ") + kFakeContainerId) ==
              std::string::npos) {
        leftovers.push_back(std::string("container ") + kFakeContainerId);
      }
      return leftovers.empty();
    });
    EXPECT_TRUE(clean) << "left behind:\n" << ::testing::PrintToString(leftovers);
  }

  // A real container takes its databases with it; the fake one leaves the
  // child's private database on the parent's server.
  void DropFakeContainerDatabase(const Report& report) {
    if (report.count("database") == 0) return;
    TestEnvironment::Get()
        .Database(Backend::kPostgres)
        .Exec("DROP DATABASE IF EXISTS \"" + report.at("database") + "\" WITH (FORCE)");
  }

  void RequireParentPostgres() {
    if (!BackendSelected(Backend::kPostgres)) {
      GTEST_SKIP() << "these cases use the parent's PostgreSQL; STRATA_TEST_BACKENDS excludes it";
    }
    ASSERT_EQ(TestEnvironment::Get().postgres_error(), "");
  }

  std::string scratch_, report_path_, docker_log_;
};

// ---- local server: every way a test binary ends ----

TEST_F(ChildBinaryTest, NormalExitLeavesNothingBehind) {
  const CommandResult run = RunChild("ChildTest.Passes/*", Env());
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("ChildTest.Passes/postgres"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("[  PASSED  ] 2 tests"), std::string::npos) << run.output;
  EXPECT_EQ(run.output.find("SKIPPED"), std::string::npos) << run.output;
  const Report report = ReadReport();
  EXPECT_EQ(report.at("source"), "local");
  ExpectNothingLeft(report);
}

TEST_F(ChildBinaryTest, FailingTestLeavesNothingBehind) {
  const CommandResult run = RunChild("ChildTest.Fails/*", Env());
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("[  FAILED  ] 2 tests"), std::string::npos) << run.output;
  ExpectNothingLeft(ReadReport());
}

TEST_F(ChildBinaryTest, SigtermLeavesNothingBehind) { ExpectSignalLeavesNothingBehind(SIGTERM); }

TEST_F(ChildBinaryTest, SigkillLeavesNothingBehind) { ExpectSignalLeavesNothingBehind(SIGKILL); }

TEST_F(ChildBinaryTest, CtestTimeoutLeavesNothingBehind) {
  // A hand-written CTest file: ctest kills the whole process tree on timeout.
  std::ofstream(scratch_ + "/CTestTestfile.cmake")
      << "add_test(hang \"" << STRATA_HARNESS_CHILD << "\" \"--gtest_filter=ChildTest.Hangs/*\")\n"
      << "set_tests_properties(hang PROPERTIES TIMEOUT 8 ENVIRONMENT "
         "\"STRATA_TEST_HARNESS_REPORT="
      << report_path_ << ";STRATA_TEST_POSTGRES_SOURCE=local;STRATA_TEST_POSTGRES_URL=\")\n";
  const CommandResult run =
      RunCommand({STRATA_CTEST_COMMAND, "--test-dir", scratch_}, milliseconds(120'000));
  EXPECT_NE(run.output.find("Timeout"), std::string::npos) << run.output;
  const Report report = ReadReport();
  ExpectNothingLeft(report);
}

// ---- which server, and which cases run ----

TEST_F(ChildBinaryTest, SqliteOnlyRunStartsNoServer) {
  const CommandResult run = RunChild("ChildTest.Passes/*", Env({"STRATA_TEST_BACKENDS=sqlite"}));
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("[  PASSED  ] 1 test."), std::string::npos) << run.output;
  EXPECT_EQ(run.output.find("ChildTest.Passes/postgres"), std::string::npos) << run.output;
  EXPECT_EQ(ReadReport().count("source"), 0u);
}

TEST_F(ChildBinaryTest, PostgresCasesFailWhenNoServerCanBeHad) {
  const CommandResult run = RunChild(
      "ChildTest.Passes/*",
      Env({"STRATA_TEST_POSTGRES_SOURCE=url",
           "STRATA_TEST_POSTGRES_URL=postgresql://nobody@127.0.0.1:1/none?connect_timeout=2"}));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("[       OK ] ChildTest.Passes/sqlite"), std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("[  FAILED  ] ChildTest.Passes/postgres"), std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("PostgreSQL is unavailable"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("STRATA_TEST_BACKENDS=sqlite"), std::string::npos) << run.output;
}

TEST_F(ChildBinaryTest, UnknownBackendNameIsAnError) {
  const CommandResult run = RunChild("*", Env({"STRATA_TEST_BACKENDS=sqlite,mysql"}));
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("unknown backend 'mysql'"), std::string::npos) << run.output;
}

TEST_F(ChildBinaryTest, ExistingServerGetsAPrivateDatabaseDroppedAtExit) {
  RequireParentPostgres();
  const std::string parent = TestEnvironment::Get().postgres()->info().admin_conninfo;
  const CommandResult run =
      RunChild("ChildTest.Passes/*",
               Env({"STRATA_TEST_POSTGRES_SOURCE=auto", "STRATA_TEST_POSTGRES_URL=" + parent}));
  EXPECT_EQ(run.exit_code, 0) << run.output;
  const Report report = ReadReport();
  EXPECT_EQ(report.at("source"), "url");
  EXPECT_TRUE(report.at("database").starts_with("strata_test_"));
  ExpectNothingLeft(report);
}

TEST_F(ChildBinaryTest, ExistingServerDatabaseIsDroppedAfterSigkill) {
  RequireParentPostgres();
  const std::string parent = TestEnvironment::Get().postgres()->info().admin_conninfo;
  const pid_t child = StartHangingChild(
      Env({"STRATA_TEST_POSTGRES_URL=" + parent, "STRATA_TEST_POSTGRES_SOURCE=url"}));
  const Report report = ReadReport();
  ASSERT_TRUE(DatabaseExists(report.at("database")));
  KillAndReap(child, SIGKILL);
  ExpectNothingLeft(report);
}

TEST_F(ChildBinaryTest, DockerEngineIsUsedWhenOneAnswers) {
  RequireParentPostgres();
  const CommandResult run = RunChild("ChildTest.Passes/*", FakeDockerEnv());
  EXPECT_EQ(run.exit_code, 0) << run.output;
  const Report report = ReadReport();
  EXPECT_EQ(report.at("source"), "docker");
  EXPECT_EQ(report.at("container"), kFakeContainerId);
  const std::string calls = ReadFile(docker_log_).value_or("");
  EXPECT_NE(calls.find("version --format {{.Server.Version}}"), std::string::npos) << calls;
  EXPECT_NE(calls.find("run -d --rm"), std::string::npos) << calls;
  EXPECT_NE(calls.find("-p 127.0.0.1::5432"), std::string::npos) << calls;
  EXPECT_NE(calls.find("postgres:15 -c fsync=off"), std::string::npos) << calls;
  EXPECT_NE(calls.find(std::string("port ") + kFakeContainerId + " 5432/tcp"), std::string::npos)
      << calls;
  ExpectNothingLeft(report);
  DropFakeContainerDatabase(report);
}

TEST_F(ChildBinaryTest, DockerContainerIsRemovedAfterSigkill) {
  RequireParentPostgres();
  const pid_t child = StartHangingChild(FakeDockerEnv());
  const Report report = ReadReport();
  EXPECT_EQ(report.at("source"), "docker");
  EXPECT_EQ(ReadFile(docker_log_).value_or("").find("rm -f"), std::string::npos);
  KillAndReap(child, SIGKILL);
  ExpectNothingLeft(report);
  DropFakeContainerDatabase(report);
}

TEST_F(ChildBinaryTest, ContainerThatNeverAcceptsConnectionsFailsAndIsRemoved) {
  RequireParentPostgres();
  const CommandResult run =
      RunChild("ChildTest.Passes/*",
               FakeDockerEnv({"FAKE_DOCKER_PORT=1", "STRATA_TEST_POSTGRES_READY_TIMEOUT=1"}));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("did not accept connections"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("fake container log"), std::string::npos) << run.output;
  EXPECT_NE(ReadFile(docker_log_).value_or("").find(std::string("rm -f ") + kFakeContainerId),
            std::string::npos);
}

TEST_F(ChildBinaryTest, NoDockerEngineFallsBackToLocalBinaries) {
  RequireParentPostgres();
  const CommandResult run =
      RunChild("ChildTest.Passes/*", FakeDockerEnv({"FAKE_DOCKER_NO_ENGINE=1"}));
  EXPECT_EQ(run.exit_code, 0) << run.output;
  const Report report = ReadReport();
  EXPECT_EQ(report.at("source"), "local");
  const std::string calls = ReadFile(docker_log_).value_or("");
  EXPECT_NE(calls.find("version"), std::string::npos) << calls;
  EXPECT_EQ(calls.find("run"), std::string::npos) << calls;
  ExpectNothingLeft(report);
}

}  // namespace
}  // namespace strata::testing
