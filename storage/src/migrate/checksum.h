// The ledger's checksum of a migration (a contract): lowercase hex
// SHA-256 of the up file alone, with CRLF normalised to LF, so that a checkout
// with Windows line endings is not an "edited" migration.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace strata::migrate {

std::string MigrationChecksum(std::string_view up_sql);

// SHA-256 over any number of pieces (OpenSSL's), as lowercase hex.
class Sha256 {
 public:
  Sha256();  // std::runtime_error when OpenSSL has no SHA-256
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void Update(std::string_view bytes);
  // The digest of everything given so far; the hasher is spent.
  std::string HexDigest();

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

}  // namespace strata::migrate
