// PageTokens: a token decodes to the position it was made from, only for the
// query and key that made it, and its format (HMAC-SHA256 of query, NUL and
// payload, cut to 16 bytes) is the one earlier versions issued.
#include "repositories/page_token.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "strata/error.h"

namespace strata::repositories {
namespace {

constexpr const char* kKey = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
constexpr const char* kQuery = "tasks in c1, service web, RUNNING";

TEST(PageTokenTest, ATokenDecodesToItsPosition) {
  const PageTokens tokens(kKey);
  const PagePosition position{1'700'000'000'123'456, "0123456789abcdef0123456789abcdef"};
  const PagePosition back = tokens.Decode(kQuery, tokens.Encode(kQuery, position));
  EXPECT_EQ(back.created_at, position.created_at);
  EXPECT_EQ(back.id, position.id);
}

TEST(PageTokenTest, ATokenOfAnEarlierVersionIsStillAccepted) {
  // Made outside strata: base64url(payload + HMAC-SHA256(key, query "\0"
  // payload)[:16]), payload = version 1, created_at big-endian, id.
  const std::string earlier =
      "AQAGCiQYICJAMDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWYJEHH8NdmgAJCQA-ytlfDJ";
  const PageTokens tokens(kKey);
  EXPECT_EQ(tokens.Encode(kQuery, {1'700'000'000'123'456, "0123456789abcdef0123456789abcdef"}),
            earlier);
  EXPECT_EQ(tokens.Decode(kQuery, earlier).created_at, 1'700'000'000'123'456);
}

TEST(PageTokenTest, ATokenIsRefusedForAnotherQueryKeyOrAnyChange) {
  const PageTokens tokens(kKey);
  const std::string token = tokens.Encode(kQuery, {42, "abc"});
  EXPECT_THROW(tokens.Decode("tasks in c1, service web, STOPPED", token), InvalidArgumentError);
  EXPECT_THROW(PageTokens(std::string(kKey) + "0").Decode(kQuery, token), InvalidArgumentError);
  // Each character changed in the top bit of its six: the last character's
  // low bits may be padding, which decodes to the same bytes.
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (std::size_t i = 0; i < token.size(); ++i) {
    std::string changed = token;
    changed[i] = alphabet[alphabet.find(token[i]) ^ 32];
    EXPECT_THROW(tokens.Decode(kQuery, changed), InvalidArgumentError) << "character " << i;
  }
}

TEST(PageTokenTest, ThreadsSharingTheTokensGetTheSameTokens) {
  const PageTokens tokens(kKey);
  const std::string expected = tokens.Encode(kQuery, {7, "seven"});
  std::vector<std::thread> threads;
  std::vector<int> wrong(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const std::string token = tokens.Encode(kQuery, {7, "seven"});
        if (token != expected || tokens.Decode(kQuery, token).id != "seven") ++wrong[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(wrong, std::vector<int>(8, 0));
}

}  // namespace
}  // namespace strata::repositories
