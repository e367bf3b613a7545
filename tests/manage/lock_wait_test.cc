// The sidecar's bounded lock waits on PostgreSQL (--statement-lock-timeout,
// --lock-retries), through the real binary: a migration behind a
// transaction that holds a table lock gives up after the timeout and its
// retries, the try is a failure the sidecar reports and backs off from,
// and the migration applies once the transaction ends.
#include <gmock/gmock.h>
#include <libpq-fe.h>

#include <chrono>

#include "manage_fixture.h"

namespace strata::testing {
namespace {

using std::chrono::seconds;
using ::testing::HasSubstr;

class ManageLockWaitTest : public ManageTest {};

TEST_P(ManageLockWaitTest, AMigrationBehindATableLockGivesUpAfterTheTimeoutThenApplies) {
  auto sidecar = Start({"--watch", "--poll-interval", "1d", "--statement-lock-timeout", "300ms",
                        "--lock-retries", "1"});
  ASSERT_TRUE(sidecar->WaitForStatus("/readiness", 200, seconds(30))) << sidecar->Log();
  // Another session reads `clusters` in a transaction it keeps open.
  PGconn* holder = PQconnectdb((options().url + " application_name=lock_wait_holder").c_str());
  ASSERT_EQ(PQstatus(holder), CONNECTION_OK);
  PQclear(PQexec(holder, "BEGIN"));
  PQclear(PQexec(holder, "SELECT count(*) FROM clusters"));

  const auto written = std::chrono::steady_clock::now();
  Write(NextFile("add_probe"), "ALTER TABLE clusters ADD COLUMN lock_probe integer;\n");
  // Two attempts of 300 ms, 500 ms apart; the defaults (5 s, 5 retries)
  // would take more than 40 s.
  ASSERT_TRUE(sidecar->WaitForLog("failure 1;", seconds(20))) << sidecar->Log();
  EXPECT_LT(std::chrono::steady_clock::now() - written, seconds(10));
  EXPECT_EQ(HttpGet(sidecar->port(), "/readiness").status, 503);
  const std::string error = Status(*sidecar)["last_error"].get<std::string>();
  EXPECT_THAT(error, HasSubstr("gave up waiting for a table lock"));
  EXPECT_THAT(error, HasSubstr("in each of 2 attempts"));
  EXPECT_THAT(error, HasSubstr("lock_wait_holder"));
  EXPECT_THAT(sidecar->Log(), HasSubstr("running it again in 500 ms"));
  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM information_schema.columns WHERE table_name = "
                          "'clusters' AND column_name = 'lock_probe'"),
            0);

  PQclear(PQexec(holder, "COMMIT"));
  PQfinish(holder);
  ASSERT_TRUE(sidecar->WaitForLog("migrate: applied " + NextId("add_probe"), seconds(15)))
      << sidecar->Log();
  EXPECT_TRUE(sidecar->WaitForStatus("/readiness", 200, seconds(5)));
  EXPECT_EQ(LedgerCount(), kShippedVersion + 1);
}

STRATA_POSTGRES_TEST_SUITE(ManageLockWaitTest);

}  // namespace
}  // namespace strata::testing
