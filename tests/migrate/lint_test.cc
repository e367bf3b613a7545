// `strata migrate lint` on every backend: each rule's finding and its safe
// rewrite (none), silences, pending against all files, the project's own
// sets, and the CLI's exit codes.
#include <gmock/gmock.h>

#include "migration_fixture.h"

namespace strata::testing {
namespace {

using ::testing::HasSubstr;

struct RuleCase {
  const char* rule;
  bool postgres_only;
  const char* finding;    // the up file's text after the table exists
  const char* safe;       // its rewrite
  const char* safe_down;  // the rewrite's down file ("" for none)
};

const RuleCase kCases[] = {
    {"pg-create-index-blocking", true, "CREATE INDEX t_a ON t (a);\n",
     "-- strata:no-transaction\nCREATE INDEX CONCURRENTLY t_a ON t (a);\n", ""},
    {"pg-alter-column-type", true, "ALTER TABLE t ALTER COLUMN a TYPE varchar(20);\n",
     "ALTER TABLE t ADD COLUMN a_short varchar(20);\n", ""},
    {"pg-add-column-volatile-default", true,
     "ALTER TABLE t ADD COLUMN token uuid DEFAULT gen_random_uuid();\n",
     "ALTER TABLE t ADD COLUMN token uuid;\n", ""},
    {"pg-add-constraint-validating", true,
     "ALTER TABLE t ADD CONSTRAINT t_a_short CHECK (length(a) < 100);\n",
     "ALTER TABLE t ADD CONSTRAINT t_a_short CHECK (length(a) < 100) NOT VALID;\n", ""},
    {"pg-set-not-null", true, "ALTER TABLE t ALTER COLUMN b SET NOT NULL;\n",
     "ALTER TABLE t ADD CONSTRAINT t_b_set CHECK (b IS NOT NULL) NOT VALID;\n", ""},
    {"drop-without-revert", false, "DROP TABLE t;\n", "DROP TABLE t;\n",
     "CREATE TABLE t (id integer PRIMARY KEY, a text, b integer);\n"},
    {"drop-without-revert", false, "ALTER TABLE t DROP COLUMN b;\n",
     "ALTER TABLE t DROP COLUMN b;\n", "ALTER TABLE t ADD COLUMN b integer;\n"},
};

class LintTest : public MigrationTest {
 protected:
  void WriteTable() {
    Write("0001_t.up.sql", "CREATE TABLE t (id integer PRIMARY KEY, a text, b integer);\n");
    Write("0001_t.down.sql", "DROP TABLE t;\n");
  }
};

TEST_P(LintTest, EachRuleFindsItsStatementAndPassesItsSafeRewrite) {
  WriteTable();
  int checked = 0;
  for (const RuleCase& c : kCases) {
    if (c.postgres_only && !postgres()) continue;
    ++checked;
    Remove("0002_change.down.sql");
    Write("0002_change.up.sql", std::string("-- a change\n") + c.finding);
    const std::vector<LintFinding> findings = Open()->Lint(true);
    ASSERT_EQ(findings.size(), 1u) << c.rule << ": " << c.finding;
    const LintFinding& f = findings[0];
    EXPECT_EQ(f.rule, c.rule);
    EXPECT_EQ(f.version, 2);
    EXPECT_EQ(f.line, 2);
    EXPECT_THAT(f.file, HasSubstr("0002_change.up.sql"));
    EXPECT_FALSE(f.lock.empty());
    EXPECT_FALSE(f.fix.empty());
    EXPECT_THAT(f.Describe(), HasSubstr("-- strata:lint-ignore " + std::string(c.rule)));

    Write("0002_change.up.sql", c.safe);
    if (*c.safe_down != '\0') Write("0002_change.down.sql", c.safe_down);
    EXPECT_TRUE(Open()->Lint(true).empty()) << c.rule << ": " << c.safe;
  }
  EXPECT_EQ(checked, postgres() ? 7 : 2);
}

TEST_P(LintTest, ACommentNamingTheRuleSilencesThatStatementOnly) {
  WriteTable();
  Write("0002_drops.up.sql",
        "-- strata:lint-ignore drop-without-revert (the column was never read)\n"
        "ALTER TABLE t DROP COLUMN b;\n"
        "ALTER TABLE t DROP COLUMN a;\n");
  const std::vector<LintFinding> findings = Open()->Lint(true);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].line, 3);
}

TEST_P(LintTest, ATableCreatedInTheSameFileIsNotExisting) {
  Write("0001_t.up.sql",
        "CREATE TABLE t (id integer PRIMARY KEY, a text);\n"
        "CREATE INDEX t_a ON t (a);\n"
        "ALTER TABLE t ADD CONSTRAINT t_a_short CHECK (length(a) < 100);\n");
  EXPECT_TRUE(Open()->Lint(true).empty());
}

TEST_P(LintTest, WithoutAllOnlyThePendingFilesAreLinted) {
  WriteTable();
  Write("0002_drop.up.sql", "DROP TABLE t;\n");
  EXPECT_EQ(Open()->Lint().size(), 1u);
  ASSERT_EQ(Open()->Up(1).applied, (std::vector<std::int64_t>{1}));
  EXPECT_EQ(Open()->Lint().size(), 1u) << "0002 is pending";
  ASSERT_EQ(Open()->Up().applied, (std::vector<std::int64_t>{2}));
  EXPECT_TRUE(Open()->Lint().empty()) << "nothing pending";
  EXPECT_EQ(Open()->Lint(true).size(), 1u) << "--all still sees it";
}

TEST_P(LintTest, TheProjectsOwnSetsLintClean) {
  const std::unique_ptr<Migrator> migrator = Migrator::Open(options());
  for (const LintFinding& f : migrator->Lint(true)) ADD_FAILURE() << f.Describe();
}

TEST_P(LintTest, TheCliExitsFiveWithFindingsAndZeroWithout) {
  WriteTable();
  const CommandResult clean = Strata({"migrate", "lint", "--all"});
  EXPECT_EQ(clean.exit_code, 0) << clean.output;
  EXPECT_THAT(clean.output, HasSubstr("no findings"));
  Write("0002_drop.up.sql", "DROP TABLE t;\n");
  const CommandResult found = Strata({"migrate", "lint", "--all"});
  EXPECT_EQ(found.exit_code, 5) << found.output;
  EXPECT_THAT(found.output, HasSubstr("0002_drop.up.sql:1: drop-without-revert"));
  EXPECT_THAT(found.output, HasSubstr("1 lint finding"));
  const CommandResult json = Strata({"--output", "json", "migrate", "lint", "--all"});
  EXPECT_EQ(json.exit_code, 5);
  EXPECT_THAT(json.output, HasSubstr("\"rule\": \"drop-without-revert\""));
  EXPECT_EQ(Strata({"migrate", "up", "--all"}).exit_code, 2) << "--all is lint's";
  EXPECT_TRUE(Tables().empty()) << "lint --all reads no database";
}

STRATA_BACKEND_TEST_SUITE(LintTest);

}  // namespace
}  // namespace strata::testing
