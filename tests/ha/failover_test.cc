// PostgreSQL failover on a real primary and synchronous standby
// (harness/replicated_set.h): every write the store reported committed is
// there afterwards, none is applied twice, and every failed call says whether
// its outcome is known. Each scenario prints one "strata-ha:" line with its
// counts (ha_fixture.h).
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <thread>

#include "ha_fixture.h"
#include "process.h"
#include "strata/error.h"
#include "strata/store.h"

namespace strata::testing {
namespace {

using std::chrono::milliseconds;

class FailoverTest : public HaTest {
 protected:
  static void RunScenario(const std::string& name, const std::function<void()>& fault,
                          const std::function<void()>& repair) {
    RunFaultScenario(Options(), name, fault, repair);
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

// A commit whose acknowledgement is lost: with the synchronous standby
// stopped, a commit is durable on the primary and then waits for the standby;
// terminating that session loses the reply after the commit. A write that
// runs twice safely runs again and recognises its own row; one that does not
// says its outcome is unknown (and here it was applied).
TEST_F(FailoverTest, ASecondRunRecognisesTheFirstRunsCommit) {
  std::unique_ptr<Store> store = Store::Open(Options());
  Task created;
  std::string error;
  const auto cut_at_commit = [&](const std::function<void()>& call) {
    std::thread caller([&] {
      try {
        call();
      } catch (const Error& e) {
        error = e.what();
      }
    });
    const bool waiting = WaitFor(milliseconds(10'000), [&] {
      return set_->Query(set_->primary(),
                         "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep' AND "
                         "datname = 'strata'") == "1";
    });
    set_->Query(set_->primary(),
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE wait_event = "
                "'SyncRep' AND datname = 'strata'");
    caller.join();
    return waiting;
  };
  Task task;
  task.cluster_arn = kCluster;
  task.task_definition_arn = "arn:aws:ecs:us-east-1:000000000000:task-definition/web:1";
  task.containers = R"([{"name":"app","image":"nginx"}])";
  const int standby = set_->standby();
  set_->Kill(standby);
  EXPECT_TRUE(cut_at_commit([&] { created = store->tasks().Create(task); }));
  EXPECT_EQ(created.version, 1);
  EXPECT_EQ(set_->Query(set_->primary(),
                        "SELECT count(*) FROM tasks WHERE id = '" + created.id + "'", "strata"),
            "1");
  Task change = created, updated;
  change.started_by = "once";
  EXPECT_TRUE(cut_at_commit([&] { updated = store->tasks().Update(change); }));
  EXPECT_EQ(updated.version, 2);
  EXPECT_EQ(updated.started_by, "once");
  std::string outcome;
  EXPECT_TRUE(cut_at_commit([&] {
    try {
      store->tasks().Delete(kCluster, created.id);
      outcome = "deleted";
    } catch (const OutcomeUnknownError& e) {
      outcome = "unknown";
    }
  }));
  EXPECT_EQ(outcome, "unknown");
  // Transact's own COMMIT is never run again: the caller's code may have
  // done more than write.
  Task in_transaction;
  EXPECT_TRUE(cut_at_commit([&] {
    try {
      store->Transact([&](Repositories& r) { in_transaction = r.tasks().Create(task); });
      outcome = "committed";
    } catch (const OutcomeUnknownError& e) {
      outcome = "unknown";
    }
  }));
  EXPECT_EQ(outcome, "unknown");
  EXPECT_EQ(error, "");
  set_->Start(standby);
  EXPECT_FALSE(store->tasks().Find(kCluster, created.id));        // it was applied after all
  EXPECT_TRUE(store->tasks().Find(kCluster, in_transaction.id));  // and so was this
}

}  // namespace
}  // namespace strata::testing
