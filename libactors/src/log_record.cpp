#include "actors/log_record.hpp"

#include <cstdio>
#include <ctime>

namespace actors {

namespace {

constexpr char hex_digits[] = "0123456789abcdef";

bool is_continuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

// Length of the valid UTF-8 sequence starting at text[i], or 0 if invalid.
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
  auto lead = byte(0);
  std::size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF; // bounds of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    len = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    len = 3;
    lo = lead == 0xE0 ? 0xA0 : 0x80;
    hi = lead == 0xED ? 0x9F : 0xBF;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    len = 4;
    lo = lead == 0xF0 ? 0x90 : 0x80;
    hi = lead == 0xF4 ? 0x8F : 0xBF;
  } else {
    return 0;
  }
  if (i + len > text.size() || byte(1) < lo || byte(1) > hi)
    return 0;
  for (std::size_t k = 2; k < len; ++k)
    if (!is_continuation(byte(k)))
      return 0;
  return len;
}

void append_hex_escape(std::string& out, unsigned char c) {
  out += "\\x";
  out += hex_digits[c >> 4];
  out += hex_digits[c & 0x0F];
}

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

void append_time(std::string& out, std::chrono::nanoseconds time) {
  auto ns = time.count();
  auto seconds = static_cast<std::time_t>(ns / 1'000'000'000);
  auto fraction = ns % 1'000'000'000;
  if (fraction < 0) {
    fraction += 1'000'000'000;
    --seconds;
  }
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buf[48];
  auto n = std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ",
                         utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday,
                         utc.tm_hour, utc.tm_min, utc.tm_sec,
                         static_cast<long long>(fraction));
  out.append(buf, static_cast<std::size_t>(n));
}

std::optional<std::chrono::nanoseconds> parse_time(std::string_view text) {
  // Exactly "YYYY-MM-DDTHH:MM:SS.NNNNNNNNNZ".
  if (text.size() != 30 || text[4] != '-' || text[7] != '-' || text[10] != 'T'
      || text[13] != ':' || text[16] != ':' || text[19] != '.' || text[29] != 'Z')
    return std::nullopt;
  auto number = [&](std::size_t pos, std::size_t len) -> long long {
    long long value = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (text[i] < '0' || text[i] > '9')
        return -1;
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  std::tm utc{};
  long long fields[] = {number(0, 4), number(5, 2),  number(8, 2), number(11, 2),
                        number(14, 2), number(17, 2), number(20, 9)};
  for (auto field : fields)
    if (field < 0)
      return std::nullopt;
  utc.tm_year = static_cast<int>(fields[0] - 1900);
  utc.tm_mon = static_cast<int>(fields[1] - 1);
  utc.tm_mday = static_cast<int>(fields[2]);
  utc.tm_hour = static_cast<int>(fields[3]);
  utc.tm_min = static_cast<int>(fields[4]);
  utc.tm_sec = static_cast<int>(fields[5]);
  auto seconds = timegm(&utc);
  return std::chrono::nanoseconds{static_cast<std::int64_t>(seconds) * 1'000'000'000
                                  + fields[6]};
}

template <class Enum, std::size_t N>
std::optional<Enum> parse_name(std::string_view name, const Enum (&values)[N]) {
  for (auto value : values)
    if (name == to_string(value))
      return value;
  return std::nullopt;
}

caf::error malformed(std::string what) {
  return caf::make_error(error_kind::malformed_frame,
                         "malformed log line: " + std::move(what));
}

} // namespace

const char* to_string(log_level level) noexcept {
  switch (level) {
    case log_level::debug: return "debug";
    case log_level::info: return "info";
    case log_level::warning: return "warning";
    case log_level::error: return "error";
  }
  return "info";
}

void append_escaped(std::string& out, std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      auto len = utf8_sequence_length(text, i);
      if (len == 0) {
        append_hex_escape(out, c);
        ++i;
      } else {
        out.append(text.data() + i, len);
        i += len;
      }
      continue;
    }
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7F)
          append_hex_escape(out, c);
        else
          out += static_cast<char>(c);
    }
    ++i;
  }
}

caf::expected<std::string> unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out += text[i];
      continue;
    }
    if (++i == text.size())
      return malformed("a backslash ends the field");
    switch (text[i]) {
      case '\\': out += '\\'; break;
      case 't': out += '\t'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 'x': {
        int hi = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
        int lo = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
        if (hi < 0 || lo < 0)
          return malformed("\\x needs two lowercase hex digits");
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        break;
      }
      default:
        return malformed(std::string{"unknown escape \\"} + text[i]);
    }
  }
  return out;
}

void append_log_line(std::string& out, const log_record& record) {
  append_time(out, record.time);
  out += '\t';
  append_escaped(out, record.source);
  out += '\t';
  out += to_string(record.dir);
  out += '\t';
  out += to_string(record.level);
  out += '\t';
  append_escaped(out, record.payload);
  out += '\n';
}

std::string format_log_line(const log_record& record) {
  std::string out;
  append_log_line(out, record);
  return out;
}

caf::expected<log_record> parse_log_line(std::string_view line) {
  if (!line.empty() && line.back() == '\n')
    line.remove_suffix(1);
  std::string_view fields[5];
  for (std::size_t i = 0; i < 4; ++i) {
    auto tab = line.find('\t');
    if (tab == std::string_view::npos)
      return malformed("expected 5 TAB-separated fields, found " + std::to_string(i + 1));
    fields[i] = line.substr(0, tab);
    line.remove_prefix(tab + 1);
  }
  fields[4] = line;
  if (fields[4].find('\t') != std::string_view::npos)
    return malformed("a TAB inside the payload");
  log_record record;
  auto time = parse_time(fields[0]);
  if (!time)
    return malformed("bad time '" + std::string{fields[0]} + "'");
  record.time = *time;
  auto dir = parse_name(fields[2], {direction::in, direction::out,
                                    direction::event});
  if (!dir)
    return malformed("bad direction '" + std::string{fields[2]} + "'");
  record.dir = *dir;
  auto level = parse_name(fields[3], {log_level::debug, log_level::info,
                                      log_level::warning, log_level::error});
  if (!level)
    return malformed("bad level '" + std::string{fields[3]} + "'");
  record.level = *level;
  auto source = unescape(fields[1]);
  if (!source)
    return source.error();
  record.source = std::move(*source);
  auto payload = unescape(fields[4]);
  if (!payload)
    return payload.error();
  record.payload = std::move(*payload);
  return record;
}

} // namespace actors
