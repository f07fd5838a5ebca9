#include "script_lexer.hpp"

#include <charconv>
#include <utility>

namespace actors::testing::detail {

namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

// Resolves the escape at line[i] (just after its backslash) into `out`;
// advances i to its last character. An unknown escape keeps its backslash,
// so a regular expression's \d or \. survives quoting.
void unescape(std::string_view line, std::size_t& i, std::string& out) {
  switch (line[i]) {
    case 'n': out += '\n'; return;
    case 't': out += '\t'; return;
    case 'r': out += '\r'; return;
    case '"': out += '"'; return;
    case '\\': out += '\\'; return;
    case 'x':
      if (i + 2 < line.size() && hex_value(line[i + 1]) >= 0
          && hex_value(line[i + 2]) >= 0) {
        out += static_cast<char>(hex_value(line[i + 1]) * 16 + hex_value(line[i + 2]));
        i += 2;
        return;
      }
      break;
    default: break;
  }
  out += '\\';
  out += line[i];
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
      unescape(line, i, result);
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
