// Input checks that run before any SQL, and the values the store derives:
// ids, ARNs, a task definition's family.
#pragma once

#include <string>
#include <string_view>

#include "strata/entities.h"

namespace strata::repositories {

inline constexpr std::size_t kMaxNameBytes = 255;
inline constexpr std::size_t kMaxTextBytes = 64 * 1024;
inline constexpr std::size_t kMaxJsonBytes = 1024 * 1024;
inline constexpr const char* kDefaultRegion = "us-east-1";
inline constexpr const char* kDefaultAccount = "000000000000";

// `bytes` random bytes as lowercase hex (OpenSSL's RAND_bytes).
std::string RandomHex(std::size_t bytes);

// A cluster or service name: 1..255 bytes, no control characters, no '/'
// (it would break the ARN), not starting with "arn:" (so that name-or-ARN
// arguments are never ambiguous). Quotes, spaces, % and _ are fine.
void CheckName(std::string_view what, std::string_view name);
// A name-or-ARN argument: non-empty and at most kMaxTextBytes.
void CheckReference(std::string_view what, std::string_view value);
// A caller-given id (task id): as a name.
void CheckId(std::string_view what, std::string_view id);
// A caller-given ARN: starts with "arn:".
void CheckArn(std::string_view what, std::string_view arn);
// Any other text field: at most kMaxTextBytes.
void CheckText(std::string_view what, std::string_view text);
// "" or a JSON document (RFC 8259) of at most kMaxJsonBytes.
void CheckJson(std::string_view what, std::string_view json);
void CheckPage(const PageRequest& page);

bool IsArn(std::string_view value);

// "arn:aws:ecs:{region}:{account}:{kind}/{path}".
std::string MakeArn(std::string_view region, std::string_view account, std::string_view kind,
                    std::string_view path);
// The family of "arn:...:task-definition/web:3", "web:3" or "web": "web".
std::string TaskFamily(std::string_view task_definition);
// The name in the cluster ARN ".../cluster/{name}" ("" when it is not one).
std::string ClusterNameOf(std::string_view cluster_arn);

}  // namespace strata::repositories
