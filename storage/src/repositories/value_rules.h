// What a text or JSON field accepts beyond valid UTF-8 or JSON: the ECS
// API's enumerations (exact spelling), the JSON type each ECS field has, and
// the kind of ARN an ARN field holds. schema.cc attaches one rule to each
// column that has one; filters on those columns use the same rule, and the
// migrations' CHECKs (version 6) list the same values.
#pragma once

#include <cstring>
#include <span>
#include <string_view>

namespace strata::repositories {

enum class JsonShape {
  kAny,
  kObject,         // {...}
  kArray,          // [...]
  kStringList,     // ["a", "b"]
  kTags,           // [{"key": "k", "value": "v"}] (ECS's Tag list; value may be absent)
                   // or {"k": "v"} (a label map): both are common, both are stored as given
  kNameValueList,  // [{"name": "n", "value": "v"}]: ECS's ClusterSetting list
};

struct ValueRule {
  // Enumerated text: exactly one of these ("" only when listed: optional).
  std::span<const std::string_view> values;
  JsonShape json = JsonShape::kAny;
  // An ARN field: "" (absent) or arn:<partition>:<service>:<region>:<account>:<resource>/...
  std::string_view arn_service;
  std::string_view arn_resource;
};

// Enumerations.
extern const ValueRule kClusterStatus;       // ACTIVE PROVISIONING DEPROVISIONING FAILED INACTIVE
extern const ValueRule kServiceStatus;       // ACTIVE DRAINING INACTIVE
extern const ValueRule kLaunchType;          // EC2 FARGATE EXTERNAL, or "" (a capacity provider)
extern const ValueRule kSchedulingStrategy;  // REPLICA DAEMON
extern const ValueRule kPropagateTags;       // TASK_DEFINITION SERVICE NONE, or ""
extern const ValueRule kLastStatus;          // PROVISIONING ... STOPPED, DELETED
extern const ValueRule kDesiredStatus;       // PENDING RUNNING STOPPED
extern const ValueRule kHealthStatus;        // HEALTHY UNHEALTHY UNKNOWN
extern const ValueRule kConnectivity;        // CONNECTED DISCONNECTED, or ""
extern const ValueRule kStopCode;            // ECS's stop codes, or ""
// JSON shapes.
extern const ValueRule kJsonObject;
extern const ValueRule kJsonArray;
extern const ValueRule kJsonStringList;
extern const ValueRule kJsonTags;
extern const ValueRule kJsonSettings;
// ARN kinds.
extern const ValueRule kTaskDefinitionArn;     // ecs task-definition/<family>:<revision>
extern const ValueRule kContainerInstanceArn;  // ecs container-instance/...
extern const ValueRule kRoleArn;               // iam role/...

// Throws InvalidArgumentError naming `what`, the problem and the accepted
// values or form; the value itself is never quoted. For a JSON rule, `value`
// has passed CheckJson (an object or array is then told by its first
// character, without parsing it again).
void CheckRule(std::string_view what, const ValueRule& rule, std::string_view value);

// Whether `value` is one of `values`. The length and first byte tell most
// values apart before a memcmp.
inline bool IsOneOf(std::span<const std::string_view> values, std::string_view value) {
  for (const std::string_view allowed : values) {
    if (allowed.size() == value.size() &&
        (allowed.empty() || (allowed[0] == value[0] &&
                             std::memcmp(allowed.data(), value.data(), value.size()) == 0))) {
      return true;
    }
  }
  return false;
}

// A list filter on a ruled column: "" (any) or a value the column can hold
// (a filter no row can match is a mistake, not an empty list). Inline for ""
// and for a value of an enumeration: a count checks its filter on every
// call; CheckFilterValue does the rest.
void CheckFilterValue(std::string_view what, const ValueRule& rule, std::string_view value);
inline void CheckFilter(std::string_view what, const ValueRule& rule, std::string_view value) {
  if (value.empty() || (!rule.values.empty() && IsOneOf(rule.values, value))) return;
  CheckFilterValue(what, rule, value);
}

// The position of a task state (kLastStatus) in ECS's lifecycle order,
// PROVISIONING 0 to DELETED 8; -1 for anything else.
int LifecycleRank(std::string_view last_status);

// Whether `arn` is arn:<partition>:<service>:<region>:<account>:<resource>/<rest>,
// with the region empty for IAM and 12 digits of account.
bool IsArnOf(std::string_view arn, std::string_view service, std::string_view resource);

}  // namespace strata::repositories
