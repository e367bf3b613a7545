#include "manage/migration_source.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "migrate/checksum.h"
#include "strata/error.h"

namespace strata::manage {
namespace {

namespace fs = std::filesystem;

// `dir`/..data's target, resolved against `dir`, when `dir` holds one.
std::string ThroughData(const std::string& dir) {
  char target[4096];
  const std::string link = dir + "/..data";
  const ssize_t n = readlink(link.c_str(), target, sizeof target - 1);
  if (n <= 0) return dir;
  const std::string name(target, static_cast<std::size_t>(n));
  return name.starts_with("/") ? name : dir + "/" + name;
}

}  // namespace

std::vector<std::string> WatchedDirectories(const std::string& root, Backend backend) {
  if (root.empty()) return {};
  return {root, root + "/" + std::string(BackendName(backend))};
}

SetSnapshot ReadSet(const std::string& root, Backend backend) {
  SetSnapshot snapshot;
  snapshot.backend = backend;
  if (root.empty()) {
    migrate::Sha256 hash;
    for (const migrate::Migration& m : migrate::EmbeddedMigrations(backend)) {
      hash.Update(m.up_file);
      hash.Update(m.checksum);
    }
    snapshot.hash = hash.HexDigest();
    return snapshot;
  }
  const std::string backend_name(BackendName(backend));
  // A ConfigMap mounted at root (items with paths "postgres/...") or at
  // root/<backend>: either may hold ..data.
  const std::string set_dir = ThroughData(ThroughData(root) + "/" + backend_name);
  std::error_code ec;
  if (!fs::is_directory(set_dir, ec)) {
    throw SchemaError("migrations directory '" + root + "/" + backend_name +
                      "' does not exist: --migrations-dir names a root holding sqlite/ and "
                      "postgres/ directories");
  }
  std::vector<fs::path> paths;
  for (const fs::directory_entry& entry : fs::directory_iterator(set_dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("..") || !entry.is_regular_file(ec)) continue;
    paths.push_back(entry.path());
  }
  if (ec) throw SchemaError("cannot list '" + set_dir + "': " + ec.message());
  std::sort(paths.begin(), paths.end());
  migrate::Sha256 hash;
  for (const fs::path& path : paths) {
    migrate::MigrationFile file{path.filename().string(),
                                migrate::ReadMigrationFile(path.string())};
    // Length-prefixed, so that no two different sets hash the same bytes.
    hash.Update(std::to_string(file.file_name.size()) + ":" + file.file_name +
                std::to_string(file.content.size()) + ":");
    hash.Update(file.content);
    snapshot.files.push_back(std::move(file));
  }
  snapshot.hash = hash.HexDigest();
  snapshot.directory = set_dir;
  return snapshot;
}

std::vector<migrate::Migration> BuildSet(const SetSnapshot& snapshot) {
  if (snapshot.directory.empty()) return migrate::EmbeddedMigrations(snapshot.backend);
  return migrate::BuildMigrationSet(snapshot.files, snapshot.directory);
}

}  // namespace strata::manage
