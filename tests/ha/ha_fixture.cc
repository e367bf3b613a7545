#include "ha_fixture.h"

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
