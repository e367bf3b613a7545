// The migration engine on both backends, through the public Migrator API.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <libpq-fe.h>
#include <sys/file.h>
#include <unistd.h>

#include "migration_fixture.h"

namespace strata::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using Versions = std::vector<std::int64_t>;

class MigratorTest : public MigrationTest {
 protected:
  // Three simple migrations, each with a down file.
  void WriteThree() {
    for (int v = 1; v <= 3; ++v) {
      const std::string n = std::to_string(v);
      Write("000" + n + "_t" + n + ".up.sql",
            "CREATE TABLE t" + n + " (id INTEGER PRIMARY KEY);\n");
      Write("000" + n + "_t" + n + ".down.sql", "DROP TABLE t" + n + ";\n");
    }
  }
  std::vector<std::string> States() {
    std::vector<std::string> states;
    for (const MigrationStatus& m : Open()->Status().migrations) {
      states.push_back(std::to_string(m.version) + ":" + std::string(MigrationStateName(m.state)));
    }
    return states;
  }
};

TEST_P(MigratorTest, UpAppliesEveryPendingMigrationOnceAndRecordsIt) {
  WriteThree();
  std::vector<std::string> progress;
  MigratorOptions m;
  m.on_progress = [&](const MigrationEvent& e) {
    if (e.kind == MigrationEvent::Kind::kApplied) progress.push_back(e.name);
  };
  const Timestamp before = Now();
  const MigrationResult result = Open(m)->Up();
  EXPECT_EQ(result.applied, (Versions{1, 2, 3}));
  EXPECT_EQ(result.current_version, 3);
  EXPECT_THAT(progress, ElementsAre("t1", "t2", "t3"));
  EXPECT_THAT(Tables(), ElementsAre("t1", "t2", "t3"));

  const SchemaStatus status = Open()->Status();
  EXPECT_TRUE(status.Ready());
  EXPECT_EQ(status.pending, 0);
  ASSERT_EQ(status.migrations.size(), 3u);
  for (const MigrationStatus& s : status.migrations) {
    EXPECT_EQ(s.state, MigrationState::kApplied);
    EXPECT_EQ(s.checksum.size(), 64u);
    EXPECT_EQ(s.applied_checksum, s.checksum);
    ASSERT_TRUE(s.applied_at.has_value());
    EXPECT_GE(*s.applied_at, before - std::chrono::seconds(1));
    EXPECT_LE(*s.applied_at, Now() + std::chrono::seconds(1));
    EXPECT_GE(s.duration_ms.value_or(-1), 0.0);
  }
  // The ledger's checksum is the file's SHA-256, as the contract defines it.
  EXPECT_EQ(db().QueryValue("SELECT checksum FROM strata_schema_migrations WHERE version = 1"),
            status.migrations[0].checksum);

  const MigrationResult again = Open()->Up();
  EXPECT_TRUE(again.applied.empty());
  EXPECT_EQ(again.current_version, 3);
  EXPECT_EQ(LedgerCount(), 3);
}

TEST_P(MigratorTest, UpToDownRedoAndReset) {
  WriteThree();
  auto migrator = Open();
  EXPECT_EQ(migrator->Up(2).applied, (Versions{1, 2}));
  EXPECT_THAT(Tables(), ElementsAre("t1", "t2"));
  EXPECT_EQ(migrator->CurrentVersion(), 2);
  EXPECT_EQ(migrator->Up().applied, (Versions{3}));

  MigrationResult down = migrator->Down();
  EXPECT_EQ(down.reverted, (Versions{3}));
  EXPECT_EQ(down.current_version, 2);
  EXPECT_THAT(Tables(), ElementsAre("t1", "t2"));

  migrator->Up();
  down = migrator->Down(2);
  EXPECT_EQ(down.reverted, (Versions{3, 2}));
  EXPECT_THAT(Tables(), ElementsAre("t1"));

  migrator->Up();
  EXPECT_EQ(migrator->DownTo(1).reverted, (Versions{3, 2}));
  EXPECT_EQ(migrator->CurrentVersion(), 1);

  migrator->Up();
  db().Exec("INSERT INTO t3 (id) VALUES (7)");
  const MigrationResult redo = migrator->Redo();
  EXPECT_EQ(redo.reverted, (Versions{3}));
  EXPECT_EQ(redo.applied, (Versions{3}));
  EXPECT_EQ(redo.current_version, 3);
  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM t3"), 0) << "redo re-created the table";

  const MigrationResult reset = migrator->Reset();
  EXPECT_EQ(reset.reverted, (Versions{3, 2, 1}));
  EXPECT_EQ(reset.current_version, 0);
  EXPECT_TRUE(Tables().empty());
  EXPECT_EQ(LedgerCount(), 0);
  EXPECT_THAT(States(), ElementsAre("1:pending", "2:pending", "3:pending"));

  EXPECT_TRUE(migrator->Down().reverted.empty()) << "nothing left to revert";
  EXPECT_THROW(migrator->Redo(), SchemaError);
  EXPECT_THROW(migrator->Down(0), InvalidArgumentError);
}

TEST_P(MigratorTest, DownRefusesAMigrationWithoutADownFile) {
  WriteThree();
  Remove("0003_t3.down.sql");
  auto migrator = Open();
  migrator->Up();
  try {
    migrator->Down(2);
    FAIL() << "down without a down file";
  } catch (const SchemaError& e) {
    EXPECT_THAT(e.what(), HasSubstr("0003_t3.down.sql"));
  }
  EXPECT_EQ(migrator->CurrentVersion(), 3) << "nothing was reverted";
}

TEST_P(MigratorTest, ANoTransactionDownFileRunsStatementByStatement) {
  Write("0001_big.up.sql", "CREATE TABLE big (id INTEGER, name TEXT);\n");
  const std::string index = postgres() ? "CONCURRENTLY " : "";
  Write("0002_index.up.sql",
        "-- strata:no-transaction\nCREATE INDEX " + index + "big_name ON big (name);\n");
  Write("0002_index.down.sql", "-- strata:no-transaction\nDROP INDEX " + index + "big_name;\n");
  auto migrator = Open();
  migrator->Up();
  EXPECT_EQ(migrator->Down().reverted, (Versions{2}));
  EXPECT_THAT(States(), ElementsAre("1:applied", "2:pending"));
  // The same DROP in a transactional down file is refused before it runs.
  migrator->Up();
  Write("0002_index.down.sql", "DROP INDEX " + index + "big_name;\n");
  if (postgres()) {
    EXPECT_THROW(Open()->Down(), SchemaError);
    EXPECT_EQ(Open()->CurrentVersion(), 2);
  }
  // A failing no-transaction down leaves the migration applied.
  Write("0002_index.down.sql", "-- strata:no-transaction\nDROP INDEX no_such_index;\n");
  EXPECT_THROW(Open()->Down(), MigrationError);
  EXPECT_THAT(States(), ElementsAre("1:applied", "2:applied"));
}

// The ledger's names are compared: a version the database applied under
// another name (another set, or two branches that both took the number) is a
// conflict, whatever the checksum. Up, down and validate refuse it, repair
// leaves it, and nothing in the database changes.
TEST_P(MigratorTest, AVersionAppliedUnderAnotherNameIsAConflictThatNothingPapersOver) {
  Write("0001_create_widgets.up.sql", "CREATE TABLE widgets (id INTEGER PRIMARY KEY);\n");
  Write("0001_create_widgets.down.sql", "DROP TABLE widgets;\n");
  Open()->Up();
  Remove("0001_create_widgets.up.sql");
  Remove("0001_create_widgets.down.sql");
  // The other branch's version 1, byte for byte the same SQL: same checksum.
  Write("0001_create_gadgets.up.sql", "CREATE TABLE widgets (id INTEGER PRIMARY KEY);\n");
  Write("0001_create_gadgets.down.sql", "DROP TABLE widgets;\n");
  Write("0002_more.up.sql", "CREATE TABLE more (id INTEGER);\n");
  EXPECT_THAT(States(), ElementsAre("1:conflict", "2:pending"));
  auto migrator = Open();
  const SchemaStatus status = migrator->Status();
  EXPECT_EQ(status.migrations[0].applied_name, "create_widgets");
  EXPECT_EQ(status.migrations[0].name, "create_gadgets");
  ASSERT_EQ(status.Problems().size(), 2u);
  EXPECT_THAT(status.Problems()[0], HasSubstr("was applied as 'create_widgets'"));
  EXPECT_THAT(status.Problems()[0], HasSubstr("give this set's migration a version above"));
  try {
    migrator->Up();
    ADD_FAILURE() << "up ran past a conflict";
  } catch (const SchemaError& e) {
    EXPECT_THAT(e.what(), HasSubstr("was applied as 'create_widgets'"));
  }
  EXPECT_THROW(migrator->Down(1), SchemaError);
  EXPECT_THROW(migrator->Validate(), SchemaError);
  const RepairResult repair = migrator->Repair();
  ASSERT_EQ(repair.actions.size(), 1u);
  EXPECT_THAT(repair.actions[0], HasSubstr("left as it is"));
  EXPECT_THAT(States(), ElementsAre("1:conflict", "2:pending")) << "repair changed nothing";
  EXPECT_EQ(db().QueryValue("SELECT name FROM strata_schema_migrations WHERE version = 1"),
            "create_widgets");
  EXPECT_THAT(Tables(), ElementsAre("widgets"));
  StoreOptions store = migration_options();
  try {
    Store::Open(store);
    ADD_FAILURE() << "a store opened on a conflicting schema";
  } catch (const SchemaError& e) {
    EXPECT_THAT(e.what(), Not(HasSubstr("--auto-migrate"))) << "auto-migrate cannot fix it";
  }
}

// A file of comments only is a deliberate placeholder (PostgreSQL's own
// version 5 is one): it is applied and recorded, and the progress line says
// that it ran nothing.
TEST_P(MigratorTest, ACommentOnlyFileIsAppliedAndSaysItRanNothing) {
  Write("0001_placeholder.up.sql", "-- nothing to do on this backend\n");
  std::vector<std::string> lines;
  MigratorOptions m;
  m.on_progress = [&](const MigrationEvent& e) {
    if (e.kind == MigrationEvent::Kind::kApplied) lines.push_back(DescribeEvent(e));
  };
  Open(std::move(m))->Up();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], HasSubstr("no statements, only comments"));
  EXPECT_THAT(States(), ElementsAre("1:applied"));
}

TEST_P(MigratorTest, StatusTellsEditedFromLineEndingsAndNamesMissingMigrations) {
  WriteThree();
  Open()->Up();
  // CRLF-only change: still applied.
  Write("0001_t1.up.sql", "CREATE TABLE t1 (id INTEGER PRIMARY KEY);\r\n");
  // A real edit: checksum_mismatch.
  Write("0002_t2.up.sql", "CREATE TABLE t2 (id INTEGER PRIMARY KEY, x INTEGER);\n");
  // A file that went away: missing.
  Remove("0003_t3.up.sql");
  Remove("0003_t3.down.sql");
  // A new one: pending.
  Write("0004_t4.up.sql", "CREATE TABLE t4 (id INTEGER);\n");
  EXPECT_THAT(States(), ElementsAre("1:applied", "2:checksum_mismatch", "3:missing", "4:pending"));

  auto migrator = Open();
  const SchemaStatus status = migrator->Status();
  EXPECT_FALSE(status.Ready());
  EXPECT_EQ(status.current_version, 3);
  EXPECT_EQ(status.pending, 1);
  EXPECT_EQ(status.migrations[2].name, "t3") << "missing rows keep their name";
  const std::vector<std::string> problems = status.Problems();
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_THAT(problems[0], HasSubstr("strata migrate repair"));
  EXPECT_THAT(problems[1], HasSubstr("not in this migration set"));
  EXPECT_THAT(problems[2], HasSubstr("strata migrate up"));
  EXPECT_THROW(migrator->Validate(), SchemaError);

  // up refuses to build on an edited or unknown history, and changes nothing.
  try {
    migrator->Up();
    FAIL() << "up on an edited ledger";
  } catch (const SchemaError& e) {
    EXPECT_THAT(e.what(), HasSubstr("0002_t2.up.sql"));
    EXPECT_THAT(e.what(), HasSubstr("3 t3"));
  }
  EXPECT_EQ(LedgerCount(), 3);

  const RepairResult repair = migrator->Repair();
  EXPECT_EQ(repair.actions.size(), 2u);
  EXPECT_THAT(States(), ElementsAre("1:applied", "2:applied", "4:pending"));
  EXPECT_EQ(migrator->Up().applied, (Versions{4}));
  EXPECT_TRUE(migrator->Validate().Ready());
  EXPECT_TRUE(migrator->Repair().actions.empty());
}

TEST_P(MigratorTest, AFailingMigrationIsRolledBackWholeAndNamesFileAndLine) {
  Write("0001_ok.up.sql", "CREATE TABLE ok (id INTEGER);\n");
  Write("0002_broken.up.sql",
        "-- creates a table, then fails\n"
        "CREATE TABLE half (id INTEGER);\n"
        "INSERT INTO half (id) VALUES (1);\n"
        "\n"
        "INSERT INTO no_such_table (id) VALUES (1);\n");
  auto migrator = Open();
  try {
    migrator->Up();
    FAIL() << "the broken migration applied";
  } catch (const MigrationError& e) {
    const std::string message = e.what();
    EXPECT_THAT(message, HasSubstr("migration 2 broken"));
    EXPECT_THAT(message, HasSubstr("0002_broken.up.sql:5"));
    EXPECT_THAT(message, HasSubstr("statement 3 of 3"));
    EXPECT_THAT(message, HasSubstr("no_such_table"));
    EXPECT_THAT(message, HasSubstr("rolled back"));
  }
  EXPECT_THAT(Tables(), ElementsAre("ok")) << "nothing of migration 2 is left";
  EXPECT_THAT(States(), ElementsAre("1:applied", "2:pending"));

  Write("0002_broken.up.sql", "CREATE TABLE half (id INTEGER);\n");
  EXPECT_EQ(Open()->Up().applied, (Versions{2}));
}

TEST_P(MigratorTest, EveryPendingFileIsCheckedBeforeTheFirstRuns) {
  Write("0001_fine.up.sql", "CREATE TABLE fine (id INTEGER);\n");
  Write("0002_own_tx.up.sql",
        "CREATE TABLE a (id INTEGER);\nBEGIN;\nCREATE TABLE b (id INTEGER);\nCOMMIT;\n");
  try {
    Open()->Up();
    FAIL() << "a transactional file with BEGIN ran";
  } catch (const SchemaError& e) {
    EXPECT_THAT(e.what(), HasSubstr("0002_own_tx.up.sql:2"));
  }
  EXPECT_TRUE(Tables().empty()) << "migration 1 must not run before 2 is checked";
  EXPECT_EQ(Open()->CheckFiles().size(), 1u);
}

TEST_P(MigratorTest, DownFilesAreCheckedByTheCommandsThatRunThemAndByValidate) {
  WriteThree();
  // VACUUM cannot run in a transaction on either backend.
  Write("0002_t2.down.sql", "DROP TABLE t2;\nVACUUM;\n");
  auto migrator = Open();
  EXPECT_EQ(migrator->Up().applied, (Versions{1, 2, 3})) << "up runs no down file";
  const std::vector<std::string> problems = migrator->CheckFiles();
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_THAT(problems[0], HasSubstr("0002_t2.down.sql:2"));
  EXPECT_THROW(migrator->Validate(), SchemaError);
  // Down checks every down file it will run before the first one runs.
  try {
    migrator->Down(2);
    FAIL() << "a transactional down file with VACUUM ran";
  } catch (const SchemaError& e) {
    EXPECT_THAT(e.what(), HasSubstr("0002_t2.down.sql:2"));
  }
  EXPECT_THAT(States(), ElementsAre("1:applied", "2:applied", "3:applied"));
  EXPECT_EQ(Tables().size(), 3u) << "t3 was not dropped before 2 was checked";
  // A down file removed after the set was opened (and before anything read
  // it): named when down needs it.
  migrator = Open();
  Remove("0003_t3.down.sql");
  try {
    migrator->Down(1);
    FAIL() << "an unreadable down file";
  } catch (const SchemaError& e) {
    EXPECT_THAT(e.what(), HasSubstr("cannot read migration file"));
    EXPECT_THAT(e.what(), HasSubstr("0003_t3.down.sql"));
  }
  EXPECT_EQ(migrator->CurrentVersion(), 3);
}

TEST_P(MigratorTest, StatementsThatCannotRunInATransactionNeedTheAnnotation) {
  const std::string create = "CREATE TABLE big (id INTEGER, name TEXT);\n";
  const std::string index =
      postgres() ? "CREATE INDEX CONCURRENTLY big_name ON big (name);\n" : "VACUUM;\n";
  Write("0001_big.up.sql", create);
  Write("0002_index.up.sql", index);
  try {
    Open()->Up();
    FAIL() << "refusal expected";
  } catch (const SchemaError& e) {
    EXPECT_THAT(e.what(), HasSubstr("0002_index.up.sql:1"));
    EXPECT_THAT(e.what(), HasSubstr("strata:no-transaction"));
  }
  EXPECT_TRUE(Tables().empty());

  Write("0002_index.up.sql", "-- strata:no-transaction\n" + index);
  EXPECT_EQ(Open()->Up().applied, (Versions{1, 2}));
  if (postgres()) {
    EXPECT_EQ(db().QueryValue("SELECT indisvalid::text FROM pg_index WHERE indexrelid = "
                              "'big_name'::regclass"),
              "true");
  }
  EXPECT_THAT(States(), ElementsAre("1:applied", "2:applied"));
}

TEST_P(MigratorTest, ANoTransactionFileThatFailsIsRecordedAndResumes) {
  Write("0001_steps.up.sql",
        "-- strata:no-transaction\n"
        "CREATE TABLE s1 (id INTEGER);\n"
        "CREATE TABLE s2 (id INTEGER);\n"
        "INSERT INTO missing_table VALUES (1);\n"
        "CREATE TABLE s4 (id INTEGER);\n");
  try {
    Open()->Up();
    FAIL() << "statement 3 should fail";
  } catch (const MigrationError& e) {
    EXPECT_THAT(e.what(), HasSubstr("0001_steps.up.sql:4"));
    EXPECT_THAT(e.what(), HasSubstr("recorded as failed"));
  }
  EXPECT_THAT(Tables(), ElementsAre("s1", "s2")) << "the statements before it stay";
  SchemaStatus status = Open()->Status();
  ASSERT_EQ(status.migrations.size(), 1u);
  EXPECT_EQ(status.migrations[0].state, MigrationState::kFailed);
  EXPECT_EQ(status.migrations[0].failed_statement, 3);
  EXPECT_THAT(status.migrations[0].error, HasSubstr("missing_table"));
  EXPECT_EQ(status.current_version, 0);
  EXPECT_FALSE(status.Ready());
  EXPECT_THROW(Open()->Down(), SchemaError);

  // Fixed: up resumes at statement 3 (re-running 1 and 2 would fail: the
  // tables exist).
  Write("0001_steps.up.sql",
        "-- strata:no-transaction\n"
        "CREATE TABLE s1 (id INTEGER);\n"
        "CREATE TABLE s2 (id INTEGER);\n"
        "CREATE TABLE s3 (id INTEGER);\n"
        "CREATE TABLE s4 (id INTEGER);\n");
  int resumed_at = 0;
  MigratorOptions m;
  m.on_progress = [&](const MigrationEvent& e) {
    if (e.kind == MigrationEvent::Kind::kResuming) resumed_at = e.statement;
  };
  EXPECT_EQ(Open(m)->Up().applied, (Versions{1}));
  EXPECT_EQ(resumed_at, 3);
  EXPECT_THAT(Tables(), ElementsAre("s1", "s2", "s3", "s4"));
  status = Open()->Status();
  EXPECT_TRUE(status.Ready());
  EXPECT_FALSE(status.migrations[0].failed_statement.has_value());
}

TEST_P(MigratorTest, RepairForgetsAFailedMigrationSoItStartsOver) {
  Write("0001_steps.up.sql",
        "-- strata:no-transaction\n"
        "CREATE TABLE IF NOT EXISTS r1 (id INTEGER);\n"
        "INSERT INTO nowhere VALUES (1);\n");
  EXPECT_THROW(Open()->Up(), MigrationError);
  const RepairResult repair = Open()->Repair();
  ASSERT_EQ(repair.actions.size(), 1u);
  EXPECT_THAT(repair.actions[0], HasSubstr("failed at statement 2"));
  EXPECT_THAT(States(), ElementsAre("1:pending"));
  Write("0001_steps.up.sql",
        "-- strata:no-transaction\n"
        "CREATE TABLE IF NOT EXISTS r1 (id INTEGER);\n"
        "CREATE TABLE r2 (id INTEGER);\n");
  EXPECT_EQ(Open()->Up().applied, (Versions{1}));
  EXPECT_THAT(Tables(), ElementsAre("r1", "r2"));
}

TEST_P(MigratorTest, ScriptsRunOnTheNativeHandleWithBodiesIntact) {
  if (postgres()) {
    // SOCI would rewrite :name and a[1:2] inside the body; the splitter must
    // not cut at the semicolons inside it.
    Write("0001_fn.up.sql",
          "CREATE TABLE items (id integer, doc text);\n"
          "CREATE FUNCTION label(x text) RETURNS text LANGUAGE plpgsql AS $body$\n"
          "DECLARE parts text[] := ARRAY['a;', ':name', 'c'];\n"
          "BEGIN\n"
          "  RETURN x || (parts[1:2])::text || E'\\';';\n"
          "END;\n"
          "$body$;\n"
          "INSERT INTO items VALUES (1, '{\"k\": \":v;\"}');\n");
    Open()->Up();
    EXPECT_EQ(db().QueryValue("SELECT label('z')"), "z{a;,:name}';");
    EXPECT_EQ(db().QueryValue("SELECT doc FROM items"), "{\"k\": \":v;\"}");
  } else {
    Write(
        "0001_trigger.up.sql",
        "CREATE TABLE items (id INTEGER PRIMARY KEY, doc TEXT, n INTEGER DEFAULT 0);\n"
        "CREATE TRIGGER items_count AFTER INSERT ON items BEGIN\n"
        "  UPDATE items SET n = CASE WHEN new.doc LIKE '%;%' THEN 2 ELSE 1 END WHERE id = new.id;\n"
        "  UPDATE items SET doc = doc || ':x;' WHERE id = new.id;\n"
        "END;\n"
        "INSERT INTO items (id, doc) VALUES (1, 'a;b');\n");
    Open()->Up();
    EXPECT_EQ(db().QueryValue("SELECT n || '|' || doc FROM items"), "2|a;b:x;");
  }
}

TEST_P(MigratorTest, APendingMigrationOlderThanTheAppliedOnesIsRefused) {
  Write("0002_later.up.sql", "CREATE TABLE later (id INTEGER);\n");
  Open()->Up();
  Write("0001_earlier.up.sql", "CREATE TABLE earlier (id INTEGER);\n");
  try {
    Open()->Up();
    FAIL() << "out-of-order migration applied";
  } catch (const SchemaError& e) {
    EXPECT_THAT(e.what(), HasSubstr("older than applied migration 2"));
  }
  EXPECT_THAT(Tables(), ElementsAre("later"));
}

TEST_P(MigratorTest, StatusOnAnUnmigratedDatabaseWritesNothing) {
  WriteThree();
  const SchemaStatus status = Open()->Status();
  EXPECT_EQ(status.pending, 3);
  EXPECT_EQ(status.current_version, 0);
  EXPECT_TRUE(db().Tables().empty()) << "status must not create the ledger";
}

TEST_P(MigratorTest, AnotherRunnerHoldingTheLockMakesUpWaitThenTimeOut) {
  WriteThree();
  // Hold the lock the way another runner would.
  std::unique_ptr<PGconn, decltype(&PQfinish)> holder(nullptr, &PQfinish);
  int lock_fd = -1;
  if (postgres()) {
    holder.reset(PQconnectdb(options().url.c_str()));
    ASSERT_EQ(PQstatus(holder.get()), CONNECTION_OK);
    PQclear(PQexec(holder.get(), "SELECT pg_advisory_lock(8319400174550056961)"));
  } else {
    lock_fd = open((options().url + "-migrate-lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    ASSERT_GE(lock_fd, 0);
    ASSERT_EQ(flock(lock_fd, LOCK_EX), 0);
  }
  bool waited = false;
  MigratorOptions m;
  m.lock_timeout = std::chrono::milliseconds(300);
  m.on_progress = [&](const MigrationEvent& e) {
    waited |= e.kind == MigrationEvent::Kind::kWaitingForLock;
  };
  try {
    Open(m)->Up();
    FAIL() << "up ran while another runner held the lock";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("migration lock"));
  }
  EXPECT_TRUE(waited);
  EXPECT_TRUE(Tables().empty());
  // Released: up proceeds.
  if (postgres()) {
    holder.reset();
  } else {
    close(lock_fd);
  }
  EXPECT_EQ(Open(m)->Up().applied, (Versions{1, 2, 3}));
}

// SQLite runs migrations with foreign keys off (table rebuilds must not fire
// ON DELETE actions) and checks them before commit; PostgreSQL enforces them.
TEST_P(MigratorTest, AMigrationThatBreaksForeignKeysIsRolledBack) {
  Write("0001_parent.up.sql",
        "CREATE TABLE parent (id INTEGER PRIMARY KEY);\n"
        "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id));\n");
  Write("0002_orphan.up.sql", "INSERT INTO child VALUES (1, 42);\n");
  Open()->Up(1);  // the next run learns of the foreign key from the schema
  try {
    Open()->Up();
    FAIL() << "an orphan row was committed";
  } catch (const MigrationError& e) {
    EXPECT_THAT(e.what(), HasSubstr("child"));
    EXPECT_THAT(e.what(), HasSubstr("0002_orphan.up.sql"));
  }
  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM child"), 0);
  EXPECT_THAT(States(), ElementsAre("1:applied", "2:pending"));
}

TEST_P(MigratorTest, AnInvalidSetIsASchemaErrorNamingTheFile) {
  Write("0001_a.up.sql", "SELECT 1;\n");
  Write("0001_b.up.sql", "SELECT 1;\n");
  try {
    Open();
    FAIL() << "duplicate version accepted";
  } catch (const SchemaError& e) {
    EXPECT_THAT(e.what(), HasSubstr("0001_b.up.sql"));
  }
}

TEST_P(MigratorTest, PrepareRefusesAnUnreadySchemaUnlessAutoMigrateIsOn) {
  WriteThree();
  try {
    Open()->Prepare();
    FAIL() << "an unmigrated schema was ready";
  } catch (const SchemaError& e) {
    EXPECT_THAT(e.what(), HasSubstr("1 t1 is pending: run 'strata migrate up'"));
    EXPECT_THAT(e.what(), HasSubstr("--auto-migrate"));
  }
  EXPECT_TRUE(db().Tables().empty()) << "without auto-migrate nothing is written";

  StoreOptions o = migration_options();
  o.auto_migrate = true;
  EXPECT_EQ(Migrator::Open(o)->Prepare().current_version, 3);
  EXPECT_THAT(Tables(), ElementsAre("t1", "t2", "t3"));
  EXPECT_TRUE(Open()->Prepare().Ready());

  Write("0002_t2.up.sql", "CREATE TABLE t2 (edited INTEGER);\n");
  try {
    Migrator::Open(o)->Prepare();
    FAIL() << "auto-migrate must not paper over an edited migration";
  } catch (const SchemaError& e) {
    EXPECT_THAT(e.what(), HasSubstr("was edited"));
  }
}

TEST_P(MigratorTest, WithoutAProgressCallbackEventsAndNoticesGoToTheLogger) {
  Write("0001_t1.up.sql", postgres() ? "CREATE TABLE t1 (id integer);\n"
                                       "DROP TABLE IF EXISTS not_there;\n"
                                       "DO $$ BEGIN RAISE WARNING 'careful with %', 't1'; END $$;\n"
                                     : "CREATE TABLE t1 (id INTEGER);\n");
  std::vector<std::pair<LogLevel, std::string>> lines;
  StoreOptions o = migration_options();
  o.logger = [&](LogLevel level, std::string_view message) {
    lines.emplace_back(level, std::string(message));
  };
  Migrator::Open(o)->Up();
  auto has = [&](LogLevel level, const std::string& start) {
    return std::any_of(lines.begin(), lines.end(), [&](const auto& l) {
      return l.first == level && l.second.starts_with(start);
    });
  };
  EXPECT_TRUE(has(LogLevel::kDebug, "migrate: applying 1 t1"));
  EXPECT_TRUE(has(LogLevel::kInfo, "migrate: applied 1 t1 in "));
  if (postgres()) {
    // Server notices reach the logger at their severity, never stderr.
    EXPECT_TRUE(
        has(LogLevel::kInfo, "PostgreSQL NOTICE: table \"not_there\" does not exist, skipping"));
    EXPECT_TRUE(has(LogLevel::kWarn, "PostgreSQL WARNING: careful with t1"));
  }
  for (const auto& [level, message] : lines) {
    if (level == LogLevel::kDebug && message.starts_with("prepared: ")) continue;  // SQL, not news
    EXPECT_THAT(message, Not(HasSubstr("strata_schema_migrations")))
        << "the engine's own IF NOT EXISTS is not news";
  }

  // A progress callback takes the events instead.
  lines.clear();
  MigratorOptions m;
  int events = 0;
  m.on_progress = [&](const MigrationEvent&) { ++events; };
  Write("0002_t2.up.sql", "CREATE TABLE t2 (id INTEGER);\n");
  Migrator::Open(o, m)->Up();
  EXPECT_EQ(events, 2);
  EXPECT_FALSE(has(LogLevel::kInfo, "migrate: applied 2"));
  for (const auto& [level, message] : lines) {
    if (level == LogLevel::kDebug && message.starts_with("prepared: ")) continue;  // SQL, not news
    EXPECT_THAT(message, Not(HasSubstr("strata_schema_migrations")))
        << "a second run's IF NOT EXISTS on the ledger is not news";
  }
}

STRATA_BACKEND_TEST_SUITE(MigratorTest);

}  // namespace
}  // namespace strata::testing
