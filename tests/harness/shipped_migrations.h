// The shipped migration sets (migrations/sqlite, migrations/postgres): both
// carry the same versions, 1 to kShippedVersion. A new migration raises it.
#pragma once

#include <cstdint>

namespace strata::testing {

inline constexpr std::int64_t kShippedVersion = 10;

}  // namespace strata::testing
