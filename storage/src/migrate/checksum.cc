#include "migrate/checksum.h"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

namespace strata::migrate {

namespace {

// Fetched once: EVP_sha256() makes every EVP_DigestInit_ex look the
// algorithm up again in OpenSSL 3's provider store.
const EVP_MD* Sha256() {
  static const EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

}  // namespace

std::string MigrationChecksum(std::string_view up_sql) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || Sha256() == nullptr || EVP_DigestInit_ex(ctx.get(), Sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 is unavailable in OpenSSL");
  }
  // Feed the text in runs between CRs, dropping each CR that precedes an LF.
  std::size_t start = 0;
  while (start < up_sql.size()) {
    std::size_t cr = up_sql.find('\r', start);
    while (cr != std::string_view::npos && (cr + 1 >= up_sql.size() || up_sql[cr + 1] != '\n')) {
      cr = up_sql.find('\r', cr + 1);
    }
    const std::size_t end = cr == std::string_view::npos ? up_sql.size() : cr;
    EVP_DigestUpdate(ctx.get(), up_sql.data() + start, end - start);
    start = end + (cr == std::string_view::npos ? 0 : 1);
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xf];
  }
  return hex;
}

}  // namespace strata::migrate
