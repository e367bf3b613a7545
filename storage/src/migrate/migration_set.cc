#include "migrate/migration_set.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>

#include "migrate/checksum.h"
#include "migrate/embedded_migrations.h"
#include "strata/error.h"
#include "strata/options.h"

namespace strata::migrate {
namespace {

constexpr std::string_view kUpSuffix = ".up.sql";
constexpr std::string_view kDownSuffix = ".down.sql";

[[noreturn]] void BadName(std::string_view file_name, const std::string& why) {
  throw SchemaError("migration file '" + std::string(file_name) + "': " + why +
                    " (expected <version>_<name>.up.sql or .down.sql, version a positive "
                    "integer, name of a-z, 0-9 and _)");
}

// The first line, without a trailing CR, decides the annotation.
bool IsTransactional(std::string_view sql) {
  std::string_view first = sql.substr(0, sql.find('\n'));
  if (first.ends_with('\r')) first.remove_suffix(1);
  while (!first.empty() && (first.back() == ' ' || first.back() == '\t')) first.remove_suffix(1);
  return first != kNoTransactionAnnotation;
}

}  // namespace

std::optional<std::chrono::milliseconds> LockTimeoutAnnotation(const std::string& file,
                                                               std::string_view sql) {
  std::optional<std::chrono::milliseconds> timeout;
  for (std::size_t at = 0; at < sql.size();) {
    const std::size_t end = std::min(sql.find('\n', at), sql.size());
    std::string_view line = sql.substr(at, end - at);
    at = end + 1;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
      line.remove_suffix(1);
    }
    if (!line.starts_with(kLockTimeoutAnnotation)) continue;
    std::string_view value = line.substr(kLockTimeoutAnnotation.size());
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
      value.remove_prefix(1);
    }
    try {
      timeout = ParseDuration(kLockTimeoutAnnotation, value, std::chrono::milliseconds(0),
                              std::chrono::hours(24), /*unit_required=*/true);
    } catch (const InvalidArgumentError& e) {
      throw SchemaError("migration file '" + file + "': " + e.what() +
                        " (for example '-- strata:lock-timeout 30s'; 0s waits without limit)");
    }
  }
  return timeout;
}

namespace {

// The whole file, usually in one read(2) sized by fstat (a quarter of an
// ifstream's cost per file, which counts with thousands of files); nullopt
// with errno. A regular file's read returns less than asked only at its end,
// so asking for one byte more than fstat's size finds the end in that read.
std::optional<std::string> ReadFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct stat info {};
  std::string content;
  if (::fstat(fd, &info) == 0) content.resize(static_cast<std::size_t>(info.st_size) + 1);
  std::size_t size = 0;
  while (true) {
    if (size == content.size()) content.resize(size + 4096);  // grew since fstat
    const std::size_t asked = content.size() - size;
    const ssize_t n = ::read(fd, content.data() + size, asked);
    if (n < 0 && errno == EINTR) continue;
    if (n > 0 && static_cast<std::size_t>(n) < asked && S_ISREG(info.st_mode)) {
      size += static_cast<std::size_t>(n);
      ::close(fd);
      content.resize(size);
      return content;
    }
    if (n <= 0) {
      const int saved = errno;
      ::close(fd);
      if (n < 0) {
        errno = saved;
        return std::nullopt;
      }
      content.resize(size);
      return content;
    }
    size += static_cast<std::size_t>(n);
  }
}

}  // namespace

std::string ReadMigrationFile(const std::string& path) {
  std::optional<std::string> content = ReadFile(path);
  if (!content) {
    throw SchemaError("cannot read migration file '" + path + "': " + std::strerror(errno));
  }
  return std::move(*content);
}

const std::string& Migration::down_sql() const {
  if (!down_text) down_text = ReadMigrationFile(down_path);
  return *down_text;
}

bool Migration::down_transactional() const { return !down_file || IsTransactional(down_sql()); }

ParsedFileName ParseMigrationFileName(std::string_view file_name) {
  ParsedFileName parsed;
  std::string_view stem;
  if (file_name.ends_with(kUpSuffix)) {
    stem = file_name.substr(0, file_name.size() - kUpSuffix.size());
  } else if (file_name.ends_with(kDownSuffix)) {
    stem = file_name.substr(0, file_name.size() - kDownSuffix.size());
    parsed.up = false;
  } else {
    BadName(file_name, "it ends in neither .up.sql nor .down.sql");
  }
  const std::size_t underscore = stem.find('_');
  if (underscore == std::string_view::npos || underscore == 0) {
    BadName(file_name, "no version before the first '_'");
  }
  const std::string_view digits = stem.substr(0, underscore);
  const auto [end, ec] =
      std::from_chars(digits.data(), digits.data() + digits.size(), parsed.version);
  if (ec == std::errc::result_out_of_range) BadName(file_name, "the version is too large");
  if (ec != std::errc() || end != digits.data() + digits.size() || parsed.version <= 0) {
    BadName(file_name, "the version '" + std::string(digits) + "' is not a positive integer");
  }
  parsed.name = stem.substr(underscore + 1);
  if (parsed.name.empty()) BadName(file_name, "the name is empty");
  const bool valid = std::all_of(parsed.name.begin(), parsed.name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
  if (!valid)
    BadName(file_name, "the name '" + parsed.name + "' has characters other than a-z, 0-9 and _");
  return parsed;
}

std::vector<Migration> BuildMigrationSet(const std::vector<MigrationFile>& files,
                                         const std::string& origin) {
  std::map<std::int64_t, Migration> ups;
  std::vector<std::pair<ParsedFileName, const MigrationFile*>> downs;
  for (const MigrationFile& file : files) {
    if (!file.file_name.ends_with(".sql")) continue;
    const std::string path = origin + "/" + file.file_name;
    ParsedFileName parsed;
    try {
      parsed = ParseMigrationFileName(file.file_name);
    } catch (const SchemaError& e) {
      throw SchemaError(origin + ": " + e.what());
    }
    if (!parsed.up) {
      downs.emplace_back(parsed, &file);
      continue;
    }
    auto [it, inserted] = ups.try_emplace(parsed.version);
    if (!inserted) {
      throw SchemaError("duplicate migration version " + std::to_string(parsed.version) + ": " +
                        it->second.up_file + " and " + path + "; give one of them a new version");
    }
    if (file.content.find_first_not_of(" \t\r\n") == std::string::npos) {
      throw SchemaError("migration file '" + path +
                        "' is empty: write its SQL, or remove the file (a version that "
                        "deliberately does nothing may hold just a comment)");
    }
    Migration& m = it->second;
    m.version = parsed.version;
    m.name = parsed.name;
    m.up_file = path;
    m.up_sql = file.content;
    m.checksum = MigrationChecksum(file.content);
    m.transactional = IsTransactional(file.content);
    m.lock_timeout = LockTimeoutAnnotation(path, file.content);
  }
  for (const auto& [parsed, file] : downs) {
    const std::string path = origin + "/" + file->file_name;
    auto it = ups.find(parsed.version);
    if (it == ups.end()) {
      const std::string stem =
          file->file_name.substr(0, file->file_name.size() - kDownSuffix.size());
      throw SchemaError("migration file '" + path + "' is a down without an up: add " + stem +
                        std::string(kUpSuffix) + " or remove it");
    }
    if (it->second.name != parsed.name) {
      throw SchemaError("migration files '" + it->second.up_file + "' and '" + path +
                        "' share version " + std::to_string(parsed.version) +
                        " but not a name; rename one");
    }
    if (it->second.down_file) {
      throw SchemaError("duplicate down migration " + path);
    }
    it->second.down_file = path;
    if (file->unread_path.empty()) {
      it->second.down_text = file->content;
    } else {
      it->second.down_path = file->unread_path;
    }
  }
  std::vector<Migration> set;
  set.reserve(ups.size());
  for (auto& [version, migration] : ups) set.push_back(std::move(migration));
  return set;
}

std::vector<Migration> LoadMigrationDirectory(const std::string& root, Backend backend) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(root) / std::string(BackendName(backend));
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw SchemaError("migrations directory '" + dir.string() +
                      "' does not exist: --migrations-dir names a root holding sqlite/ and "
                      "postgres/ directories");
  }
  std::vector<MigrationFile> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file()) continue;
    MigrationFile file{entry.path().filename().string(), "", entry.path().string()};
    if (file.file_name.ends_with(kUpSuffix)) {
      file.content = ReadMigrationFile(file.unread_path);
      file.unread_path.clear();
    }
    files.push_back(std::move(file));
  }
  if (ec) throw SchemaError("cannot list '" + dir.string() + "': " + ec.message());
  return BuildMigrationSet(files, dir.string());
}

std::vector<Migration> EmbeddedMigrations(Backend backend) {
  std::vector<MigrationFile> files;
  for (const EmbeddedFile& file : EmbeddedMigrationFiles()) {
    if (file.backend == BackendName(backend)) {
      files.push_back({std::string(file.name), std::string(file.content)});
    }
  }
  std::vector<Migration> set =
      BuildMigrationSet(files, "embedded:migrations/" + std::string(BackendName(backend)));
  for (const FormerChecksum& former : kFormerChecksums) {
    for (Migration& m : set) {
      if (former.backend == backend && former.version == m.version) {
        m.former_checksums.push_back(former.checksum);
      }
    }
  }
  return set;
}

std::vector<Migration> LoadMigrations(const StoreOptions& options) {
  if (options.migrations_dir.empty()) return EmbeddedMigrations(options.backend);
  return LoadMigrationDirectory(options.migrations_dir, options.backend);
}

}  // namespace strata::migrate
