// What Status() reads back from the ledger's duration_ms: whole
// microseconds (no double formatted as text and parsed again), which lose
// nothing of what the engine writes. A failed row's reading is in
// migrator_test.cc.
#include <gmock/gmock.h>

#include "migration_fixture.h"

namespace strata::testing {
namespace {

class LedgerReadTest : public MigrationTest {};

TEST_P(LedgerReadTest, DurationsReadBackToTheMicrosecond) {
  for (int v = 1; v <= 4; ++v) {
    const std::string n = std::to_string(v);
    Write("000" + n + "_t" + n + ".up.sql", "CREATE TABLE t" + n + " (id INTEGER);\n");
  }
  Open()->Up();
  // As the engine writes them (three decimals; 1.005 * 1000 is 1004.99...
  // in a double, so a cast without rounding reads 1.004), and the extremes: none, a
  // microsecond, and a run of more than a day.
  db().Exec("UPDATE strata_schema_migrations SET duration_ms = 1.005 WHERE version = 1");
  db().Exec("UPDATE strata_schema_migrations SET duration_ms = 0 WHERE version = 2");
  db().Exec("UPDATE strata_schema_migrations SET duration_ms = 0.001 WHERE version = 3");
  db().Exec("UPDATE strata_schema_migrations SET duration_ms = 90061001.25 WHERE version = 4");

  const SchemaStatus status = Open()->Status();
  ASSERT_EQ(status.migrations.size(), 4u);
  EXPECT_EQ(status.migrations[0].duration_ms, 1.005);  // 1004.999... microseconds
  EXPECT_EQ(status.migrations[1].duration_ms, 0.0);
  EXPECT_EQ(status.migrations[2].duration_ms, 0.001);
  EXPECT_EQ(status.migrations[3].duration_ms, 90061001.25);
  EXPECT_TRUE(status.Ready());
}

STRATA_BACKEND_TEST_SUITE(LedgerReadTest);

}  // namespace
}  // namespace strata::testing
