// Page tokens (storage/src/repositories/page_token.h): the signed keyset
// position that a client hands back for the next page.
//
// An input whose first byte is even is text, QUERY '\n' TOKEN, decoded under
// kSeedKey (the key of the seed tokens in the corpus); an odd first byte
// builds a key, query and position from the rest for the round trip.
//
// Invariants:
//  - Decode of any token either returns or throws InvalidArgumentError;
//  - Encode gives base64url text (no padding), and Decode of it with the same
//    key and query gives the same position back, unless the token is longer
//    than the 1024 characters Decode accepts (then InvalidArgumentError);
//  - the token with one character changed, or under another query or key,
//    is refused, or (when only unused bits of the last character changed)
//    gives the same position: never another one.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "repositories/page_token.h"
#include "strata/error.h"

namespace {

using strata::repositories::PagePosition;
using strata::repositories::PageTokens;

constexpr std::size_t kMaxTokenChars = 1024;  // page_token.cc
constexpr std::string_view kSeedKey =
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
constexpr std::string_view kBase64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::optional<PagePosition> TryDecode(const PageTokens& tokens, std::string_view query,
                                      std::string_view token) {
  try {
    return tokens.Decode(query, token);
  } catch (const strata::InvalidArgumentError&) {
    return std::nullopt;
  }
}

std::string_view WithoutTrailingZeros(std::string_view key) {
  while (!key.empty() && key.back() == '\0') key.remove_suffix(1);
  return key;
}

bool Same(const PagePosition& a, const PagePosition& b) {
  return a.created_at == b.created_at && a.id == b.id;
}

void CheckRoundTrip(FuzzedDataProvider& input, const PageTokens& tokens, const std::string& key) {
  const std::string query = input.ConsumeRandomLengthString(128);
  PagePosition position;
  position.created_at = input.ConsumeIntegral<std::int64_t>();
  position.id = input.ConsumeRandomLengthString(512);
  const std::string token = tokens.Encode(query, position);
  FUZZ_CHECK(token.find_first_not_of(kBase64Url) == std::string::npos);

  const std::optional<PagePosition> decoded = TryDecode(tokens, query, token);
  if (token.size() > kMaxTokenChars) {
    FUZZ_CHECK(!decoded);
    return;
  }
  FUZZ_CHECK(decoded && Same(*decoded, position));

  const std::string other_query = input.ConsumeRandomLengthString(128);
  if (other_query != query) FUZZ_CHECK(!TryDecode(tokens, other_query, token));
  // HMAC pads a key of up to 64 bytes with zeros: "k" and "k\0" are one key.
  const std::string other_key = input.ConsumeRandomLengthString(64);
  if (WithoutTrailingZeros(other_key) != WithoutTrailingZeros(key)) {
    FUZZ_CHECK(!TryDecode(PageTokens(other_key), query, token));
  }

  std::string altered = token;
  const std::size_t at = input.ConsumeIntegralInRange<std::size_t>(0, altered.size() - 1);
  const char replacement = input.ConsumeIntegral<char>();
  if (replacement == altered[at]) return;
  altered[at] = replacement;
  const std::optional<PagePosition> tampered = TryDecode(tokens, query, altered);
  FUZZ_CHECK(!tampered || Same(*tampered, position));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  if ((data[0] & 1) == 0) {
    // Text: QUERY '\n' TOKEN, under the key the seed tokens were made with.
    const std::string_view text = strata::fuzz::AsText(data + 1, size - 1);
    const std::size_t newline = std::min(text.find('\n'), text.size());
    const PageTokens tokens{std::string(kSeedKey)};
    TryDecode(tokens, text.substr(0, newline), text.substr(std::min(newline + 1, text.size())));
    return 0;
  }
  FuzzedDataProvider input(data + 1, size - 1);
  // Usually the shape of a real key (64 hex digits); any bytes will do for HMAC.
  const std::string key =
      input.ConsumeBool() ? std::string(kSeedKey) : input.ConsumeRandomLengthString(64);
  CheckRoundTrip(input, PageTokens(key), key);
  return 0;
}
