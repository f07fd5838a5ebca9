#include "message_template.hpp"

#include <cstdio>
#include <ctime>

#include "actors/error_kind.hpp"

namespace client {

namespace {

caf::error bad(std::string what, std::size_t at) {
  return caf::make_error(actors::error_kind::invalid_argument,
                         what + " at character " + std::to_string(at + 1));
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

std::string local_time(std::chrono::system_clock::time_point now, const char* format,
                       bool millis) {
  auto seconds = std::chrono::system_clock::to_time_t(now);
  std::tm local{};
  localtime_r(&seconds, &local);
  char buf[64];
  std::strftime(buf, sizeof(buf), format, &local);
  std::string result = buf;
  if (millis) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch())
                .count()
              % 1000;
    char tail[8];
    std::snprintf(tail, sizeof(tail), ".%03d", static_cast<int>(ms));
    result += tail;
  }
  return result;
}

// The value of field `name`, or an error.
caf::expected<std::string> field(std::string_view name, const TemplateValues& values,
                                 std::size_t at) {
  if (name == "counter")
    return std::to_string(values.counter);
  if (name == "time")
    return local_time(values.now, "%H:%M:%S", true);
  if (name == "date")
    return local_time(values.now, "%Y-%m-%d", false);
  if (name == "random")
    return std::to_string(values.random % 1'000'000'000u);
  if (name.size() == 1 && name[0] >= '1' && name[0] <= '9') {
    auto index = static_cast<std::size_t>(name[0] - '1');
    return index < values.captures.size() ? values.captures[index] : std::string{};
  }
  return bad("unknown field {{" + std::string{name}
               + "}} (known: counter, time, date, random, 1 to 9)",
             at);
}

} // namespace

caf::expected<std::string> ExpandTemplate(std::string_view text,
                                          const TemplateValues& values) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = text[i];
    if (c == '\\') {
      if (i + 1 == text.size())
        return bad("a lone backslash (write \\\\)", i);
      auto next = text[++i];
      switch (next) {
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case '\\': out += '\\'; break;
        case '{': out += '{'; break;
        case 'x': {
          int high = i + 1 < text.size() ? hex_value(text[i + 1]) : -1;
          int low = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
          if (high < 0 || low < 0)
            return bad("\\x needs two hex digits", i - 1);
          out += static_cast<char>(high * 16 + low);
          i += 2;
          break;
        }
        default:
          return bad(std::string{"unknown escape \\"} + next, i - 1);
      }
      continue;
    }
    if (c == '{' && i + 1 < text.size() && text[i + 1] == '{') {
      auto end = text.find("}}", i + 2);
      if (end == std::string_view::npos)
        return bad("{{ without }}", i);
      auto value = field(text.substr(i + 2, end - i - 2), values, i);
      if (!value)
        return value.error();
      out += *value;
      i = end + 1;
      continue;
    }
    out += c;
  }
  return out;
}

} // namespace client
