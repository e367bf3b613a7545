#include "repositories/checks.h"

#include <nlohmann/json.hpp>

#include "base/utf8.h"
#include "repositories/identity.h"
#include "strata/error.h"

namespace strata::repositories {

void CheckName(std::string_view what, std::string_view name) {
  const auto fail = [&](const std::string& problem) {
    throw InvalidArgumentError(std::string(what) + problem);
  };
  if (name.empty()) fail(" is empty: give a name");
  if (name.size() > kMaxNameBytes) {
    fail(" is longer than " + std::to_string(kMaxNameBytes) + " bytes: shorten it");
  }
  for (const char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      fail(" contains a control character: remove it");
    }
    if (c == '/') fail(" contains '/', which ARNs use: remove it");
  }
  if (IsArn(name)) fail(" starts with \"arn:\", which marks ARNs: rename it");
  CheckText(what, name);
}

void CheckReferenceSlowly(std::string_view what, std::string_view value) {
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

void CheckTextBytes(std::string_view what, std::string_view text) {
  if (text.size() > kMaxTextBytes) {
    throw InvalidArgumentError(std::string(what) + " is longer than " +
                               std::to_string(kMaxTextBytes) + " bytes: shorten it");
  }
  if (base::IsPlainAscii(text)) return;  // names and ARNs: one pass over the bytes
  // PostgreSQL refuses both; SQLite would store them, and every JSON reader
  // of the row would then fail on it.
  if (const auto at = base::InvalidUtf8At(text)) {
    throw InvalidArgumentError(std::string(what) + " is not valid UTF-8 (byte " +
                               std::to_string(*at + 1) + "): give the text in UTF-8");
  }
  if (text.find('\0') != std::string_view::npos) {
    throw InvalidArgumentError(std::string(what) + " contains a NUL byte: remove it");
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

void CheckNotInactive(std::string_view entity, std::string_view status) {
  if (status != "INACTIVE") return;
  throw InvalidArgumentError(std::string(entity) + " status INACTIVE is set by deleting the " +
                             std::string(entity) + ": delete it instead (strata " +
                             std::string(entity) + " delete)");
}

}  // namespace strata::repositories
