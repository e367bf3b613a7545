#include "strata/timestamp.h"

#include <gtest/gtest.h>

#include "strata/error.h"

namespace strata {
namespace {

TEST(TimestampTest, FormatsRfc3339UtcWithMicroseconds) {
  const Timestamp t = std::chrono::sys_days(std::chrono::year(2026) / 11 / 21) +
                      std::chrono::hours(9) + std::chrono::minutes(30) + std::chrono::seconds(5) +
                      std::chrono::microseconds(42);
  EXPECT_EQ(FormatTimestamp(t), "2026-11-21T09:30:05.000042Z");
  EXPECT_EQ(ParseTimestamp(FormatTimestamp(t)), t);
  EXPECT_EQ(FormatTimestamp(Timestamp{}), "1970-01-01T00:00:00.000000Z");
}

TEST(TimestampTest, ParsesShorterFractionsAndUtcOffsets) {
  const Timestamp t = ParseTimestamp("2026-11-21T09:30:05.5Z");
  EXPECT_EQ(FormatTimestamp(t), "2026-11-21T09:30:05.500000Z");
  EXPECT_EQ(ParseTimestamp("2026-11-21 09:30:05+00:00"), ParseTimestamp("2026-11-21T09:30:05Z"));
  const Timestamp now = Now();
  EXPECT_EQ(ParseTimestamp(FormatTimestamp(now)), now);
}

TEST(TimestampTest, RejectsWhatItDoesNotWrite) {
  for (const char* bad :
       {"", "2026-11-21", "2026-11-21T09:30:05", "2026-11-21T09:30:05+02:00",
        "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-21T25:00:00Z",
        "2026-11-21T09:30:05.1234567Z", "2026-11-21T09:30:05.Z", "2026-1x-21T09:30:05Z"}) {
    EXPECT_THROW(ParseTimestamp(bad), InvalidArgumentError) << bad;
  }
}

}  // namespace
}  // namespace strata
