#pragma once

// One log record and its one-line text form.
//
// The format, one record per line, fields separated by one TAB:
//
//   TIME  SOURCE  DIRECTION  LEVEL  PAYLOAD\n
//
// TIME is UTC, ISO 8601 with nanoseconds ("2026-11-25T02:50:00.123456789Z");
// DIRECTION is "in", "out" or "event"; LEVEL is "debug", "info", "warning" or
// "error". SOURCE and PAYLOAD are escaped, so a line never contains a TAB,
// newline or byte that is not valid UTF-8: `\\` for a backslash, `\t`, `\n`,
// `\r` for those bytes, `\xHH` (two lowercase hex digits) for every other
// control byte, DEL and each byte of invalid UTF-8. Valid UTF-8 text stays as
// it is. `parse_log_line` reverses this exactly.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <caf/expected.hpp>
#include <caf/meta/type_name.hpp>

#include "actors/direction.hpp"
#include "actors/error_kind.hpp"
#include "actors/wall_clock.hpp"

namespace actors {

/// How important a record is.
enum class log_level : std::uint8_t { debug, info, warning, error };

/// Returns "debug", "info", "warning" or "error".
const char* to_string(log_level level) noexcept;

/// One thing to log. Values only: safe to send to the log writer from any actor.
struct log_record {
  /// System-clock time since the UNIX epoch; zero means "stamp on arrival".
  std::chrono::nanoseconds time{0};
  /// Who logs: a connection ("conn 7") or a component ("ui", "chat").
  std::string source;
  /// In, out or event.
  direction dir = direction::event;
  /// Importance.
  log_level level = log_level::info;
  /// The frame or message; binary-safe.
  std::string payload;
};

/// Makes `log_record` inspectable: CAF serializes and prints it with this.
/// @relates log_record
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, log_record& x) {
  return f(caf::meta::type_name("log_record"), x.time, x.source, x.dir, x.level,
           x.payload);
}

/// Appends `text` to `out`, escaped as described at the top of this header.
void append_escaped(std::string& out, std::string_view text);

/// Reverses `append_escaped`; fails on a malformed escape.
caf::expected<std::string> unescape(std::string_view text);

/// Appends the record's line, with its trailing newline, to `out`.
void append_log_line(std::string& out, const log_record& record);

/// The record's line, with its trailing newline.
std::string format_log_line(const log_record& record);

/// Parses one line (with or without its trailing newline) back into a record.
/// Fails with `malformed_frame` and a message saying which field is wrong.
caf::expected<log_record> parse_log_line(std::string_view line);

} // namespace actors
