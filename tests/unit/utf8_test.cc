// base::InvalidUtf8At: the first byte of invalid UTF-8, wherever the ASCII
// fast path (eight bytes at a time) hands over to the byte-wise check.
#include "base/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace strata::base {
namespace {

TEST(Utf8Test, ValidTextOfEveryLengthAroundTheEightByteStep) {
  for (std::size_t n = 0; n <= 20; ++n) {
    EXPECT_EQ(InvalidUtf8At(std::string(n, 'a')), std::nullopt) << n;
    EXPECT_EQ(InvalidUtf8At(std::string(n, 'a') + "\xc3\xa9" + std::string(n, 'b')), std::nullopt)
        << n;
  }
}

TEST(Utf8Test, FindsTheFirstInvalidByteAtEveryOffset) {
  for (std::size_t n = 0; n <= 20; ++n) {
    EXPECT_EQ(InvalidUtf8At(std::string(n, 'a') + "\xff" + "tail"), n) << n;
    EXPECT_EQ(InvalidUtf8At(std::string(n, 'a') + "\xc3"), n) << "truncated at " << n;
    EXPECT_EQ(InvalidUtf8At(std::string(n, 'a') + "\xc3\xa9\xed\xa0\x80"), n + 2)
        << "a surrogate after a valid character at " << n;
  }
}

}  // namespace
}  // namespace strata::base
