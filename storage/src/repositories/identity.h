// The values the store derives for a new row: ids, ARNs and their defaults.
#pragma once

#include <string>
#include <string_view>

namespace strata::repositories {

inline constexpr const char* kDefaultRegion = "us-east-1";
inline constexpr const char* kDefaultAccount = "000000000000";

// `bytes` random bytes as lowercase hex, straight from OpenSSL's RAND_bytes:
// for keys. Error when the system's random source fails.
std::string RandomHex(std::size_t bytes);

// A new row's id: 16 random bytes as 32 lowercase hex digits. The bytes come
// from RAND_bytes a few hundred at a time, into a buffer of the calling
// thread's that a fork() empties in the child, so no two processes hand out
// the same id. Error when the system's random source fails.
std::string NewId();

// Whether a name-or-ARN argument is an ARN (names may not start "arn:").
inline bool IsArn(std::string_view value) { return value.starts_with("arn:"); }

// "arn:aws:ecs:{region}:{account}:{kind}/{path}".
std::string MakeArn(std::string_view region, std::string_view account, std::string_view kind,
                    std::string_view path);

}  // namespace strata::repositories
