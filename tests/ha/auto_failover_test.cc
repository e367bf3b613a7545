// The fault suite through a real failover manager: Debian's pg_auto_failover
// (harness/auto_failover_set.h), a monitor and two nodes. The primary node is
// lost (keeper, postmaster and backends killed at once) and the monitor
// promotes the secondary; then the old node's keeper runs again and the
// monitor makes it a secondary. strata only follows the URL the monitor
// hands out.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <memory>

#include "auto_failover_set.h"
#include "cleanup_guard.h"
#include "ha_fixture.h"
#include "strata/store.h"

namespace strata::testing {
namespace {

using std::chrono::milliseconds;

TEST(AutoFailoverTest, ThePrimaryNodeIsLostAndComesBack) {
  CleanupGuard guard;
  const auto start = std::chrono::steady_clock::now();
  auto owned = std::make_unique<AutoFailoverSet>(guard);
  std::printf("strata-ha: pg_auto_failover monitor and two nodes set up in %.1f s\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  AutoFailoverSet& set = *owned;
  StoreOptions options;
  options.backend = Backend::kPostgres;
  options.url = set.Url() + "&connect_timeout=2";
  options.pool_size = kThreads;
  {
    StoreOptions migrate = options;
    migrate.auto_migrate = true;
    Cluster cluster;
    cluster.name = kCluster;
    Store::Open(migrate)->clusters().Create(cluster);
  }
  const int old_primary = set.Primary();
  ASSERT_GE(old_primary, 0);
  const int secondary = 1 - old_primary;
  RunFaultScenario(
      options, "pg_auto_failover: the primary node lost, the secondary promoted",
      [&] { set.KillNode(old_primary); }, [] {});
  EXPECT_EQ(set.Primary(), secondary);
  RunFaultScenario(
      options, "pg_auto_failover: the old primary node comes back", [] {},
      [&] {
        set.StartNode(old_primary);
        EXPECT_TRUE(set.WaitForState(old_primary, "secondary", milliseconds(60'000)))
            << "state " << set.State(old_primary);
      });
  EXPECT_EQ(set.State(secondary), "primary");
  const auto stop = std::chrono::steady_clock::now();
  owned.reset();
  std::printf("strata-ha: pg_auto_failover stopped in %.1f s\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - stop).count());
  guard.Disarm();
}

}  // namespace
}  // namespace strata::testing
