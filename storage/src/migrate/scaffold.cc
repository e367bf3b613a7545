// `strata migrate create NAME`: the next version's files in both backend sets.
#include <filesystem>
#include <fstream>
#include <regex>

#include "migrate/migration_set.h"
#include "strata/error.h"
#include "strata/migrator.h"

namespace strata {

std::vector<std::string> CreateMigrationFiles(const std::string& root, std::string_view name) {
  static const std::regex kName("[a-z0-9_]{1,100}");
  if (!std::regex_match(name.begin(), name.end(), kName)) {
    throw InvalidArgumentError(
        "migration name '" + std::string(name) +
        "' must be 1-100 characters of a-z, 0-9 and _ (e.g. add_task_index)");
  }
  namespace fs = std::filesystem;
  std::int64_t last = 0;
  std::size_t width = 4;
  for (const Backend backend : {Backend::kSqlite, Backend::kPostgres}) {
    const fs::path dir = fs::path(root) / BackendName(backend);
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    for (const auto& entry : fs::directory_iterator(dir)) {
      const std::string file = entry.path().filename().string();
      if (!file.ends_with(".sql")) continue;
      const migrate::ParsedFileName parsed = migrate::ParseMigrationFileName(file);
      if (parsed.name == name) {
        throw SchemaError("a migration named '" + std::string(name) +
                          "' already exists: " + (dir / file).string() + "; pick another name");
      }
      if (parsed.version > last) {
        last = parsed.version;
        width = file.find('_');
      }
    }
  }
  std::string version = std::to_string(last + 1);
  if (version.size() < width) version.insert(0, width - version.size(), '0');
  std::vector<std::string> written;
  for (const Backend backend : {Backend::kSqlite, Backend::kPostgres}) {
    const fs::path dir = fs::path(root) / BackendName(backend);
    fs::create_directories(dir);
    for (const char* direction : {"up", "down"}) {
      const fs::path path = dir / (version + "_" + std::string(name) + "." + direction + ".sql");
      std::ofstream out(path, std::ios::binary);
      const bool up = direction[0] == 'u';
      out << "-- " << version << " " << name << " (" << BackendName(backend) << ", " << direction
          << ")\n"
          << (up ? "-- Runs in one transaction with its ledger row. To run it statement by\n"
                   "-- statement instead (CREATE INDEX CONCURRENTLY, VACUUM), make its first\n"
                   "-- line the annotation 'strata:no-transaction' after two dashes.\n"
                 : "-- Undoes the up file; `strata migrate down` runs it.\n");
      if (!out) throw Error("cannot write " + path.string());
      written.push_back(path.string());
    }
  }
  return written;
}

}  // namespace strata
