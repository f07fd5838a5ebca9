#include "script_lexer.hpp"

#include <charconv>
#include <utility>

namespace actors::testing::detail {

namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

char unescape(char c) {
  return c == 'n' ? '\n' : c == 't' ? '\t' : c;
}

// Reads the quoted string that starts at line[i]; advances i past it.
std::optional<std::string> read_quoted(std::string_view line, std::size_t& i) {
  std::string result;
  for (++i; i < line.size(); ++i) {
    if (line[i] == '"') {
      ++i;
      return result;
    }
    if (line[i] == '\\' && i + 1 < line.size()) {
      ++i;
      result += unescape(line[i]);
    } else {
      result += line[i];
    }
  }
  return std::nullopt;
}

} // namespace

tokenized_line tokenize(std::string_view line) {
  tokenized_line result;
  std::size_t i = 0;
  std::size_t end = 0;
  while (i < line.size()) {
    if (is_blank(line[i])) {
      ++i;
      continue;
    }
    if (line[i] == '#')
      break;
    if (line[i] == '"') {
      auto text = read_quoted(line, i);
      if (!text) {
        result.error = "unterminated quoted string";
        return result;
      }
      result.tokens.push_back(token{std::move(*text), true});
    } else {
      auto start = i;
      while (i < line.size() && !is_blank(line[i]))
        ++i;
      result.tokens.push_back(token{std::string{line.substr(start, i - start)}, false});
    }
    end = i;
  }
  auto start = line.find_first_not_of(" \t\r");
  if (start != std::string_view::npos && start < end)
    result.source = std::string{line.substr(start, end - start)};
  return result;
}

std::optional<std::uint64_t> parse_number(std::string_view text) noexcept {
  std::uint64_t value = 0;
  auto last = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), last, value);
  if (text.empty() || ec != std::errc{} || ptr != last)
    return std::nullopt;
  return value;
}

} // namespace actors::testing::detail
