#include "repositories/values.h"

#include <openssl/rand.h>

#include <nlohmann/json.hpp>
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

void CheckName(std::string_view what, std::string_view name) {
  const std::string w(what);
  if (name.empty()) throw InvalidArgumentError(w + " is empty: give a name");
  if (name.size() > kMaxNameBytes) {
    throw InvalidArgumentError(w + " is longer than " + std::to_string(kMaxNameBytes) +
                               " bytes: shorten it");
  }
  for (const char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      throw InvalidArgumentError(w + " contains a control character: remove it");
    }
    if (c == '/') throw InvalidArgumentError(w + " contains '/', which ARNs use: remove it");
  }
  if (IsArn(name)) {
    throw InvalidArgumentError(w + " starts with \"arn:\", which marks ARNs: rename it");
  }
}

void CheckReference(std::string_view what, std::string_view value) {
  if (value.empty())
    throw InvalidArgumentError(std::string(what) + " is empty: give a name or ARN");
  CheckText(what, value);
}

void CheckId(std::string_view what, std::string_view id) { CheckName(what, id); }

void CheckArn(std::string_view what, std::string_view arn) {
  if (!IsArn(arn)) {
    throw InvalidArgumentError(std::string(what) +
                               " is not an ARN (arn:aws:ecs:...): leave it empty to derive it");
  }
  CheckText(what, arn);
}

void CheckText(std::string_view what, std::string_view text) {
  if (text.size() > kMaxTextBytes) {
    throw InvalidArgumentError(std::string(what) + " is longer than " +
                               std::to_string(kMaxTextBytes) + " bytes: shorten it");
  }
}

void CheckJson(std::string_view what, std::string_view json) {
  if (json.empty()) return;
  if (json.size() > kMaxJsonBytes) {
    throw InvalidArgumentError(std::string(what) + " is larger than " +
                               std::to_string(kMaxJsonBytes) + " bytes");
  }
  // PostgreSQL's json type also refuses \u0000; so does this check.
  if (!nlohmann::json::accept(json) || json.find("\\u0000") != std::string_view::npos) {
    throw InvalidArgumentError(std::string(what) +
                               " is not valid JSON: give a JSON document such as [] or {}");
  }
}

void CheckPage(const PageRequest& page) {
  if (page.limit < 1 || page.limit > PageRequest::kMaxLimit) {
    throw InvalidArgumentError("limit " + std::to_string(page.limit) + " is outside 1.." +
                               std::to_string(PageRequest::kMaxLimit));
  }
}

bool IsArn(std::string_view value) { return value.starts_with("arn:"); }

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

std::string TaskFamily(std::string_view task_definition) {
  std::string_view family = task_definition;
  if (const auto slash = family.rfind('/'); slash != std::string_view::npos) {
    family.remove_prefix(slash + 1);
  }
  if (const auto colon = family.rfind(':'); colon != std::string_view::npos) {
    const std::string_view revision = family.substr(colon + 1);
    if (!revision.empty() && revision.find_first_not_of("0123456789") == std::string_view::npos) {
      family = family.substr(0, colon);
    }
  }
  return std::string(family);
}

std::string ClusterNameOf(std::string_view cluster_arn) {
  const auto pos = cluster_arn.find(":cluster/");
  return pos == std::string_view::npos ? std::string(cluster_arn)
                                       : std::string(cluster_arn.substr(pos + 9));
}

}  // namespace strata::repositories
