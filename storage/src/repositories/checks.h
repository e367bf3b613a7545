// Input checks that run before any SQL: each throws InvalidArgumentError
// naming `what` and the fix.
#pragma once

#include <string>
#include <string_view>

#include "base/utf8.h"
#include "strata/entities.h"

namespace strata::repositories {

inline constexpr std::size_t kMaxNameBytes = 255;
inline constexpr std::size_t kMaxTextBytes = 64 * 1024;
inline constexpr std::size_t kMaxJsonBytes = 1024 * 1024;
// Every text check includes CheckText's: valid UTF-8, no NUL byte.
// A cluster or service name: 1..255 bytes, no control characters, no '/'
// (it would break the ARN), not starting with "arn:" (so that name-or-ARN
// arguments are never ambiguous). Quotes, spaces, % and _ are fine.
void CheckName(std::string_view what, std::string_view name);
// A name-or-ARN argument: non-empty and at most kMaxTextBytes. Inline for
// plain ASCII, which names and ARNs are: every call on a cluster checks one.
void CheckReferenceSlowly(std::string_view what, std::string_view value);
inline void CheckReference(std::string_view what, std::string_view value) {
  if (!value.empty() && value.size() <= kMaxTextBytes && base::IsPlainAscii(value)) return;
  CheckReferenceSlowly(what, value);
}
// A caller-given id (task id): as a name.
void CheckId(std::string_view what, std::string_view id);
// A caller-given ARN: starts with "arn:".
void CheckArn(std::string_view what, std::string_view arn);
// Any other text field: at most kMaxTextBytes of valid UTF-8, no NUL byte.
// Inline for "", which most filter values are: nothing to check.
void CheckTextBytes(std::string_view what, std::string_view text);  // not ""
inline void CheckText(std::string_view what, std::string_view text) {
  if (!text.empty()) CheckTextBytes(what, text);
}
// "" or a JSON document (RFC 8259) of at most kMaxJsonBytes.
void CheckJson(std::string_view what, std::string_view json);
void CheckPage(const PageRequest& page);
// Refuses status INACTIVE in a Create or Update of `entity` ("cluster",
// "service"): only a delete makes one INACTIVE.
void CheckNotInactive(std::string_view entity, std::string_view status);

}  // namespace strata::repositories
