#include "repositories/page_token.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

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

PageTokens::PageTokens(const std::string& key) {
  const std::unique_ptr<EVP_MAC, decltype(&EVP_MAC_free)> hmac(
      EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr), &EVP_MAC_free);
  if (hmac) keyed_.reset(EVP_MAC_CTX_new(hmac.get()));
  char digest[] = OSSL_DIGEST_NAME_SHA2_256;
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                               OSSL_PARAM_END};
  if (!keyed_ || EVP_MAC_init(keyed_.get(), reinterpret_cast<const unsigned char*>(key.data()),
                              key.size(), params) != 1) {
    throw Error(
        "OpenSSL could not set up HMAC-SHA256 for page tokens: check libcrypto's providers");
  }
}

PageTokens::~PageTokens() = default;

void PageTokens::FreeMac::operator()(evp_mac_ctx_st* mac) const { EVP_MAC_CTX_free(mac); }

std::string PageTokens::Mac(std::string_view query, std::string_view payload) const {
  MacPtr mac;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      mac = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (!mac) mac.reset(EVP_MAC_CTX_dup(keyed_.get()));
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  std::size_t length = 0;
  const auto update = [&](std::string_view bytes) {
    return EVP_MAC_update(mac.get(), reinterpret_cast<const unsigned char*>(bytes.data()),
                          bytes.size()) == 1;
  };
  if (!mac || EVP_MAC_init(mac.get(), nullptr, 0, nullptr) != 1 || !update(query) ||
      !update(std::string_view("\0", 1)) || !update(payload) ||
      EVP_MAC_final(mac.get(), out.data(), &length, out.size()) != 1 || length < kMacBytes) {
    throw Error("OpenSSL failed to compute a page token's HMAC-SHA256");
  }
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    idle_.push_back(std::move(mac));
  }
  return std::string(reinterpret_cast<const char*>(out.data()), kMacBytes);
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
