// The migration files compiled into the library (cmake/EmbedMigrations.cmake
// generates the definition from migrations/<backend>/*.sql).
#pragma once

#include <span>
#include <string_view>

namespace strata::migrate {

struct EmbeddedFile {
  std::string_view backend;  // "sqlite" or "postgres"
  std::string_view name;     // "0001_create_clusters.up.sql"
  std::string_view content;
};

std::span<const EmbeddedFile> EmbeddedMigrationFiles();

}  // namespace strata::migrate
