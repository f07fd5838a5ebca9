#include "printable_text.hpp"

#include <cstdint>

namespace actors::testing {

namespace {

// The length of the valid UTF-8 sequence at the start of `text` that XML 1.0
// allows (RFC 3629: no overlong forms, no surrogates, at most U+10FFFF; XML:
// not U+FFFE or U+FFFF), or 0 if there is none. Control characters are the
// caller's business.
std::size_t valid_sequence(std::string_view text) {
  auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(text[i]); };
  auto lead = byte(0);
  if (lead < 0x80)
    return 1;
  std::size_t length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
  if (lead < 0xc2 || lead > 0xf4 || text.size() < length)
    return 0;
  char32_t code = lead & (0x7f >> length);
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xc0) != 0x80)
      return 0;
    code = (code << 6) | (byte(i) & 0x3f);
  }
  static constexpr char32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
  bool allowed = code >= smallest[length] && code <= 0x10ffff
                 && !(code >= 0xd800 && code <= 0xdfff) && code != 0xfffe && code != 0xffff;
  return allowed ? length : 0;
}

void append_escaped(std::string& out, char c) {
  static constexpr char digits[] = "0123456789abcdef";
  auto value = static_cast<std::uint8_t>(c);
  out += "\\x";
  out += digits[value >> 4];
  out += digits[value & 0x0f];
}

} // namespace

std::string printable(std::string_view text, std::string_view kept_controls) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    auto c = text.front();
    bool control = static_cast<std::uint8_t>(c) < 0x20 || c == 0x7f;
    auto length = control ? 0 : valid_sequence(text);
    if (control && kept_controls.find(c) != std::string_view::npos)
      length = 1;
    if (length == 0) {
      append_escaped(out, c);
      length = 1;
    } else {
      out.append(text.data(), length);
    }
    text.remove_prefix(length);
  }
  return out;
}

} // namespace actors::testing
