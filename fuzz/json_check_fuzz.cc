// The input checks of JSON and text fields (storage/src/repositories/checks.h)
// on arbitrary values. Kept to the checks' contract, which outlives their rules:
//  - only InvalidArgumentError escapes, and its message names the field;
//  - a non-empty document that CheckJson accepts is JSON (nlohmann parses it);
//  - a text that CheckText accepts is at most kMaxTextBytes long.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "fuzz_check.h"
#include "repositories/checks.h"
#include "strata/error.h"

namespace {

// Whether `check` accepts `value`; a refusal must name the field.
template <class Check>
bool Accepts(Check check, std::string_view value) {
  try {
    check("tags", value);
    return true;
  } catch (const strata::InvalidArgumentError& e) {
    FUZZ_CHECK(std::string_view(e.what()).starts_with("tags"));
    return false;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view value = strata::fuzz::AsText(data, size);
  if (Accepts(strata::repositories::CheckJson, value) && !value.empty()) {
    FUZZ_CHECK(!nlohmann::json::parse(value, nullptr, /*allow_exceptions=*/false).is_discarded());
  }
  if (Accepts(strata::repositories::CheckText, value)) {
    FUZZ_CHECK(value.size() <= strata::repositories::kMaxTextBytes);
  }
  return 0;
}
