// The versions of the database libraries strata is built with.
#include <libpq-fe.h>
#include <soci/version.h>
#include <sqlite3.h>

#include <string>

#include "strata/version.h"

namespace strata {

const char* LibraryVersion() { return kVersion; }

std::string DependencyVersions() {
  const int pq = PQlibVersion();  // e.g. 150008 for 15.8
  const std::string soci = std::to_string(SOCI_VERSION / 100000) + "." +
                           std::to_string(SOCI_VERSION / 100 % 1000) + "." +
                           std::to_string(SOCI_VERSION % 100);
  return "SOCI " + soci + ", SQLite " + sqlite3_libversion() + ", libpq " +
         std::to_string(pq / 10000) + "." + std::to_string(pq % 100);
}

}  // namespace strata
