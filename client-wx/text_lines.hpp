#pragma once

// The line-by-line file formats of the client (saved messages, reply
// rules): blank lines and lines starting with # are skipped.

#include <cstddef>
#include <string_view>

#include <caf/error.hpp>

namespace client {

/// Calls `fn(line, number)` (1-based, a trailing CR removed) for each line
/// of `text` that is neither blank nor a # comment; stops at, and returns,
/// the first error `fn` returns.
template <class F>
caf::error ForEachContentLine(std::string_view text, F fn) {
  std::size_t number = 0;
  while (!text.empty()) {
    auto end = text.find('\n');
    auto line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    ++number;
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    if (line.empty() || line.front() == '#')
      continue;
    if (auto err = fn(line, number))
      return err;
  }
  return {};
}

} // namespace client
