#pragma once

// Auto-reply rules: an ordered list of matches (exact, contains, or an RE2
// regular expression: linear time on hostile traffic) with a reply template
// each. The connection relay applies them to every frame it receives, so a
// rule set turns the client into a mock server.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/expected.hpp>

namespace re2 {
class RE2;
} // namespace re2

namespace client {

/// Where a frame arrived, for rules that apply to one service or connection.
struct ReplyScope {
  /// The connection or UDP endpoint.
  std::uint64_t connection = 0;
  /// The service's port: the listener's for an accepted connection, the
  /// server's for one we opened, a UDP endpoint's own (or its peer's).
  std::uint16_t port = 0;
};

/// One rule: when a frame matches, reply with `reply` (a template, see
/// message_template.hpp; {{1}}..{{9}} are the regex's captures).
struct ReplyRule {
  enum class match_kind { exact, contains, regex };
  match_kind kind = match_kind::regex;
  std::string pattern;
  std::string reply;
  std::chrono::milliseconds delay{0};
  bool enabled = true;
  /// Only on the service with this port (`@PORT`); 0: any.
  std::uint16_t only_port = 0;
  /// Only on this connection (`@cID`); 0: any.
  std::uint64_t only_connection = 0;
  /// Replies so far: the template's {{counter}}.
  std::uint64_t counter = 0;
  /// The compiled pattern (regex rules).
  std::shared_ptr<const re2::RE2> regex;
};

/// Parses one rule line: `[-]KIND[+DELAYms][@PORT|@cID]:PATTERN=>TEMPLATE`,
/// KIND being exact, contains or regex, a leading - disabling it, @PORT
/// limiting it to a listener's (or a server's) port, @cID to one
/// connection; or `PATTERN=>TEMPLATE` (a regex, as --reply takes it). Errors name what is wrong (a bad regex
/// with RE2's reason, a reply template that does not expand).
caf::expected<ReplyRule> ParseReplyRule(std::string_view line);

/// Parses rules one per line (blank lines and # comments skipped); errors
/// name the line.
caf::expected<std::vector<ReplyRule>> ParseReplyRules(std::string_view text);

/// A rule as ParseReplyRule reads it.
std::string FormatReplyRule(const ReplyRule& rule);

/// The reply of the first enabled rule for `where` that `frame` matches,
/// and its delay; counts the reply. Nothing if no rule matches.
std::optional<std::pair<std::string, std::chrono::milliseconds>>
ReplyTo(std::vector<ReplyRule>& rules, std::string_view frame, const ReplyScope& where = {});

} // namespace client

// The UI hands rules to the relay inside one process only.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<client::ReplyRule>)
