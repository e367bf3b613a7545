#include "strata/timestamp.h"

#include <cstdio>

#include "strata/error.h"

namespace strata {

std::string FormatTimestamp(Timestamp t) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day date{day};
  const hh_mm_ss time{t - day};
  const int year = static_cast<int>(date.year());
  if (year < 0 || year > 9999) {
    // Outside RFC 3339's four digits: written as it comes, never parsed back.
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%d-%02u-%02uT%02d:%02d:%02d.%06lldZ", year,
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                  static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                  static_cast<int>(time.seconds().count()),
                  static_cast<long long>(time.subseconds().count()));
    return buffer;
  }
  // Digits written in place: every stored row has several timestamps, and
  // snprintf's format parsing was most of their cost.
  std::string text = "0000-00-00T00:00:00.000000Z";
  const auto put = [&](std::size_t pos, std::size_t width, long long value) {
    for (std::size_t i = pos + width; i-- > pos; value /= 10) {
      text[i] = static_cast<char>('0' + value % 10);
    }
  };
  put(0, 4, year);
  put(5, 2, static_cast<unsigned>(date.month()));
  put(8, 2, static_cast<unsigned>(date.day()));
  put(11, 2, time.hours().count());
  put(14, 2, time.minutes().count());
  put(17, 2, time.seconds().count());
  put(20, 6, time.subseconds().count());
  return text;
}

Timestamp ParseTimestamp(std::string_view text) {
  const auto fail = [&]() -> Timestamp {
    throw InvalidArgumentError("timestamp is not RFC 3339 UTC (2026-01-02T03:04:05.000006Z)");
  };
  // YYYY-MM-DDTHH:MM:SS
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != ' ') || text[13] != ':' || text[16] != ':') {
    return fail();
  }
  const auto number = [&](std::size_t pos, std::size_t len) {
    int value = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (text[i] < '0' || text[i] > '9') fail();
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  const int year = number(0, 4), month = number(5, 2), day = number(8, 2);
  const int hour = number(11, 2), minute = number(14, 2), second = number(17, 2);
  std::size_t pos = 19;
  long long micros = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits++ >= 6) return fail();
      micros = micros * 10 + (text[pos++] - '0');
    }
    if (digits == 0) return fail();
    for (; digits < 6; ++digits) micros *= 10;
  }
  const std::string_view zone = text.substr(pos);
  if (zone != "Z" && zone != "+00:00" && zone != "+00") return fail();
  const std::chrono::year_month_day date{std::chrono::year(year),
                                         std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok() || hour > 23 || minute > 59 || second > 60) return fail();
  return std::chrono::sys_days(date) + std::chrono::hours(hour) + std::chrono::minutes(minute) +
         std::chrono::seconds(second) + std::chrono::microseconds(micros);
}

Timestamp Now() {
  return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}

}  // namespace strata
