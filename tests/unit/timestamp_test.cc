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

TEST(TimestampTest, FormatsEveryFieldAcrossCalendarEdges) {
  using namespace std::chrono;
  const auto at = [](year_month_day date, int h, int m, int s, int us) {
    return Timestamp{sys_days(date) + hours(h) + minutes(m) + seconds(s) + microseconds(us)};
  };
  EXPECT_EQ(FormatTimestamp(at(year(1999) / 12 / 31, 23, 59, 59, 999'999)),
            "1999-12-31T23:59:59.999999Z");
  EXPECT_EQ(FormatTimestamp(at(year(2024) / 2 / 29, 0, 0, 0, 1)), "2024-02-29T00:00:00.000001Z");
  EXPECT_EQ(FormatTimestamp(at(year(1969) / 7 / 20, 20, 17, 40, 120'000)),
            "1969-07-20T20:17:40.120000Z")
      << "before the epoch";
  EXPECT_EQ(FormatTimestamp(at(year(9999) / 12 / 31, 12, 0, 0, 0)), "9999-12-31T12:00:00.000000Z");
  for (const Timestamp t : {at(year(2000) / 3 / 1, 1, 2, 3, 4), at(year(1900) / 2 / 28, 5, 6, 7, 8),
                            at(year(1) / 1 / 1, 0, 0, 0, 0)}) {
    EXPECT_EQ(ParseTimestamp(FormatTimestamp(t)), t) << FormatTimestamp(t);
  }
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
