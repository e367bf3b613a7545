#include "repositories/page_token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>

#include "repositories/identity.h"
#include "strata/error.h"

namespace strata::repositories {
namespace {

constexpr std::size_t kMacBytes = 16;
constexpr std::size_t kMaxTokenChars = 1024;
constexpr char kVersion = 1;

[[noreturn]] void BadToken() {
  throw InvalidArgumentError(
      "invalid page token: pass the next_token of the previous page of the same list (same "
      "cluster and filters), or none for the first page");
}

std::string Base64Url(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return out;
}

std::string FromBase64Url(std::string_view text) {
  std::string in(text);
  for (char& c : in) {
    if (c == '-') {
      c = '+';
    } else if (c == '_') {
      c = '/';
    } else if (c == '+' || c == '/' || c == '=') {
      BadToken();
    }
  }
  const std::size_t pad = (4 - in.size() % 4) % 4;
  if (pad == 3) BadToken();
  in.append(pad, '=');
  std::string out(3 * in.size() / 4, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()),
                                static_cast<int>(in.size()));
  if (n < 0) BadToken();
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

}  // namespace

std::string PageTokens::Mac(std::string_view query, std::string_view payload) const {
  std::string message(query);
  message += '\0';
  message += payload;
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac.data(), &length);
  return std::string(reinterpret_cast<const char*>(mac.data()), kMacBytes);
}

std::string PageTokens::Encode(std::string_view query, const PagePosition& position) const {
  std::string payload(1, kVersion);
  const auto value = static_cast<std::uint64_t>(position.created_at);
  for (int shift = 56; shift >= 0; shift -= 8) {
    payload += static_cast<char>((value >> shift) & 0xff);
  }
  payload += position.id;
  return Base64Url(payload + Mac(query, payload));
}

PagePosition PageTokens::Decode(std::string_view query, std::string_view token) const {
  if (token.size() > kMaxTokenChars) BadToken();
  const std::string bytes = FromBase64Url(token);
  if (bytes.size() < 1 + 8 + kMacBytes || bytes[0] != kVersion) BadToken();
  const std::string payload = bytes.substr(0, bytes.size() - kMacBytes);
  const std::string mac = bytes.substr(bytes.size() - kMacBytes);
  if (CRYPTO_memcmp(mac.data(), Mac(query, payload).data(), kMacBytes) != 0) BadToken();
  std::uint64_t value = 0;
  for (int i = 1; i <= 8; ++i) value = (value << 8) | static_cast<unsigned char>(payload[i]);
  return {static_cast<std::int64_t>(value), payload.substr(9)};
}

std::string PageTokens::NewKey() { return RandomHex(32); }

}  // namespace strata::repositories
