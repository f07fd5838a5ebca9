#pragma once

// Payload templates, for saved messages (and the reply rules to come): text
// with fields in double braces and escapes, expanded at each send.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <caf/expected.hpp>

namespace client {

/// What a template's fields expand to.
struct TemplateValues {
  /// {{counter}}: how many times this template was sent before (from 0).
  std::uint64_t counter = 0;
  /// {{time}} (HH:MM:SS.mmm) and {{date}} (YYYY-MM-DD), local time.
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
  /// {{random}}: a number from 0 to 999999999.
  std::uint32_t random = 0;
  /// {{1}} to {{9}}: captures of a matching rule; empty outside rules.
  std::vector<std::string> captures;
};

/// Expands `text`: the fields above, and the escapes \n, \r, \t, \\, \{
/// and \xHH (any byte). Errors (invalid_argument) name the unknown field or
/// the malformed escape and where it is.
caf::expected<std::string> ExpandTemplate(std::string_view text,
                                          const TemplateValues& values);

} // namespace client
