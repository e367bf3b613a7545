#include "repositories/value_rules.h"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <string>

#include "repositories/checks.h"
#include "strata/error.h"

namespace strata::repositories {
namespace {

using namespace std::string_view_literals;

constexpr std::array kClusterStatuses = {"ACTIVE"sv, "PROVISIONING"sv, "DEPROVISIONING"sv,
                                         "FAILED"sv, "INACTIVE"sv};
constexpr std::array kServiceStatuses = {"ACTIVE"sv, "DRAINING"sv, "INACTIVE"sv};
constexpr std::array kLaunchTypes = {"EC2"sv, "FARGATE"sv, "EXTERNAL"sv, ""sv};
constexpr std::array kSchedulingStrategies = {"REPLICA"sv, "DAEMON"sv};
constexpr std::array kPropagateTagsValues = {"TASK_DEFINITION"sv, "SERVICE"sv, "NONE"sv, ""sv};
// In ECS's lifecycle order (LifecycleRank).
constexpr std::array kTaskStatuses = {"PROVISIONING"sv,   "PENDING"sv,      "ACTIVATING"sv,
                                      "RUNNING"sv,        "DEACTIVATING"sv, "STOPPING"sv,
                                      "DEPROVISIONING"sv, "STOPPED"sv,      "DELETED"sv};
constexpr std::array kDesiredStatuses = {"PENDING"sv, "RUNNING"sv, "STOPPED"sv};
constexpr std::array kHealthStatuses = {"HEALTHY"sv, "UNHEALTHY"sv, "UNKNOWN"sv};
constexpr std::array kConnectivities = {"CONNECTED"sv, "DISCONNECTED"sv, ""sv};
constexpr std::array kStopCodes = {"TaskFailedToStart"sv,
                                   "EssentialContainerExited"sv,
                                   "UserInitiated"sv,
                                   "ServiceSchedulerInitiated"sv,
                                   "SpotInterruption"sv,
                                   "TerminationNotice"sv,
                                   ""sv};

std::string Listed(std::span<const std::string_view> values) {
  std::string out;
  bool optional = false;
  for (const std::string_view v : values) {
    if (v.empty()) {
      optional = true;
      continue;
    }
    out += (out.empty() ? "" : ", ") + std::string(v);
  }
  return optional ? out + ", or empty" : out;
}

bool IsDigits(std::string_view s, std::size_t min, std::size_t max) {
  return s.size() >= min && s.size() <= max &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsWord(std::string_view s, std::string_view extra) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           extra.find(c) != std::string_view::npos;
  });
}

// "<family>:<revision>": the family 1-255 letters, digits, '-' and '_'; the
// revision a positive whole number.
bool IsTaskDefinitionPath(std::string_view path) {
  const std::size_t colon = path.rfind(':');
  if (colon == std::string_view::npos) return false;
  const std::string_view family = path.substr(0, colon), revision = path.substr(colon + 1);
  return family.size() <= 255 && IsWord(family, "-_") && IsDigits(revision, 1, 10) &&
         revision.front() != '0';
}

bool HasStringMember(const nlohmann::json& item, const char* key, bool required) {
  const auto it = item.find(key);
  return it == item.end() ? !required : it->is_string();
}

// Whether `doc` (valid JSON) has the shape.
bool Fits(const nlohmann::json& doc, JsonShape shape) {
  switch (shape) {
    case JsonShape::kAny:
      return true;
    case JsonShape::kObject:
      return doc.is_object();
    case JsonShape::kArray:
      return doc.is_array();
    case JsonShape::kStringList:
      return doc.is_array() &&
             std::all_of(doc.begin(), doc.end(), [](const auto& v) { return v.is_string(); });
    case JsonShape::kTags:
      if (doc.is_object()) {
        return std::all_of(doc.begin(), doc.end(), [](const auto& v) { return v.is_string(); });
      }
      break;
    case JsonShape::kNameValueList:
      break;
  }
  const char* key = shape == JsonShape::kTags ? "key" : "name";
  return doc.is_array() && std::all_of(doc.begin(), doc.end(), [&](const auto& item) {
           return item.is_object() && HasStringMember(item, key, true) &&
                  HasStringMember(item, "value", shape == JsonShape::kNameValueList) &&
                  item.size() <= 2;
         });
}

const char* ShapeName(JsonShape shape) {
  switch (shape) {
    case JsonShape::kObject:
      return "a JSON object ({...})";
    case JsonShape::kArray:
      return "a JSON array ([...])";
    case JsonShape::kStringList:
      return "a JSON array of strings ([\"a\", \"b\"])";
    case JsonShape::kTags:
      return "a JSON array of tags ([{\"key\": \"team\", \"value\": \"web\"}]) or an object "
             "of strings ({\"team\": \"web\"})";
    case JsonShape::kNameValueList:
      return "a JSON array of settings ([{\"name\": \"containerInsights\", \"value\": "
             "\"enabled\"}])";
    case JsonShape::kAny:
      break;
  }
  return "JSON";
}

}  // namespace

const ValueRule kClusterStatus{kClusterStatuses, JsonShape::kAny, "", ""};
const ValueRule kServiceStatus{kServiceStatuses, JsonShape::kAny, "", ""};
const ValueRule kLaunchType{kLaunchTypes, JsonShape::kAny, "", ""};
const ValueRule kSchedulingStrategy{kSchedulingStrategies, JsonShape::kAny, "", ""};
const ValueRule kPropagateTags{kPropagateTagsValues, JsonShape::kAny, "", ""};
const ValueRule kLastStatus{kTaskStatuses, JsonShape::kAny, "", ""};
const ValueRule kDesiredStatus{kDesiredStatuses, JsonShape::kAny, "", ""};
const ValueRule kHealthStatus{kHealthStatuses, JsonShape::kAny, "", ""};
const ValueRule kConnectivity{kConnectivities, JsonShape::kAny, "", ""};
const ValueRule kStopCode{kStopCodes, JsonShape::kAny, "", ""};
const ValueRule kJsonObject{{}, JsonShape::kObject, "", ""};
const ValueRule kJsonArray{{}, JsonShape::kArray, "", ""};
const ValueRule kJsonStringList{{}, JsonShape::kStringList, "", ""};
const ValueRule kJsonTags{{}, JsonShape::kTags, "", ""};
const ValueRule kJsonSettings{{}, JsonShape::kNameValueList, "", ""};
const ValueRule kTaskDefinitionArn{{}, JsonShape::kAny, "ecs", "task-definition"};
const ValueRule kContainerInstanceArn{{}, JsonShape::kAny, "ecs", "container-instance"};
const ValueRule kRoleArn{{}, JsonShape::kAny, "iam", "role"};

bool IsArnOf(std::string_view arn, std::string_view service, std::string_view resource) {
  std::array<std::string_view, 6> parts;  // arn, partition, service, region, account, resource
  std::size_t start = 0;
  for (std::size_t i = 0; i < 5; ++i) {
    const std::size_t colon = arn.find(':', start);
    if (colon == std::string_view::npos) return false;
    parts[i] = arn.substr(start, colon - start);
    start = colon + 1;
  }
  parts[5] = arn.substr(start);
  const bool global = service == "iam";
  if (parts[0] != "arn" || !IsWord(parts[1], "-") || parts[2] != service ||
      (global ? !parts[3].empty() : !IsWord(parts[3], "-")) || !IsDigits(parts[4], 12, 12) ||
      !parts[5].starts_with(resource) || parts[5].size() <= resource.size() + 1 ||
      parts[5][resource.size()] != '/') {
    return false;
  }
  const std::string_view path = parts[5].substr(resource.size() + 1);
  return resource != "task-definition" || IsTaskDefinitionPath(path);
}

void CheckRule(std::string_view what, const ValueRule& rule, std::string_view value) {
  if (!rule.values.empty()) {
    if (IsOneOf(rule.values, value)) return;
    throw InvalidArgumentError(std::string(what) + " is not one of " + Listed(rule.values) +
                               ": give one of them, spelled exactly so");
  }
  if (!rule.arn_service.empty()) {
    if (value.empty() || IsArnOf(value, rule.arn_service, rule.arn_resource)) return;
    const std::string example = rule.arn_resource == "task-definition"
                                    ? "arn:aws:ecs:us-east-1:123456789012:task-definition/web:3"
                                    : "arn:aws:" + std::string(rule.arn_service) +
                                          (rule.arn_service == "iam" ? "::" : ":us-east-1:") +
                                          "123456789012:" + std::string(rule.arn_resource) +
                                          "/name";
    throw InvalidArgumentError(std::string(what) + " is not a " + std::string(rule.arn_resource) +
                               " ARN: give one such as " + example);
  }
  if (rule.json == JsonShape::kAny || value.empty()) return;
  // The text is valid JSON already (CheckJson): an object or an array shows
  // in its first character, with no second parse on the write path.
  if (rule.json == JsonShape::kObject || rule.json == JsonShape::kArray) {
    const std::size_t first = value.find_first_not_of(" \t\r\n");
    const char open = rule.json == JsonShape::kObject ? '{' : '[';
    if (first != std::string_view::npos && value[first] == open) return;
  } else {
    const nlohmann::json doc = nlohmann::json::parse(value, nullptr, false);
    if (!doc.is_discarded() && Fits(doc, rule.json)) return;
  }
  throw InvalidArgumentError(std::string(what) + " must be " + ShapeName(rule.json));
}

int LifecycleRank(std::string_view last_status) {
  const auto it = std::find(kTaskStatuses.begin(), kTaskStatuses.end(), last_status);
  return it == kTaskStatuses.end() || last_status.empty()
             ? -1
             : static_cast<int>(it - kTaskStatuses.begin());
}

void CheckFilterValue(std::string_view what, const ValueRule& rule, std::string_view value) {
  // One of an enumeration's values is valid text: membership is the check
  // (CheckFilter's, inline; CheckRule's again, which throws).
  if (rule.values.empty()) CheckText(what, value);
  CheckRule(what, rule, value);
}

}  // namespace strata::repositories
