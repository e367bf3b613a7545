// ASCII case folding for SQL keywords, without the locale lookups of
// <cctype> (the migration lexer reads every byte of every migration).
#pragma once

#include <algorithm>
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

}  // namespace strata::base
