// UTF-8 validity of caller text (utf8proc's decoder: no overlong forms, no
// surrogates, nothing past U+10FFFF), so that both backends store the same
// text and every reader can print it.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace strata::base {

// The byte offset of the first byte that does not start a valid UTF-8
// sequence, or nullopt when all of `text` is valid.
std::optional<std::size_t> InvalidUtf8At(std::string_view text);

// Whether every byte of `text` is ASCII other than NUL (1-127): valid UTF-8
// without a NUL byte. Most names, ARNs and filter values are; told sixteen
// bytes at a time (SSE2), else eight.
bool IsPlainAscii(std::string_view text);

}  // namespace strata::base
