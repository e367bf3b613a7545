#include "migrate/checksum.h"

#include <openssl/evp.h>

#include <stdexcept>

#include "base/ascii.h"

namespace strata::migrate {

namespace {

// Fetched once: EVP_sha256() makes every EVP_DigestInit_ex look the
// algorithm up again in OpenSSL 3's provider store.
const EVP_MD* Sha256Algorithm() {
  static const EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

}  // namespace

struct Sha256::Context {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), EVP_MD_CTX_free};
};

Sha256::Sha256() : context_(std::make_unique<Context>()) {
  if (!context_->ctx || Sha256Algorithm() == nullptr ||
      EVP_DigestInit_ex(context_->ctx.get(), Sha256Algorithm(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 is unavailable in OpenSSL");
  }
}

Sha256::~Sha256() = default;

void Sha256::Update(std::string_view bytes) {
  EVP_DigestUpdate(context_->ctx.get(), bytes.data(), bytes.size());
}

std::string Sha256::HexDigest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(context_->ctx.get(), digest, &length);
  return base::LowerHex(digest, length);
}

std::string MigrationChecksum(std::string_view up_sql) {
  Sha256 hash;
  // Feed the text in runs between CRs, dropping each CR that precedes an LF.
  std::size_t start = 0;
  while (start < up_sql.size()) {
    std::size_t cr = up_sql.find('\r', start);
    while (cr != std::string_view::npos && (cr + 1 >= up_sql.size() || up_sql[cr + 1] != '\n')) {
      cr = up_sql.find('\r', cr + 1);
    }
    const std::size_t end = cr == std::string_view::npos ? up_sql.size() : cr;
    hash.Update(up_sql.substr(start, end - start));
    start = end + (cr == std::string_view::npos ? 0 : 1);
  }
  return hash.HexDigest();
}

}  // namespace strata::migrate
