#include "environment.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "process.h"

namespace strata::testing {
namespace {

TestEnvironment* g_environment = nullptr;
constexpr const char* kSqlitePrefix = "strata-sqlite-";

double Milliseconds(std::chrono::nanoseconds d) { return static_cast<double>(d.count()) / 1e6; }

}  // namespace

std::vector<Backend> SelectedBackends() {
  const std::string list = GetEnv("STRATA_TEST_BACKENDS").value_or("sqlite,postgres");
  std::vector<Backend> backends;
  std::istringstream names(list);
  for (std::string name; std::getline(names, name, ',');) {
    if (name == "sqlite") {
      backends.push_back(Backend::kSqlite);
    } else if (name == "postgres") {
      backends.push_back(Backend::kPostgres);
    } else {
      std::cerr << "STRATA_TEST_BACKENDS: unknown backend '" << name
                << "': use sqlite, postgres or sqlite,postgres\n";
      std::exit(2);
    }
  }
  return backends;
}

bool BackendSelected(Backend backend) {
  const std::vector<Backend> backends = SelectedBackends();
  return std::find(backends.begin(), backends.end(), backend) != backends.end();
}

TestEnvironment& TestEnvironment::Get() {
  if (g_environment == nullptr) {
    std::cerr << "strata test harness: no TestEnvironment registered; link strata_test_main\n";
    std::abort();
  }
  return *g_environment;
}

std::string TestEnvironment::MakeGuardedDirectory(const std::string& prefix) {
  int lock_fd = -1;
  const std::string dir = MakeScratchDirectory(prefix, lock_fd);
  close(lock_fd);  // the watcher, not the lock, cleans up after a crash
  guard_->AddDirectory(dir);
  return dir;
}

void TestEnvironment::SetUp() {
  g_environment = this;
  guard_ = std::make_unique<CleanupGuard>();
  if (BackendSelected(Backend::kSqlite)) {
    SweepStaleScratchDirectories(kSqlitePrefix);
    sqlite_dir_ = MakeScratchDirectory(kSqlitePrefix, sqlite_lock_fd_);
    guard_->AddDirectory(sqlite_dir_);
  }
  if (BackendSelected(Backend::kPostgres)) {
    try {
      postgres_ = PostgresServer::Start(*guard_);
      const PostgresServerInfo& info = postgres_->info();
      std::fprintf(stderr, "strata-test: PostgreSQL %s (%s: %s) ready in %.2f s%s%s%s\n",
                   info.version.c_str(), info.source.c_str(), info.location.c_str(),
                   info.start_seconds, info.phases.empty() ? "" : " (", info.phases.c_str(),
                   info.phases.empty() ? "" : ")");
    } catch (const std::exception& e) {
      postgres_error_ = e.what();
      std::fprintf(stderr, "strata-test: PostgreSQL unavailable: %s\n", e.what());
    }
  }
  WriteReport();
}

void TestEnvironment::TearDown() {
  PrintSummary();
  databases_.clear();
  if (postgres_) postgres_->Stop();
  if (!sqlite_dir_.empty()) {
    RemoveTree(sqlite_dir_);
    close(sqlite_lock_fd_);
  }
  guard_->Disarm();
}

StoreOptions TestEnvironment::Options(Backend backend) const {
  StoreOptions options;
  options.backend = backend;
  if (backend == Backend::kPostgres) {
    options.url = postgres_ ? postgres_->info().conninfo : std::string();
  } else {
    options.url = sqlite_dir_ + "/test.db";
  }
  return options;
}

TestDatabase& TestEnvironment::Database(Backend backend) {
  auto& database = databases_[backend];
  if (!database) database = TestDatabase::Open(backend, Options(backend).url);
  return *database;
}

void TestEnvironment::Reset(Backend backend) {
  TestDatabase& database = Database(backend);
  const auto start = std::chrono::steady_clock::now();
  database.Reset();
  const auto took = std::chrono::steady_clock::now() - start;
  ResetStats& stats = reset_stats_[backend];
  ++stats.count;
  stats.total += took;
  stats.min = std::min(stats.min, std::chrono::duration_cast<std::chrono::nanoseconds>(took));
  stats.max = std::max(stats.max, std::chrono::duration_cast<std::chrono::nanoseconds>(took));
}

// For the harness's own tests, which look at a child test binary from outside.
void TestEnvironment::WriteReport() const {
  const auto path = GetEnv("STRATA_TEST_HARNESS_REPORT");
  if (!path) return;
  std::ofstream report(*path + ".tmp");
  report << "sqlite_dir=" << sqlite_dir_ << "\n";
  if (postgres_) {
    const PostgresServerInfo& info = postgres_->info();
    report << "source=" << info.source << "\ndatabase=" << info.database
           << "\nlocation=" << info.location << "\ntag=" << info.tag << "\npid=" << info.pid
           << "\ncontainer=" << info.container_id << "\nport=" << info.port << "\n";
  }
  report << "postgres_error=" << postgres_error_ << "\n";
  report.close();
  std::rename((*path + ".tmp").c_str(), path->c_str());  // readers never see half a report
}

// One line per backend, so a log shows that the PostgreSQL cases ran.
void TestEnvironment::PrintSummary() const {
  const ::testing::UnitTest& unit = *::testing::UnitTest::GetInstance();
  for (const Backend backend : SelectedBackends()) {
    std::string suffix = "/";  // appended: GCC 12 -O3 warns falsely on "/" + s (PR 105651)
    suffix += BackendName(backend);
    int passed = 0, failed = 0, skipped = 0;
    for (int i = 0; i < unit.total_test_suite_count(); ++i) {
      const ::testing::TestSuite& suite = *unit.GetTestSuite(i);
      for (int j = 0; j < suite.total_test_count(); ++j) {
        const ::testing::TestInfo& test = *suite.GetTestInfo(j);
        if (!test.should_run() || !std::string_view(test.name()).ends_with(suffix)) continue;
        const ::testing::TestResult& result = *test.result();
        if (result.Skipped()) {
          ++skipped;
        } else if (result.Failed()) {
          ++failed;
        } else {
          ++passed;
        }
      }
    }
    std::fprintf(stderr, "strata-test: %s cases: %d passed, %d failed, %d skipped\n",
                 suffix.c_str() + 1, passed, failed, skipped);
  }
  for (const auto& [backend, stats] : reset_stats_) {
    if (stats.count == 0) continue;
    std::fprintf(stderr, "strata-test: %s: %d resets, mean %.2f ms (min %.2f, max %.2f)\n",
                 std::string(BackendName(backend)).c_str(), stats.count,
                 Milliseconds(stats.total) / stats.count, Milliseconds(stats.min),
                 Milliseconds(stats.max));
  }
}

void BackendTest::SetUp() {
  TestEnvironment& environment = TestEnvironment::Get();
  if (GetParam() == Backend::kPostgres && !environment.postgres_error().empty()) {
    FAIL() << "PostgreSQL is unavailable: " << environment.postgres_error()
           << "\nTo run only the SQLite cases, set STRATA_TEST_BACKENDS=sqlite.";
  }
  environment.Reset(GetParam());
}

std::string BackendParamName(const ::testing::TestParamInfo<Backend>& info) {
  return std::string(BackendName(info.param));
}

}  // namespace strata::testing
