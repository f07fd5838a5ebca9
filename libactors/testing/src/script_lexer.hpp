#pragma once

// Splits scenario script lines into tokens. Internal to actors::testing.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace actors::testing::detail {

/// A blank-separated word, or a double-quoted string without its quotes.
struct token {
  /// The word, or the string with escapes resolved.
  std::string text;
  /// True for a quoted string (never a keyword).
  bool quoted = false;
};

/// One line split into tokens.
struct tokenized_line {
  /// The tokens before any comment.
  std::vector<token> tokens;
  /// The line without its comment and surrounding blanks.
  std::string source;
  /// Why the line could not be split; empty if it could.
  std::string error;
};

/// Splits `line` into words and quoted strings (escapes: \" \\ \n \t \r
/// \xNN; any other backslash stays, for regular expressions).
/// An unquoted word starting with '#' begins a comment that runs to the end
/// of the line.
tokenized_line tokenize(std::string_view line);

/// Parses a decimal number without sign.
std::optional<std::uint64_t> parse_number(std::string_view text) noexcept;

} // namespace actors::testing::detail
