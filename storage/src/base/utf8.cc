#include "base/utf8.h"

#include <utf8proc.h>

#include <cstdint>
#include <cstring>

namespace strata::base {

std::optional<std::size_t> InvalidUtf8At(std::string_view text) {
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  const auto size = static_cast<utf8proc_ssize_t>(text.size());
  utf8proc_ssize_t at = 0;
  // ASCII eight bytes at a time: names, ARNs and most JSON are all ASCII.
  constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
  while (at + 8 <= size) {
    std::uint64_t word = 0;
    std::memcpy(&word, bytes + at, sizeof word);
    if ((word & kHighBits) != 0) break;
    at += 8;
  }
  while (at < size) {
    if (bytes[at] < 0x80) {  // ASCII: most text, no call
      ++at;
      continue;
    }
    utf8proc_int32_t code_point = 0;
    const utf8proc_ssize_t length = utf8proc_iterate(bytes + at, size - at, &code_point);
    if (length <= 0) return static_cast<std::size_t>(at);
    at += length;
  }
  return std::nullopt;
}

}  // namespace strata::base
