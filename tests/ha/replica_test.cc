// Reads through the read URL, read-your-writes, and migrations on a
// replicated set: the migrator refuses a standby, and a run whose primary
// dies finishes on the promoted standby, each migration applied once.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "ha_fixture.h"
#include "process.h"
#include "shipped_migrations.h"
#include "sidecar_process.h"
#include "strata/error.h"
#include "strata/migrator.h"
#include "strata/store.h"

namespace strata::testing {
namespace {

using std::chrono::milliseconds;

class ReplicaTest : public HaTest {
 protected:
  // The store's options with the standby as its read URL, and a logger that
  // counts the reads that went to the primary because the standby had not
  // replayed the store's writes.
  StoreOptions WithReadUrl() {
    StoreOptions options = Options();
    options.read_url = set_->NodeUrl(set_->standby());
    options.logger = [this](LogLevel, std::string_view message) {
      if (message.starts_with("store: read on the primary")) ++fallbacks_;
    };
    return options;
  }

  // Creates `name` on the primary and returns once the standby has replayed
  // it too: commits wait for the standby to flush, not to replay, and a
  // client that reaches the standby first would find no such database.
  void CreateDatabase(const std::string& name) {
    set_->Query(set_->primary(), "CREATE DATABASE " + name);
    ASSERT_TRUE(WaitFor(milliseconds(10'000),
                        [&] {
                          return set_->Query(set_->standby(),
                                             "SELECT count(*) FROM pg_database WHERE datname = '" +
                                                 name + "'") == "1";
                        }))
        << "the standby did not replay CREATE DATABASE " << name;
  }

  // Brings a killed old primary back as the standby when the test ends,
  // also when an assertion ended it early: the next test needs both nodes.
  struct RejoinAtEnd {
    ReplicatedSet& set;
    int node = -1;
    ~RejoinAtEnd() {
      if (node < 0) return;
      try {
        set.Rejoin(node);
      } catch (const std::exception& e) {
        ADD_FAILURE() << "rejoining node " << node << ": " << e.what();
      }
    }
  };

  Task NewTask() {
    Task t;
    t.cluster_arn = kCluster;
    t.task_definition_arn = "arn:aws:ecs:us-east-1:000000000000:task-definition/web:1";
    t.containers = R"([{"name":"app","image":"nginx"}])";
    return t;
  }

  std::atomic<int> fallbacks_{0};
};

TEST_F(ReplicaTest, ReadsThroughTheReadUrlAreServedByTheStandby) {
  std::unique_ptr<Store> reader = Store::Open(WithReadUrl());
  std::unique_ptr<Store> writer = Store::Open(Options());
  set_->PauseReplay(true);
  struct Resume {
    ~Resume() { HaTest::set_->PauseReplay(false); }
  } resume;
  // Another store's write: the paused standby does not have it, so a read
  // that finds nothing was served by the standby.
  const Task elsewhere = writer->tasks().Create(NewTask());
  EXPECT_FALSE(reader->replicas().tasks().Find(kCluster, elsewhere.arn));
  EXPECT_TRUE(reader->tasks().Find(kCluster, elsewhere.arn));  // the primary has it
  EXPECT_EQ(fallbacks_, 0);
  // The reader's own write: the standby has not replayed it either, so the
  // read goes to the primary and sees it.
  const Task own = reader->tasks().Create(NewTask());
  EXPECT_TRUE(reader->replicas().tasks().Find(kCluster, own.arn));
  EXPECT_EQ(fallbacks_, 1);
  set_->PauseReplay(false);
  // Once the standby has replayed the reader's own write, the reads go to it
  // again and see both. (Until then a read falls back to the primary, which
  // has both: waiting for a read that finds a row is not enough.)
  EXPECT_TRUE(WaitFor(milliseconds(10'000), [&] {
    const int fallbacks = fallbacks_;
    return reader->replicas().tasks().Find(kCluster, own.arn).has_value() &&
           fallbacks_ == fallbacks;
  }));
  const int before = fallbacks_;
  EXPECT_TRUE(reader->replicas().tasks().Find(kCluster, own.arn));
  EXPECT_TRUE(reader->replicas().tasks().Find(kCluster, elsewhere.arn));
  EXPECT_EQ(fallbacks_, before);
}

TEST_F(ReplicaTest, AReadRightAfterAWriteSeesIt1000Times) {
  std::unique_ptr<Store> store = Store::Open(WithReadUrl());
  int seen = 0;
  for (int i = 0; i < 1000; ++i) {
    const Task created = store->tasks().Create(NewTask());
    const std::optional<Task> read = store->replicas().tasks().Find(kCluster, created.arn);
    if (read && read->version == created.version) ++seen;
  }
  EXPECT_EQ(seen, 1000);
  std::printf(
      "strata-ha: read-your-writes: 1000 of 1000 reads saw the write; %d went to the "
      "primary because the standby had not replayed it yet, %d to the standby\n",
      fallbacks_.load(), 1000 - fallbacks_.load());
}

TEST_F(ReplicaTest, TheMigratorRefusesAStandby) {
  StoreOptions options = Options();
  options.url = set_->NodeUrl(set_->standby());
  try {
    Migrator::Open(options)->Up();
    ADD_FAILURE() << "migrations ran on a standby";
  } catch (const ConnectionError& e) {
    EXPECT_NE(std::string(e.what()).find("is a standby"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("target_session_attrs=read-write"), std::string::npos);
  }
  // Reading the status is fine there.
  EXPECT_EQ(Migrator::Open(options)->Status().current_version, kShippedVersion);
}

// A run of slow migrations whose primary is killed and whose standby is
// promoted half-way: the migrator connects to the new primary, takes the lock
// again and applies what its ledger lacks, each migration once.
TEST_F(ReplicaTest, AMigrationRunFinishesOnThePromotedStandby) {
  CreateDatabase("strata_migrations");
  if (HasFatalFailure()) return;
  const std::string dir =
      std::filesystem::temp_directory_path() / ("strata-ha-migrations-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir + "/postgres");
  struct Remove {
    std::string dir;
    ~Remove() { std::filesystem::remove_all(dir); }
  } remove{dir};
  for (int v = 1; v <= 8; ++v) {
    std::ofstream(dir + "/postgres/000" + std::to_string(v) + "_slow.up.sql")
        << "SELECT pg_sleep(0.25);\nCREATE TABLE slow_" << v << " (id int);\n";
  }
  StoreOptions options = Options("strata_migrations");
  options.migrations_dir = dir;
  std::atomic<bool> reconnected{false};
  options.logger = [&](LogLevel, std::string_view message) {
    if (message.find("connecting again to take the lock and go on") != message.npos) {
      reconnected = true;
    }
  };
  MigrationResult result;
  std::string error;
  std::thread run([&] {
    try {
      result = Migrator::Open(options)->Up();
    } catch (const Error& e) {
      error = e.what();
    }
  });
  // Kill the primary while migration 3 or so runs (the thread is joined
  // below whatever happens).
  EXPECT_TRUE(WaitFor(milliseconds(10'000), [&] {
    return set_->Query(set_->primary(),
                       "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                       "'strata_migrations' AND query LIKE '%pg_sleep%'") != "0";
  }));
  std::this_thread::sleep_for(milliseconds(500));
  const int old_primary = set_->primary();
  RejoinAtEnd rejoin{*set_};
  set_->Kill(old_primary);
  rejoin.node = old_primary;
  set_->Promote(set_->standby());
  run.join();
  EXPECT_EQ(error, "");
  EXPECT_TRUE(reconnected) << "the run did not lose its primary half-way";
  EXPECT_EQ(result.current_version, 8);
  const int primary = set_->primary();
  EXPECT_EQ(
      set_->Query(primary, "SELECT count(*) FROM strata_schema_migrations", "strata_migrations"),
      "8");
  EXPECT_EQ(set_->Query(primary,
                        "SELECT count(*) FROM pg_class WHERE relname LIKE 'slow\\_%' AND "
                        "relkind = 'r'",
                        "strata_migrations"),
            "8");
}

// `strata manage` pointed at a standby holds readiness at 503, saying why,
// and applies the migrations once that server is promoted.
TEST_F(ReplicaTest, TheSidecarWaitsForAPrimary) {
  CreateDatabase("strata_sidecar");
  if (HasFatalFailure()) return;
  const int standby = set_->standby(), old_primary = set_->primary();
  std::string url = set_->NodeUrl(standby);
  url.replace(url.rfind('/') + 1, std::string::npos, "strata_sidecar");
  const std::string log = ScratchBase() + "/strata-ha-sidecar-" + std::to_string(getpid()) + ".log";
  struct Remove {
    std::string log;
    ~Remove() { std::filesystem::remove(log); }
  } remove{log};
  SidecarProcess sidecar(
      {"--database-url", url + "?connect_timeout=2", "manage", "--health-port", "0",
       "--health-address", "127.0.0.1", "--check-interval", "200ms", "--max-backoff", "1s"},
      {}, log);
  ASSERT_TRUE(sidecar.WaitForStatus("/readiness", 503, milliseconds(10'000))) << sidecar.Log();
  ASSERT_TRUE(sidecar.WaitForLog("is a standby", milliseconds(10'000))) << sidecar.Log();
  EXPECT_NE(HttpGet(sidecar.port(), "/readiness").body.find("standby"), std::string::npos);
  RejoinAtEnd rejoin{*set_};
  set_->Kill(old_primary);
  rejoin.node = old_primary;
  set_->Promote(standby);
  EXPECT_TRUE(sidecar.WaitForStatus("/readiness", 200, milliseconds(15'000))) << sidecar.Log();
  EXPECT_EQ(set_->Query(standby, "SELECT count(*) FROM strata_schema_migrations", "strata_sidecar"),
            std::to_string(kShippedVersion));
}

}  // namespace
}  // namespace strata::testing
