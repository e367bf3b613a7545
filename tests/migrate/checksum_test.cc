#include "migrate/checksum.h"

#include <gtest/gtest.h>

namespace strata::migrate {
namespace {

TEST(ChecksumTest, IsLowercaseHexSha256) {
  // FIPS 180-2 test vectors.
  EXPECT_EQ(MigrationChecksum(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(MigrationChecksum("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(ChecksumTest, CrlfCountsAsLf) {
  EXPECT_EQ(MigrationChecksum("CREATE TABLE a (x int);\r\nCREATE TABLE b (y int);\r\n"),
            MigrationChecksum("CREATE TABLE a (x int);\nCREATE TABLE b (y int);\n"));
  EXPECT_EQ(MigrationChecksum("\r\n\r\n"), MigrationChecksum("\n\n"));
}

TEST(ChecksumTest, LoneCarriageReturnsAndEditsAreChanges) {
  EXPECT_NE(MigrationChecksum("a\rb"), MigrationChecksum("ab"));
  EXPECT_NE(MigrationChecksum("a\r"), MigrationChecksum("a"));
  // Only the CR of a CRLF pair goes: "a\r\r\n" is "a\r\n" after normalising, not "a\n".
  EXPECT_NE(MigrationChecksum("a\r\r\n"), MigrationChecksum("a\n"));
  EXPECT_NE(MigrationChecksum("CREATE TABLE a (x int);"),
            MigrationChecksum("CREATE TABLE a (x bigint);"));
}

}  // namespace
}  // namespace strata::migrate
