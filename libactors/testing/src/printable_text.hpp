#pragma once

// Payloads may hold any byte; reports (XML, TAP) and failure messages on a
// terminal may not. This makes any text safe for them while keeping it
// readable. Internal to actors::testing and its runner.

#include <string>
#include <string_view>

namespace actors::testing {

/// `text` with every byte that is not valid UTF-8, every control character
/// other than those in `kept_controls`, and U+FFFE and U+FFFF (all invalid
/// in XML 1.0) written as "\xNN", one per byte. Everything else, including
/// backslashes, stays as it is.
std::string printable(std::string_view text, std::string_view kept_controls);

} // namespace actors::testing
