#include "repositories/identity.h"

#include <openssl/rand.h>

#include <vector>

#include "strata/error.h"

namespace strata::repositories {

std::string RandomHex(std::size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) {
    throw Error("the system's random source failed (OpenSSL RAND_bytes)");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * bytes);
  for (const unsigned char b : raw) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

std::string MakeArn(std::string_view region, std::string_view account, std::string_view kind,
                    std::string_view path) {
  std::string arn = "arn:aws:ecs:";
  arn += region;
  arn += ':';
  arn += account;
  arn += ':';
  arn += kind;
  arn += '/';
  arn += path;
  return arn;
}

}  // namespace strata::repositories
