#include "ha_fixture.h"

#include <chrono>
#include <cstdio>
#include <thread>

#include "workload.h"

namespace strata::testing {

CleanupGuard* HaTest::guard_ = nullptr;
ReplicatedSet* HaTest::set_ = nullptr;

void HaTest::SetUpTestSuite() {
  if (set_ != nullptr) return;
  guard_ = new CleanupGuard();
  set_ = new ReplicatedSet(*guard_);
  StoreOptions options = Options();
  options.auto_migrate = true;
  Cluster cluster;
  cluster.name = kCluster;
  Store::Open(options)->clusters().Create(cluster);
}

// After the last suite: the set lives across suites of the binary.
void HaTest::TearDownTestSuite() {}

StoreOptions HaTest::Options(const std::string& database) {
  StoreOptions options;
  options.backend = Backend::kPostgres;
  std::string url = set_->Url();
  url.replace(url.rfind('/') + 1, std::string::npos, database);
  options.url = url + "?connect_timeout=2";
  options.pool_size = kThreads;
  return options;
}

void RunFaultScenario(const StoreOptions& options, const std::string& name,
                      const std::function<void()>& fault, const std::function<void()>& repair) {
  using std::chrono::milliseconds;
  std::unique_ptr<Store> store = Store::Open(options);
  Workload workload(*store, kCluster, kThreads);
  workload.Start();
  std::this_thread::sleep_for(milliseconds(1000));
  fault();
  workload.MarkFault();
  repair();
  const bool recovered = workload.WaitForRecovery(milliseconds(30'000));
  std::this_thread::sleep_for(milliseconds(1000));
  workload.Stop();
  const WorkloadReport report = workload.Verify(*Store::Open(options));
  std::printf("%s\n", report.Line(name).c_str());
  EXPECT_TRUE(recovered) << "no write committed within 30 s of the fault";
  EXPECT_GT(report.committed, 0);
  EXPECT_EQ(report.lost, 0);
  EXPECT_EQ(report.applied_twice, 0);
  EXPECT_EQ(report.stale_reads, 0);
  for (const std::string& problem : report.problems) ADD_FAILURE() << problem;
}

namespace {

// Stops the set once every suite has run.
class HaEnvironment : public ::testing::Environment {
 public:
  void TearDown() override {
    delete HaTest::set_;
    HaTest::set_ = nullptr;
    if (HaTest::guard_ != nullptr) HaTest::guard_->Disarm();
    delete HaTest::guard_;
    HaTest::guard_ = nullptr;
  }
};

const ::testing::Environment* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new HaEnvironment);

}  // namespace
}  // namespace strata::testing
