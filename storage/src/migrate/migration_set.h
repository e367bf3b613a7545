// A backend's migration set: the versioned up/down scripts, checked as a whole
// before anything runs (docs/migrations.md).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "strata/options.h"

namespace strata::migrate {

struct Migration {
  std::int64_t version = 0;
  std::string name;     // [a-z0-9_]+
  std::string up_file;  // where it came from, for messages
  std::string up_sql;
  std::string checksum;  // of the up file, CRLF normalised
  // Checksums an embedded up file had before an edit of its comments alone
  // (kFormerChecksums): a ledger row with one of them is applied, not
  // edited. Empty for a directory's files.
  std::vector<std::string_view> former_checksums;
  bool transactional = true;  // false: first line "-- strata:no-transaction"
  // A line "-- strata:lock-timeout 30s": how long each of the up file's
  // statements waits for a table lock on PostgreSQL (0: no limit), in
  // place of MigratorOptions::statement_lock_timeout.
  std::optional<std::chrono::milliseconds> lock_timeout;
  std::optional<std::string> down_file;  // set when the set has a down file

  // The down file's text. A directory's down files are read on first use
  // (down, redo, reset, validate), so that `up` reads only the files it runs.
  // Requires down_file; throws SchemaError when the file cannot be read.
  const std::string& down_sql() const;
  // Whether the down file runs in a transaction (true without a down file).
  bool down_transactional() const;

  // Where down_sql() reads from when down_text is not yet known.
  std::string down_path;
  mutable std::optional<std::string> down_text;
};

// One file of a set before validation: its name and content, or where to
// read the content on first use (`unread_path`, for a directory's down file).
struct MigrationFile {
  std::string file_name;  // "0001_create_clusters.up.sql"
  std::string content;
  std::string unread_path = {};
};

struct ParsedFileName {
  std::int64_t version = 0;
  std::string name;
  bool up = true;
};

// "0001_create_clusters.up.sql" -> {1, "create_clusters", up}. Throws
// SchemaError naming the file and the rule it breaks.
ParsedFileName ParseMigrationFileName(std::string_view file_name);

// Validates a set and sorts it by version. `origin` ("migrations/sqlite",
// "embedded sqlite set") prefixes file names in errors. Throws SchemaError for
// a malformed name, a duplicate version, an up and down whose names differ, or
// a down without an up. Files not ending in ".sql" are ignored (READMEs).
std::vector<Migration> BuildMigrationSet(const std::vector<MigrationFile>& files,
                                         const std::string& origin);

// The whole file; SchemaError naming it when it cannot be read.
std::string ReadMigrationFile(const std::string& path);

// DIR/sqlite or DIR/postgres. Reads the up files; down files
// are read when first needed. Throws SchemaError when the directory is
// missing or an up file cannot be read.
std::vector<Migration> LoadMigrationDirectory(const std::string& root, Backend backend);

// The set compiled into the library from migrations/<backend>/.
std::vector<Migration> EmbeddedMigrations(Backend backend);

// The set StoreOptions select: migrations_dir when given, else the embedded one.
std::vector<Migration> LoadMigrations(const StoreOptions& options);

inline constexpr std::string_view kNoTransactionAnnotation = "-- strata:no-transaction";
inline constexpr std::string_view kLockTimeoutAnnotation = "-- strata:lock-timeout";

// The duration of a "-- strata:lock-timeout <duration>" line of `sql`, if
// any (the last one counts); SchemaError naming `file` for a bad value.
std::optional<std::chrono::milliseconds> LockTimeoutAnnotation(const std::string& file,
                                                               std::string_view sql);

}  // namespace strata::migrate
