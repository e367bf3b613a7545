// ASCII helpers without the locale lookups of <cctype>: case folding for SQL
// keywords (the migration lexer reads every byte of every migration), and
// bytes as lowercase hex (checksums, ids).
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>

namespace strata::base {

inline char UpperAscii(char c) {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

// Whether `text` contains `upper` (upper-case ASCII), ignoring ASCII case.
inline bool ContainsIgnoringCase(std::string_view text, std::string_view upper) {
  return std::search(text.begin(), text.end(), upper.begin(), upper.end(),
                     [](char a, char b) { return UpperAscii(a) == b; }) != text.end();
}

// `size` bytes as 2 * `size` lowercase hex digits.
inline std::string LowerHex(const unsigned char* bytes, std::size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(2 * size, '\0');
  for (std::size_t i = 0; i < size; ++i) {
    out[2 * i] = kHex[bytes[i] >> 4];
    out[2 * i + 1] = kHex[bytes[i] & 15];
  }
  return out;
}

}  // namespace strata::base
