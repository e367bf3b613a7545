// TaskRepository::CreateFrom on every backend: tasks streamed from a source
// are stored all or nothing, in the source's order, with what the store
// fills in; a bad task, a failing source or a lost connection stores none.
#include <gmock/gmock.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "store_fixture.h"

namespace strata::testing {
namespace {

using ::testing::HasSubstr;

class CreateFromTest : public ClusterStoreTest {
 protected:
  // A source of `count` tasks of `cluster`; `fill` may change the i-th
  // (1-based) before it is given. Counts the calls in `calls_`.
  std::function<bool(Task&)> Source(int count, const std::string& cluster,
                                    std::function<void(int, Task&)> fill = {}) {
    return [this, count, cluster, fill](Task& t) {
      if (++calls_ > count) return false;
      t = NewTask(cluster, calls_ % 2 == 0 ? "web" : "db");
      t.started_by = "source-" + std::to_string(calls_);
      if (fill) fill(calls_, t);
      return true;
    };
  }
  std::int64_t Stored() { return db().QueryInt("SELECT count(*) FROM tasks"); }
  int calls_ = 0;
};

TEST_P(CreateFromTest, StoresEveryTaskInTheSourcesOrderCompleted) {
  MakeCluster("other");
  // More tasks than one COPY chunk holds, in two clusters (by name and ARN).
  const int kTasks = 3'000;
  const std::int64_t created = store().tasks().CreateFrom(Source(kTasks, "", [&](int i, Task& t) {
    t.cluster_arn = i % 3 == 0 ? std::string("other") : cluster_.arn;
  }));
  EXPECT_EQ(created, kTasks);
  EXPECT_EQ(calls_, kTasks + 1) << "read once, to its end";
  EXPECT_EQ(store().tasks().Count("test-cluster") + store().tasks().Count("other"), kTasks);
  PageRequest request;
  request.limit = 1000;
  Page<Task> page;
  store().tasks().ListInto("other", {}, request, page);
  ASSERT_EQ(page.items.size(), 1000u);
  for (std::size_t i = 0; i < page.items.size(); ++i) {
    const Task& t = page.items[i];
    EXPECT_EQ(t.started_by, "source-" + std::to_string(3 * (i + 1))) << "the source's order";
    EXPECT_EQ(t.id.size(), 32u);
    EXPECT_EQ(t.arn, "arn:aws:ecs:us-east-1:000000000000:task/other/" + t.id);
    EXPECT_THAT(t.cluster_arn, HasSubstr(":cluster/other"));
    EXPECT_EQ(t.version, 1);
    EXPECT_EQ(t.last_status, "PROVISIONING");
  }
  calls_ = 0;
  EXPECT_EQ(store().tasks().CreateFrom(Source(0, "test-cluster")), 0);
}

TEST_P(CreateFromTest, ABadTaskAnywhereStoresNoneAndSaysWhichItWas) {
  const auto bad = [](int at, auto change) {
    return [at, change](int i, Task& t) {
      if (i == at) change(t);
    };
  };
  try {
    store().tasks().CreateFrom(
        Source(50, "test-cluster", bad(37, [](Task& t) { t.overrides = "{not json"; })));
    ADD_FAILURE() << "no error";
  } catch (const InvalidArgumentError& e) {
    EXPECT_THAT(e.what(), HasSubstr("task 37 of the source"));
    EXPECT_THAT(e.what(), HasSubstr("overrides"));
    EXPECT_THAT(e.what(), HasSubstr("no task was stored"));
  }
  EXPECT_EQ(Stored(), 0);
  calls_ = 0;
  EXPECT_THROW(store().tasks().CreateFrom(
                   Source(20, "test-cluster", bad(12, [](Task& t) { t.cluster_arn = "missing"; }))),
               NotFoundError);
  EXPECT_EQ(Stored(), 0);
  calls_ = 0;
  EXPECT_THROW(store().tasks().CreateFrom(Source(
                   20, "test-cluster",
                   [](int i, Task& t) { t.id = "same-id-" + std::to_string(i == 20 ? 1 : i); })),
               AlreadyExistsError);
  EXPECT_EQ(Stored(), 0);
  // The source's own exception, as it threw it.
  calls_ = 0;
  EXPECT_THROW(store().tasks().CreateFrom(Source(30, "test-cluster",
                                                 [](int i, Task&) {
                                                   if (i == 25) {
                                                     throw std::runtime_error("source failed");
                                                   }
                                                 })),
               std::runtime_error);
  EXPECT_EQ(Stored(), 0);
  // And the store still works.
  calls_ = 0;
  EXPECT_EQ(store().tasks().CreateFrom(Source(3, "test-cluster")), 3);
}

STRATA_BACKEND_TEST_SUITE(CreateFromTest);

// PostgreSQL only: a SQLite connection is never lost.
class CreateFromFailoverTest : public CreateFromTest {};

TEST_P(CreateFromFailoverTest, ALostConnectionStoresNoneAndTheSourceIsNotReadTwice) {
  const std::string others =
      " FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()";
  EXPECT_THROW(
      {
        try {
          store().tasks().CreateFrom(Source(200, "test-cluster", [&](int i, Task&) {
            if (i == 100) db().QueryValue("SELECT count(pg_terminate_backend(pid))" + others);
          }));
        } catch (const ConnectionError& e) {
          EXPECT_THAT(e.what(), HasSubstr("none was stored"));
          throw;
        }
      },
      ConnectionError);
  EXPECT_EQ(calls_, 201) << "the source was read once, to its end, and not again";
  EXPECT_EQ(Stored(), 0);
  calls_ = 0;
  EXPECT_EQ(store().tasks().CreateFrom(Source(5, "test-cluster")), 5);
}

STRATA_POSTGRES_TEST_SUITE(CreateFromFailoverTest);

}  // namespace
}  // namespace strata::testing
