// Migrator::Verify and `strata migrate verify` on every backend: the
// project's own sets round-trip; a down that forgets an index, one that
// drops the wrong column, and a missing down file are each found with the
// exact difference; the database served is never touched, and the scratch
// database is gone afterwards.
#include <gmock/gmock.h>

#include "migration_fixture.h"

namespace strata::testing {
namespace {

using ::testing::HasSubstr;
using Kind = VerifyResult::Problem::Kind;

class VerifyTest : public MigrationTest {
 protected:
  void WriteTable() {
    Write("0001_t.up.sql", "CREATE TABLE t (id integer PRIMARY KEY, a text NOT NULL);\n");
    Write("0001_t.down.sql", "DROP TABLE t;\n");
  }
  std::int64_t ScratchDatabases() {
    if (!postgres()) return 0;
    return db().QueryInt(
        "SELECT count(*) FROM pg_database WHERE datname LIKE 'strata\\_scratch\\_%'");
  }
};

TEST_P(VerifyTest, TheProjectsOwnSetsRoundTripWithoutTouchingTheDatabase) {
  const std::unique_ptr<Migrator> migrator = Migrator::Open(options());
  const auto start = std::chrono::steady_clock::now();
  const VerifyResult result = migrator->Verify();
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  EXPECT_TRUE(result.ok()) << result.Describe();
  EXPECT_EQ(result.verified.size(), migrator->Status().migrations.size());
  EXPECT_EQ(result.verified.front(), migrator->Status().migrations.back().version)
      << "newest first";
  EXPECT_THAT(result.Describe(), HasSubstr("every migration round-trips"));
  EXPECT_TRUE(db().Tables().empty()) << "the served database was touched";
  EXPECT_EQ(ScratchDatabases(), 0);
  std::printf("verify of the %s set (%zu migrations): %.0f ms\n", BackendName(backend()).data(),
              result.verified.size(), ms);
}

TEST_P(VerifyTest, ADownThatForgetsAnIndexNamesIt) {
  WriteTable();
  Write("0002_by_a.up.sql", "CREATE INDEX t_by_a ON t (a);\n");
  Write("0002_by_a.down.sql", "SELECT 1;\n");
  const VerifyResult result = Open()->Verify();
  ASSERT_TRUE(result.problem);
  EXPECT_EQ(result.problem->kind, Kind::kDownDiffers);
  EXPECT_EQ(result.problem->version, 2);
  EXPECT_EQ(result.problem->object, "index t_by_a");
  EXPECT_EQ(result.problem->expected, "");
  EXPECT_THAT(result.problem->found, HasSubstr("t_by_a"));
  EXPECT_THAT(result.Describe(),
              HasSubstr("migration 2 by_a: its down does not restore the schema from before it: "
                        "index t_by_a was absent before 2, and is CREATE"));
  EXPECT_TRUE(result.verified.empty());
  EXPECT_EQ(ScratchDatabases(), 0);
}

TEST_P(VerifyTest, ADownThatDropsTheWrongColumnNamesTheColumn) {
  WriteTable();
  Write("0002_b.up.sql", "ALTER TABLE t ADD COLUMN b text;\n");
  Write("0002_b.down.sql", "ALTER TABLE t DROP COLUMN a;\n");
  const VerifyResult result = Open()->Verify();
  ASSERT_TRUE(result.problem);
  EXPECT_EQ(result.problem->kind, Kind::kDownDiffers);
  EXPECT_EQ(result.problem->object, "column t.a");
  EXPECT_EQ(result.problem->expected, postgres() ? "text NOT NULL" : "TEXT NOT NULL");
  EXPECT_EQ(result.problem->found, "");
  // Verified up to 1 alone, it round-trips.
  const VerifyResult first = Open()->Verify(1);
  EXPECT_TRUE(first.ok()) << first.Describe();
  EXPECT_EQ(first.verified, (std::vector<std::int64_t>{1}));
}

TEST_P(VerifyTest, AMissingDownFileIsItsOwnFinding) {
  WriteTable();
  Write("0002_b.up.sql", "ALTER TABLE t ADD COLUMN b text;\n");
  const VerifyResult result = Open()->Verify();
  ASSERT_TRUE(result.problem);
  EXPECT_EQ(result.problem->kind, Kind::kNoDownFile);
  EXPECT_EQ(result.problem->version, 2);
  EXPECT_THAT(result.Describe(), HasSubstr("has no down file, so it cannot be reverted: add "
                                           "2_b.down.sql"));
}

TEST_P(VerifyTest, TheCliExitsFiveWithTheDifferenceAndZeroWhenAllRoundTrips) {
  WriteTable();
  const CommandResult ok = Strata({"migrate", "verify"});
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_THAT(ok.output, HasSubstr("every migration round-trips (1 verified)"));
  Write("0002_by_a.up.sql", "CREATE INDEX t_by_a ON t (a);\n");
  Write("0002_by_a.down.sql", "SELECT 1;\n");
  const CommandResult bad = Strata({"migrate", "verify"});
  EXPECT_EQ(bad.exit_code, 5) << bad.output;
  EXPECT_THAT(bad.output, HasSubstr("index t_by_a was absent before 2"));
  const CommandResult json = Strata({"--output", "json", "migrate", "verify"});
  EXPECT_EQ(json.exit_code, 5);
  EXPECT_THAT(json.output, HasSubstr("\"kind\": \"down_differs\""));
  EXPECT_THAT(json.output, HasSubstr("\"object\": \"index t_by_a\""));
  EXPECT_EQ(Strata({"migrate", "verify", "--to", "1"}).exit_code, 0);
  EXPECT_TRUE(Tables().empty());
}

STRATA_BACKEND_TEST_SUITE(VerifyTest);

}  // namespace
}  // namespace strata::testing
