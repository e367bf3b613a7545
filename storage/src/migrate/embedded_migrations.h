// The migration files compiled into the library (cmake/EmbedMigrations.cmake
// generates the definition from migrations/<backend>/*.sql).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "strata/options.h"

namespace strata::migrate {

struct EmbeddedFile {
  std::string_view backend;  // "sqlite" or "postgres"
  std::string_view name;     // "0001_create_clusters.up.sql"
  std::string_view content;
};

std::span<const EmbeddedFile> EmbeddedMigrationFiles();

// The checksum an embedded up file had before an edit of its comments
// alone. Applied files are never edited in their statements; a comment may
// be reworded, and then its former checksum goes here, so that a database
// that applied the file before the edit still counts it as applied
// (Migration::former_checksums). An entry comes with the commit that edits
// the file, whose diff changes comment lines alone (ADR 0027);
// tests/migrate/upgrade_test.cc checks that a ledger row holding one is
// applied.
struct FormerChecksum {
  Backend backend;
  std::int64_t version;
  std::string_view checksum;
};

// Version 1's first comment line named a design document outside the
// repository until 2026-12-08.
inline constexpr FormerChecksum kFormerChecksums[] = {
    {Backend::kSqlite, 1, "b18c0ace323b4d91f5b1ba3145576f0fe4236bf4e1c42b3827f85436ce9f65ca"},
    {Backend::kPostgres, 1, "0560fabfd1f4958c9458effc46c966513437c325c9bbe626c39883b2e7cceac4"},
};

}  // namespace strata::migrate
