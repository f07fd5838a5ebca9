#pragma once

// ASCII comparisons that ignore case: HTTP's header names and tokens,
// OpenSSL's reasons ("No such file or directory" and "no such file").

#include <algorithm>
#include <cctype>
#include <string_view>

namespace actors::detail {

inline bool same_letter_ignoring_case(char a, char b) {
  return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
}

inline bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), same_letter_ignoring_case);
}

inline bool contains_ignoring_case(std::string_view text, std::string_view part) {
  return std::search(text.begin(), text.end(), part.begin(), part.end(), same_letter_ignoring_case)
         != text.end();
}

} // namespace actors::detail
