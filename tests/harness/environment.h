// The global test environment of every database test binary: one PostgreSQL
// server for the whole binary (started in SetUp, stopped in TearDown, and
// cleaned up by a watcher process if the binary dies), one SQLite file, and a
// reset of both before each test.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cleanup_guard.h"
#include "postgres_server.h"
#include "strata/options.h"
#include "test_database.h"

namespace strata::testing {

// The backends this run covers: STRATA_TEST_BACKENDS, a comma-separated list of
// sqlite and postgres (default both). An unknown name ends the run with exit 2.
std::vector<Backend> SelectedBackends();
bool BackendSelected(Backend backend);

class TestEnvironment : public ::testing::Environment {
 public:
  // The environment registered by the harness's main(); aborts without one.
  static TestEnvironment& Get();

  void SetUp() override;
  void TearDown() override;

  // Why PostgreSQL is unavailable, or "" when it is ready.
  const std::string& postgres_error() const { return postgres_error_; }
  const PostgresServer* postgres() const { return postgres_.get(); }

  // Options that open the backend's test database with strata.
  StoreOptions Options(Backend backend) const;
  // A raw connection to the backend's test database, opened on first use.
  TestDatabase& Database(Backend backend);
  // Forgets the raw connection (e.g. after the server restarted): the next
  // Database() opens a new one.
  void Reconnect(Backend backend) { databases_.erase(backend); }
  // The server, to halt and resume it; nullptr when it did not start.
  PostgresServer* mutable_postgres() { return postgres_.get(); }
  // Empties the backend's test database (all tables but the ledger).
  void Reset(Backend backend);
  // A scratch directory BASE/<prefix><pid>-XXXXXX that the cleanup watcher
  // removes if the binary dies before the test can.
  std::string MakeGuardedDirectory(const std::string& prefix);

 private:
  struct ResetStats {
    int count = 0;
    std::chrono::nanoseconds total{0}, min{std::chrono::nanoseconds::max()}, max{0};
  };
  void WriteReport() const;
  void PrintSummary() const;

  std::unique_ptr<CleanupGuard> guard_;
  std::unique_ptr<PostgresServer> postgres_;
  std::string postgres_error_;
  std::string sqlite_dir_;
  int sqlite_lock_fd_ = -1;
  std::map<Backend, std::unique_ptr<TestDatabase>> databases_;
  std::map<Backend, ResetStats> reset_stats_;
};

// Base of every test that runs on each selected backend:
//   class ClusterRepositoryTest : public BackendTest {};
//   TEST_P(ClusterRepositoryTest, ...) { ... options() ... db() ... }
//   STRATA_BACKEND_TEST_SUITE(ClusterRepositoryTest);
// A PostgreSQL case fails (never skips) when the server could not start.
class BackendTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override;
  Backend backend() const { return GetParam(); }
  StoreOptions options() const { return TestEnvironment::Get().Options(GetParam()); }
  TestDatabase& db() { return TestEnvironment::Get().Database(GetParam()); }
};

// "sqlite" / "postgres" as the test name suffix: ClusterRepositoryTest.Create/postgres.
std::string BackendParamName(const ::testing::TestParamInfo<Backend>& info);

}  // namespace strata::testing

#define STRATA_BACKEND_TEST_SUITE(suite)                                                        \
  INSTANTIATE_TEST_SUITE_P(, suite, ::testing::ValuesIn(::strata::testing::SelectedBackends()), \
                           ::strata::testing::BackendParamName)

// A suite about PostgreSQL alone (its connections, its servers): no case at
// all when the run excludes PostgreSQL (STRATA_TEST_BACKENDS).
#define STRATA_POSTGRES_TEST_SUITE(suite)                                                    \
  INSTANTIATE_TEST_SUITE_P(                                                                  \
      , suite,                                                                               \
      ::testing::ValuesIn(::strata::testing::BackendSelected(::strata::Backend::kPostgres)   \
                              ? std::vector<::strata::Backend>{::strata::Backend::kPostgres} \
                              : std::vector<::strata::Backend>{}),                           \
      ::strata::testing::BackendParamName);                                                  \
  GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(suite)
