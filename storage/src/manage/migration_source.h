// Where the sidecar reads its migration set: the embedded one, or a directory
// that may be a mounted ConfigMap. Kubernetes' atomic writer publishes each
// version of a ConfigMap as a hidden `..<timestamp>` directory and swaps the
// `..data` symlink to it; the visible names are symlinks through `..data`.
// Reading through readlink(..data) once gives one version's files, never a
// mix of two.
#pragma once

#include <string>
#include <vector>

#include "migrate/migration_set.h"
#include "strata/options.h"

namespace strata::manage {

// One read of the set: the hash of its files' names and contents (what
// decides whether anything changed), and the files themselves.
struct SetSnapshot {
  std::string hash;  // lowercase hex SHA-256; "embedded" sets hash their contents too
  Backend backend = Backend::kSqlite;
  std::string directory;  // the directory read ("" for the embedded set)
  std::vector<migrate::MigrationFile> files;
};

// The directories to watch for `root`'s set: `root` itself and
// root/<backend>. Empty when `root` is empty (the embedded set).
std::vector<std::string> WatchedDirectories(const std::string& root, Backend backend);

// Reads the backend's set under `root`, or the embedded set when `root` is
// empty. Resolves `..data` in root or in root/<backend>, so the files come
// from one published version. Skips names that start with "..", and files
// that are not regular (after symlinks). Throws SchemaError when the
// directory is missing or a file cannot be read.
SetSnapshot ReadSet(const std::string& root, Backend backend);

// The set in `snapshot`, validated; SchemaError as BuildMigrationSet.
std::vector<migrate::Migration> BuildSet(const SetSnapshot& snapshot);

}  // namespace strata::manage
