// Keyset page tokens: the (created_at, id) of the last row of a page, signed
// with HMAC-SHA256 under a key kept in the database (strata_settings), so a
// token is opaque, cannot be altered, is valid only for the query that made
// it, and is accepted by every store on the same database.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace strata::repositories {

struct PagePosition {
  std::int64_t created_at = 0;  // microseconds
  std::string id;
};

class PageTokens {
 public:
  explicit PageTokens(std::string key) : key_(std::move(key)) {}

  // `query` identifies the list: entity, cluster and filter values.
  std::string Encode(std::string_view query, const PagePosition& position) const;
  // InvalidArgumentError when the token was not made by Encode with this key
  // and query.
  PagePosition Decode(std::string_view query, std::string_view token) const;

  // 32 random bytes, hex: a new key.
  static std::string NewKey();

 private:
  std::string Mac(std::string_view query, std::string_view payload) const;
  std::string key_;
};

}  // namespace strata::repositories
