// Keyset page tokens: the (created_at, id) of the last row of a page, signed
// with HMAC-SHA256 under a key kept in the database (strata_settings), so a
// token is opaque, cannot be altered, is valid only for the query that made
// it, and is accepted by every store on the same database.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

struct evp_mac_ctx_st;

namespace strata::repositories {

struct PagePosition {
  std::int64_t created_at = 0;  // microseconds
  std::string id;
};

class PageTokens {
 public:
  // Error when OpenSSL cannot set up HMAC-SHA256 under `key`.
  explicit PageTokens(const std::string& key);
  ~PageTokens();
  PageTokens(const PageTokens&) = delete;
  PageTokens& operator=(const PageTokens&) = delete;

  // `query` identifies the list: entity, cluster and filter values.
  std::string Encode(std::string_view query, const PagePosition& position) const;
  // InvalidArgumentError when the token was not made by Encode with this key
  // and query.
  PagePosition Decode(std::string_view query, std::string_view token) const;

  // 32 random bytes, hex: a new key.
  static std::string NewKey();

 private:
  struct FreeMac {
    void operator()(evp_mac_ctx_st* mac) const;
  };
  using MacPtr = std::unique_ptr<evp_mac_ctx_st, FreeMac>;

  std::string Mac(std::string_view query, std::string_view payload) const;

  // The key is set up once, in `keyed_` (HMAC's inner and outer digests of
  // it). A MAC is computed in a copy of it, which is kept in `idle_` for the
  // next call: re-initialised without a key, a copy only resets its digests.
  MacPtr keyed_;
  mutable std::mutex mutex_;
  mutable std::vector<MacPtr> idle_;
};

}  // namespace strata::repositories
