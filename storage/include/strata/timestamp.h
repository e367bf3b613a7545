// Points in time as strata stores them: UTC, microsecond precision, the same
// on both backends.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace strata {

using Timestamp = std::chrono::sys_time<std::chrono::microseconds>;

// RFC 3339 in UTC with microseconds: "2026-11-21T09:30:00.000000Z".
std::string FormatTimestamp(Timestamp t);

// Parses what FormatTimestamp writes (the fraction may have 0 to 6 digits, and
// "+00:00" may stand for "Z"). Throws InvalidArgumentError otherwise.
Timestamp ParseTimestamp(std::string_view text);

// The current time, truncated to microseconds.
Timestamp Now();

}  // namespace strata
