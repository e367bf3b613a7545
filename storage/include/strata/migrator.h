// The migration engine: applies, reverts and reports the backend's versioned
// migration set (docs/migrations.md).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "strata/options.h"
#include "strata/timestamp.h"

namespace strata {

enum class MigrationState {
  kApplied,           // in the ledger, file unchanged
  kPending,           // in the set, not in the ledger
  kChecksumMismatch,  // in the ledger, but the up file was edited after it was applied
  kMissing,           // in the ledger, not in the set
  kFailed,            // a no-transaction migration stopped part way (or was killed)
  kConflict,          // the ledger's row for this version carries another name: the database
                      // applied a different migration under it (another set, or two branches
                      // that both took the version). Neither edit nor repair can fix it.
};

// "applied", "pending", "checksum_mismatch", "missing", "failed", "conflict".
std::string_view MigrationStateName(MigrationState state);

struct MigrationStatus {
  std::int64_t version = 0;
  std::string name;
  MigrationState state = MigrationState::kPending;
  std::string file;              // the up file ("" when missing)
  std::string checksum;          // of the up file; the ledger's when missing
  std::string applied_checksum;  // the ledger's ("" when pending)
  std::string applied_name;      // the ledger's ("" when pending); differs from name in kConflict
  std::optional<Timestamp> applied_at;
  std::optional<double> duration_ms;
  // kFailed: the 1-based statement that failed or was running; the ones
  // before it were applied. `error` is the database's message ("" if killed).
  std::optional<int> failed_statement;
  std::string error;
  bool has_down = false;
  bool transactional = true;
};

struct SchemaStatus {
  Backend backend = Backend::kSqlite;
  std::int64_t current_version = 0;  // the highest applied version, 0 for none
  int pending = 0;
  std::vector<MigrationStatus> migrations;  // by version

  // True when every migration is applied and unedited: what Store::Open needs.
  bool Ready() const;
  // True when every migration is applied or pending: all that is wrong, if
  // anything, is what `up` applies.
  bool OnlyPending() const;
  // One line per migration that is not applied, naming the command that fixes
  // it; empty when Ready().
  std::vector<std::string> Problems() const;
};

// What up, down, redo and reset did.
struct MigrationResult {
  std::vector<std::int64_t> applied;
  std::vector<std::int64_t> reverted;
  std::int64_t current_version = 0;
};

// The status and every problem that keeps the schema from serving: what
// `strata migrate validate` prints.
struct SchemaReport {
  SchemaStatus status;
  // SchemaStatus::Problems() followed by Migrator::CheckFiles(); empty when
  // the schema is ready and every file valid.
  std::vector<std::string> problems;
};

// What Migrator::Verify found, on a scratch database: the versions that
// round-trip (their down restored the schema from before their up, and
// their up applied again gave the schema of the first apply), newest first,
// and the first problem, where verification stopped.
struct VerifyResult {
  struct Problem {
    enum class Kind {
      kNoDownFile,      // it cannot be reverted
      kDownDiffers,     // after its down, the schema is not the one before its up
      kUpAgainDiffers,  // applied again after its down, the schema is not the first apply's
    };
    Kind kind = Kind::kNoDownFile;
    std::int64_t version = 0;
    std::string name;
    // The first object that differs, as "index tasks_by_family" or
    // "column tasks.note" ("" for kNoDownFile), with its definition as it
    // should be and as it is ("" when absent).
    std::string object, expected, found;
  };
  std::vector<std::int64_t> verified;
  std::optional<Problem> problem;
  bool ok() const { return !problem.has_value(); }
  // One line: "every migration round-trips (12 verified)" or the problem,
  // naming the version, the object and both definitions.
  std::string Describe() const;
};

// A statement `strata migrate lint` reports (docs/migrations.md lists the
// rules): what it would do to a live database, and the safe rewrite.
struct LintFinding {
  std::string rule;  // "pg-create-index-blocking"
  std::int64_t version = 0;
  std::string name;
  std::string file;
  int line = 0;
  std::string lock;  // the lock it takes and what that blocks
  std::string why;
  std::string fix;
  // One line: "file:line: rule: why (lock); fix; silence with
  // '-- strata:lint-ignore rule'".
  std::string Describe() const;
};

// What repair changed, one line each ("3 add_index: recorded the edited checksum").
struct RepairResult {
  std::vector<std::string> actions;
};

// Progress, for the CLI's stderr lines and for applications' logs.
struct MigrationEvent {
  enum class Kind {
    kCreatedDatabase,  // PostgreSQL: the target database did not exist
    kWaitingForLock,   // another runner holds the migration lock
    kApplying,
    kApplied,
    kReverting,
    kReverted,
    kResuming,  // a failed no-transaction migration continues at `statement`
    // PostgreSQL: a statement of the migration waited longer than its lock
    // timeout for a table lock, so the migration was rolled back; it runs
    // again after `duration` (attempt `statement` of 1 + lock_retries).
    kLockTimeout,
  };
  Kind kind = Kind::kApplying;
  std::int64_t version = 0;
  std::string name;
  std::chrono::microseconds duration{0};  // kApplied, kReverted
  int statement = 0;                      // kResuming; kLockTimeout: the attempt
  bool no_statements = false;  // kApplied: the up file holds only comments (a placeholder)
  // kCreatedDatabase: the database; kWaitingForLock: who holds the lock, as
  // Migrator::LockHolder says it ("" when not known); kLockTimeout: the
  // sessions that held table locks in long transactions (pid, user,
  // application, transaction age, tables and lock modes; never their SQL).
  std::string detail;
};

// One line for people: "applied 3 create_tasks in 1.2 ms"; a file with no
// statements says so ("... in 0.1 ms: no statements, only comments").
std::string DescribeEvent(const MigrationEvent& event);

struct MigratorOptions {
  // How long up/down/redo/reset/repair wait for another runner to finish.
  std::chrono::milliseconds lock_timeout{std::chrono::minutes(10)};
  // PostgreSQL: up creates the target database when it does not exist.
  bool create_database = true;
  // PostgreSQL: how long each statement of a migration (up or down) may wait
  // for a table lock (the lock_timeout setting) before the migration is
  // rolled back: while an ALTER waits behind a long transaction, every
  // query on that table queues behind the ALTER, so the wait is the outage.
  // A file's "-- strata:lock-timeout 30s" line sets its own; zero waits
  // without limit. SQLite has no table locks: its statements wait for the
  // database's write lock up to `lock_timeout` (the busy timeout), and
  // readers are never blocked by a migration (WAL).
  std::chrono::milliseconds statement_lock_timeout{std::chrono::seconds(5)};
  // How many times a transactional migration rolled back on a lock timeout
  // runs again, after 0.5 s, 1 s, 2 s, ... (at most 10 s), before up fails
  // with a MigrationError naming the sessions that held locks. A
  // no-transaction file is not run again (its statements before the failed
  // one stay applied): it fails at once, recorded as failed, and `up`
  // resumes it at that statement.
  int lock_retries = 5;
  // Empty: each event goes to StoreOptions::logger instead, as
  // "migrate: " + DescribeEvent(event) (waiting at warn; created, applied,
  // reverted and resuming at info; applying and reverting at debug).
  std::function<void(const MigrationEvent&)> on_progress;
};

// A Migrator owns one connection: use it from one thread at a time.
//
// Errors every method that reaches the database may throw, besides the ones
// it names: ConnectionError when the database cannot be reached or the
// connection is lost (naming the redacted target), MigrationError when the
// ledger cannot be read or written, Error when the migration lock is not
// free within MigratorOptions::lock_timeout or SQLite stays locked.
class Migrator {
 public:
  // Loads and checks the migration set: SchemaError when it is invalid (a
  // bad file name, a duplicate version, a down without an up, a missing
  // directory); InvalidArgumentError for invalid options. From a directory
  // it reads the up files; down files are read when a command first needs
  // them (down, redo, reset, CheckFiles, Validate). Connects on first use,
  // so that up can create a missing PostgreSQL database.
  static std::unique_ptr<Migrator> Open(const StoreOptions& options,
                                        MigratorOptions migrator_options = {});
  virtual ~Migrator() = default;

  // Applies pending migrations in version order, up to and including `to`,
  // under the migration lock. Every pending file is checked before the first
  // runs (down files are not: down and Validate check them). SchemaError
  // when the ledger has edited or unknown migrations, a pending migration is
  // older than the newest applied one, or a file holds a statement its mode
  // cannot run; MigrationError naming version, file and line when one fails
  // (the ones before it stay applied).
  virtual MigrationResult Up(std::optional<std::int64_t> to = std::nullopt) = 0;
  // Reverts the `steps` most recent migrations with their down files, under
  // the lock. InvalidArgumentError when `steps` < 1; SchemaError when one of
  // them has no down file, is missing from the set, failed or was edited;
  // MigrationError as Up.
  virtual MigrationResult Down(int steps = 1) = 0;
  // Reverts every migration above `version` (0: all of them); as Down.
  // InvalidArgumentError when `version` < 0.
  virtual MigrationResult DownTo(std::int64_t version) = 0;
  // Reverts and re-applies the most recent migration; as Down and Up.
  // SchemaError when no migration is applied.
  virtual MigrationResult Redo() = 0;
  // Reverts every migration: DownTo(0).
  virtual MigrationResult Reset() = 0;

  // The set beside the ledger, in one query; takes no lock and writes nothing.
  virtual SchemaStatus Status() = 0;
  // Status().current_version.
  virtual std::int64_t CurrentVersion() = 0;
  // Checks every file of the set without touching the database: statements a
  // transactional file may not hold, down files that cannot be read. One
  // line per problem, naming file and line; throws nothing.
  virtual std::vector<std::string> CheckFiles() const = 0;
  // Status() and every problem: its Problems() and CheckFiles().
  virtual SchemaReport Check() = 0;
  // Check(), throwing SchemaError naming every problem and its fix unless
  // there is none.
  virtual SchemaStatus Validate() = 0;
  // What Store::Open does before it serves: with StoreOptions::auto_migrate,
  // Up() under the lock; then one ledger query. SchemaError naming every
  // pending, edited, unknown or failed migration and the command that fixes
  // it, unless the schema is ready.
  virtual SchemaStatus Prepare() = 0;
  // Who holds the migration lock now, for people: PostgreSQL names the
  // holder's backend pid and user, and (when this role may see them) its
  // client address, application and connection time;
  // SQLite what the holder wrote into the lock file (pid, host, since when).
  // "" when nobody holds it. Takes no lock.
  virtual std::string LockHolder() = 0;
  // Connects now, as up does: PostgreSQL creates a missing target database
  // (MigratorOptions::create_database); SQLite creates a missing file, never
  // its directory. Errors as every method that reaches the database.
  virtual void Connect() = 0;
  // The one method that may be called from another thread while a call
  // runs, e.g. from a signal handler's thread: stops that call and every
  // later one. A wait for the lock ends, no further migration starts, and
  // the statement running now is interrupted (PostgreSQL's cancel request,
  // sqlite3_interrupt), so that its migration rolls back (a no-transaction
  // file is recorded as failed at that statement, for the next up to
  // resume). The call then throws strata::Error saying it was cancelled.
  virtual void Cancel() = 0;
  // Under the lock: accepts edited files (records their new checksums), and
  // forgets failed and missing migrations so that up runs them again or
  // ignores them. A name conflict is left as it is (the database holds
  // another migration's schema under that version) and reported in the
  // result: renumber one of the two migrations instead.
  virtual RepairResult Repair() = 0;
  // Checks that every migration (up to `to`) can be reverted and applied
  // again, on a scratch database that is dropped afterwards (SQLite: in
  // memory; PostgreSQL: a new database on the same server, so the role
  // needs CREATEDB): applies them all, recording the schema before and
  // after each, then from the newest down reverts each, compares the schema
  // with the one before it, applies it again, compares with the one after
  // it, and reverts it. The database this migrator serves is not touched.
  // Compared: tables, columns (type, NOT NULL, default), indexes,
  // constraints, triggers, views, and on PostgreSQL functions and
  // sequences. MigrationError when a file fails to run; SchemaError for an
  // invalid file.
  virtual VerifyResult Verify(std::optional<std::int64_t> to = std::nullopt) = 0;
  // The lint findings of the pending migrations' up files (all of them when
  // `all`, without reading the database), in version order.
  virtual std::vector<LintFinding> Lint(bool all = false) = 0;
};

// The `strata migrate status --output json` document (docs/cli.md): backend,
// current_version, pending and one object per migration. 2-space indent.
std::string FormatStatusJson(const SchemaStatus& status);

// Writes the next version's up and down files, named `name`, into both
// ROOT/sqlite and ROOT/postgres (created if needed); returns their paths.
// Throws InvalidArgumentError for a bad name, SchemaError when a file exists.
std::vector<std::string> CreateMigrationFiles(const std::string& root, std::string_view name);

}  // namespace strata
