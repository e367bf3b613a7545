// The ledger's checksum of a migration (a contract): lowercase hex
// SHA-256 of the up file alone, with CRLF normalised to LF, so that a checkout
// with Windows line endings is not an "edited" migration.
#pragma once

#include <string>
#include <string_view>

namespace strata::migrate {

std::string MigrationChecksum(std::string_view up_sql);

}  // namespace strata::migrate
