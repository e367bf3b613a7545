// Migration file names and sets (storage/src/migrate/migration_set.h).
//
// The input is text, one file per line: NAME (its script is then "SELECT 1;"),
// or NAME '\t' CONTENT (a one-line script, so that "-- strata:no-transaction"
// can be its first line). At most 16 files.
//
// Invariants:
//  - ParseMigrationFileName returns or throws SchemaError; a name it accepts
//    has a positive version, a name of [a-z0-9_]+, and parses the same again
//    when written canonically (the version without leading zeros);
//  - BuildMigrationSet returns or throws SchemaError; it refuses a set unless
//    every ".sql" file name parses, no version has two up files or two down
//    files, and every down file has an up file of the same version and name;
//    it accepts such a set when every up file holds more than whitespace and
//    every "-- strata:lock-timeout" line in it names a duration from 0 to 24h
//    with its unit;
//  - the set it returns is sorted by version, one migration per up file, with
//    that file's script, checksum and lock timeout (the last annotation's), and
//    the down file's script when there is one.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "migrate/checksum.h"
#include "migrate/migration_set.h"
#include "strata/error.h"
#include "strata/options.h"

namespace {

using strata::migrate::MigrationFile;
using strata::migrate::ParsedFileName;

constexpr std::size_t kMaxFiles = 16;

std::optional<ParsedFileName> TryParse(std::string_view file_name) {
  try {
    return strata::migrate::ParseMigrationFileName(file_name);
  } catch (const strata::SchemaError&) {
    return std::nullopt;
  }
}

std::optional<ParsedFileName> CheckName(std::string_view file_name) {
  const std::optional<ParsedFileName> parsed = TryParse(file_name);
  if (!parsed) return parsed;
  FUZZ_CHECK(parsed->version > 0 && !parsed->name.empty());
  FUZZ_CHECK(std::all_of(parsed->name.begin(), parsed->name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  }));
  FUZZ_CHECK(file_name.ends_with(parsed->up ? ".up.sql" : ".down.sql"));
  const std::string canonical =
      std::to_string(parsed->version) + "_" + parsed->name + (parsed->up ? ".up.sql" : ".down.sql");
  const std::optional<ParsedFileName> again = TryParse(canonical);
  FUZZ_CHECK(again && again->version == parsed->version && again->name == parsed->name &&
             again->up == parsed->up);
  return parsed;
}

std::vector<MigrationFile> ReadFiles(std::string_view text) {
  std::vector<MigrationFile> files;
  while (!text.empty() && files.size() < kMaxFiles) {
    const std::size_t end = std::min(text.find('\n'), text.size());
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    const std::size_t tab = std::min(line.find('\t'), line.size());
    MigrationFile file;
    file.file_name = line.substr(0, tab);
    file.content = tab < line.size() ? line.substr(tab + 1) : "SELECT 1;";
    files.push_back(std::move(file));
  }
  return files;
}

// Whether `files` follow the naming rules above.
bool ShouldAccept(const std::vector<MigrationFile>& files) {
  std::map<std::int64_t, std::string> ups;
  std::vector<ParsedFileName> downs;
  for (const MigrationFile& file : files) {
    if (!file.file_name.ends_with(".sql")) continue;
    const std::optional<ParsedFileName> parsed = CheckName(file.file_name);
    if (!parsed) return false;
    if (!parsed->up) {
      downs.push_back(*parsed);
    } else if (!ups.emplace(parsed->version, parsed->name).second) {
      return false;
    }
  }
  std::map<std::int64_t, int> downs_per_version;
  for (const ParsedFileName& down : downs) {
    auto up = ups.find(down.version);
    if (up == ups.end() || up->second != down.name) return false;
    if (++downs_per_version[down.version] > 1) return false;
  }
  return true;
}

// Whether every up file holds more than whitespace (one that does not may be
// refused as empty).
bool EveryUpFileHoldsText(const std::vector<MigrationFile>& files) {
  return std::all_of(files.begin(), files.end(), [](const MigrationFile& file) {
    return !file.file_name.ends_with(".up.sql") ||
           file.content.find_first_not_of(" \t\r\n") != std::string::npos;
  });
}

// The lock timeout the up file's annotation lines set (the last one wins),
// nullopt without one; false when a line's value is not a duration from 0 to
// 24h with its unit. A line is one that starts with the annotation once its
// trailing blanks and carriage return are cut.
std::optional<std::optional<std::chrono::milliseconds>> ExpectedLockTimeout(
    std::string_view content) {
  constexpr std::string_view kAnnotation = "-- strata:lock-timeout";
  std::optional<std::chrono::milliseconds> timeout;
  while (!content.empty()) {
    const std::size_t end = std::min(content.find('\n'), content.size());
    std::string_view line = content.substr(0, end);
    content.remove_prefix(std::min(end + 1, content.size()));
    const std::size_t last = line.find_last_not_of(" \t\r");
    line = last == std::string_view::npos ? std::string_view() : line.substr(0, last + 1);
    if (!line.starts_with(kAnnotation)) continue;
    std::string_view value = line.substr(kAnnotation.size());
    value.remove_prefix(std::min(value.find_first_not_of(" \t"), value.size()));
    try {
      timeout = strata::ParseDuration("lock timeout", value, std::chrono::milliseconds(0),
                                      std::chrono::hours(24), /*unit_required=*/true);
    } catch (const strata::InvalidArgumentError&) {
      return std::nullopt;
    }
    FUZZ_CHECK(*timeout >= std::chrono::milliseconds(0) && *timeout <= std::chrono::hours(24));
  }
  return timeout;
}

bool EveryLockTimeoutParses(const std::vector<MigrationFile>& files) {
  return std::all_of(files.begin(), files.end(), [](const MigrationFile& file) {
    return !file.file_name.ends_with(".up.sql") || ExpectedLockTimeout(file.content).has_value();
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::vector<MigrationFile> files = ReadFiles(strata::fuzz::AsText(data, size));
  for (const MigrationFile& file : files) CheckName(file.file_name);

  std::optional<std::vector<strata::migrate::Migration>> set;
  try {
    set = strata::migrate::BuildMigrationSet(files, "fuzz");
  } catch (const strata::SchemaError&) {
  }
  const bool follows_rules = ShouldAccept(files);
  if (!follows_rules) FUZZ_CHECK(!set);
  if (follows_rules && EveryUpFileHoldsText(files) && EveryLockTimeoutParses(files)) {
    FUZZ_CHECK(set);
  }
  if (!set) return 0;

  std::size_t ups = 0;
  std::size_t downs = 0;
  for (const MigrationFile& file : files) {
    const std::optional<ParsedFileName> parsed =
        file.file_name.ends_with(".sql") ? TryParse(file.file_name) : std::nullopt;
    if (!parsed) continue;
    auto m = std::find_if(set->begin(), set->end(), [&](const auto& migration) {
      return migration.version == parsed->version;
    });
    FUZZ_CHECK(m != set->end() && m->name == parsed->name);
    if (parsed->up) {
      ++ups;
      FUZZ_CHECK(m->up_sql == file.content && m->up_file == "fuzz/" + file.file_name);
      FUZZ_CHECK(m->checksum == strata::migrate::MigrationChecksum(file.content));
      const auto expected_timeout = ExpectedLockTimeout(file.content);
      FUZZ_CHECK(expected_timeout && *expected_timeout == m->lock_timeout);
    } else {
      ++downs;
      FUZZ_CHECK(m->down_file == "fuzz/" + file.file_name && m->down_sql() == file.content);
    }
  }
  FUZZ_CHECK(set->size() == ups);
  FUZZ_CHECK(static_cast<std::size_t>(std::count_if(set->begin(), set->end(), [](const auto& m) {
               return m.down_file.has_value();
             })) == downs);
  FUZZ_CHECK(std::is_sorted(set->begin(), set->end(),
                            [](const auto& a, const auto& b) { return a.version < b.version; }));
  return 0;
}
