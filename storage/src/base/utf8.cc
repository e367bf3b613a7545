#include "base/utf8.h"

#include <utf8proc.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

bool IsPlainAscii(std::string_view text) {
  const char* data = text.data();
  const std::size_t size = text.size();
#if defined(__SSE2__)
  // Sixteen bytes at a time: a byte is refused when its high bit is set or
  // it is zero, and movemask gathers both tests' high bits.
  if (size >= 16) {
    const __m128i zero = _mm_setzero_si128();
    const auto plain = [&](const char* at) {
      const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
      return _mm_movemask_epi8(_mm_or_si128(bytes, _mm_cmpeq_epi8(bytes, zero))) == 0;
    };
    for (std::size_t at = 0; at + 16 <= size; at += 16) {
      if (!plain(data + at)) return false;
    }
    return size % 16 == 0 || plain(data + size - 16);  // the last bytes, overlapping
  }
#endif
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
  // A byte with its high bit set shows in `word`; with none set, a zero
  // byte, and only a zero byte, borrows into its own high bit in word - kOnes.
  const auto plain = [&](const char* at) {
    std::uint64_t word = 0;
    std::memcpy(&word, at, sizeof word);
    return ((word | (word - kOnes)) & kHighBits) == 0;
  };
  if (size < 8) {
    for (std::size_t i = 0; i < size; ++i) {
      const auto byte = static_cast<unsigned char>(data[i]);
      if (byte == 0 || byte >= 0x80) return false;
    }
    return true;
  }
  for (std::size_t at = 0; at + 8 <= size; at += 8) {
    if (!plain(data + at)) return false;
  }
  return size % 8 == 0 || plain(data + size - 8);
}

}  // namespace strata::base
