#include "reply_rules.hpp"

#include <charconv>
#include <random>

#include <re2/re2.h>

#include "actors/error_kind.hpp"
#include "message_template.hpp"
#include "text_lines.hpp"

namespace client {

namespace {

caf::error invalid(std::string what) {
  return caf::make_error(actors::error_kind::invalid_argument, std::move(what));
}

const char* kind_name(ReplyRule::match_kind kind) {
  switch (kind) {
    case ReplyRule::match_kind::exact: return "exact";
    case ReplyRule::match_kind::contains: return "contains";
    case ReplyRule::match_kind::regex: return "regex";
  }
  return "regex";
}

// Reads `@PORT` or `@cID` into `rule`.
caf::error parse_scope(std::string_view scope, ReplyRule& rule) {
  bool connection = !scope.empty() && scope.front() == 'c';
  if (connection)
    scope.remove_prefix(1);
  unsigned long long number = 0;
  auto [end, ec] = std::from_chars(scope.data(), scope.data() + scope.size(), number);
  bool ok = ec == std::errc{} && end == scope.data() + scope.size() && number > 0
            && (connection || number <= 65535);
  if (!ok)
    return invalid("after @ comes a port (1 to 65535, as in @7000) or a connection "
                   "(as in @c3), not '" + std::string{connection ? "c" : ""}
                   + std::string{scope} + "'");
  if (connection)
    rule.only_connection = number;
  else
    rule.only_port = static_cast<std::uint16_t>(number);
  return {};
}

// Reads `[-]KIND[+DELAYms][@SCOPE]` into `rule`.
caf::error parse_head(std::string_view head, ReplyRule& rule) {
  if (!head.empty() && head.front() == '-') {
    rule.enabled = false;
    head.remove_prefix(1);
  }
  if (auto at = head.find('@'); at != std::string_view::npos) {
    if (auto err = parse_scope(head.substr(at + 1), rule))
      return err;
    head = head.substr(0, at);
  }
  auto plus = head.find('+');
  auto kind = head.substr(0, plus);
  if (kind == "exact")
    rule.kind = ReplyRule::match_kind::exact;
  else if (kind == "contains")
    rule.kind = ReplyRule::match_kind::contains;
  else if (kind == "regex")
    rule.kind = ReplyRule::match_kind::regex;
  else
    return invalid("the match must be exact, contains or regex, not '" + std::string{kind}
                   + "'");
  if (plus == std::string_view::npos)
    return {};
  auto delay = head.substr(plus + 1);
  if (delay.size() > 2 && delay.substr(delay.size() - 2) == "ms")
    delay.remove_suffix(2);
  unsigned long ms = 0;
  auto [end, ec] = std::from_chars(delay.data(), delay.data() + delay.size(), ms);
  if (ec != std::errc{} || end != delay.data() + delay.size() || ms > 3'600'000)
    return invalid("the delay must be milliseconds from 0 to 3600000, as in +200ms");
  rule.delay = std::chrono::milliseconds{ms};
  return {};
}

} // namespace

caf::expected<ReplyRule> ParseReplyRule(std::string_view line) {
  ReplyRule rule;
  auto arrow = line.find("=>");
  if (arrow == std::string_view::npos)
    return invalid("a rule needs PATTERN=>REPLY");
  auto match = line.substr(0, arrow);
  rule.reply = std::string{line.substr(arrow + 2)};
  // A head (KIND[+DELAY]) when what precedes the first colon names a kind;
  // otherwise all of it is a regex (as --reply takes it).
  auto colon = match.find(':');
  if (colon != std::string_view::npos) {
    auto head = match.substr(0, colon);
    auto word = head.substr(head.rfind('-', 0) == 0 ? 1 : 0);
    for (auto kind : {"exact", "contains", "regex"})
      if (word.rfind(kind, 0) == 0) {
        if (auto err = parse_head(head, rule))
          return err;
        match = match.substr(colon + 1);
        break;
      }
  }
  rule.pattern = std::string{match};
  if (rule.pattern.empty() && rule.kind != ReplyRule::match_kind::exact)
    return invalid("the pattern is empty");
  if (rule.kind == ReplyRule::match_kind::regex) {
    auto regex = std::make_shared<re2::RE2>(rule.pattern, re2::RE2::Quiet);
    if (!regex->ok())
      return invalid("bad regular expression '" + rule.pattern + "': " + regex->error());
    rule.regex = std::move(regex);
  }
  TemplateValues probe;
  probe.captures.assign(9, std::string{});
  if (auto expanded = ExpandTemplate(rule.reply, probe); !expanded)
    return invalid("the reply: " + actors::message_of(expanded.error()));
  return rule;
}

caf::expected<std::vector<ReplyRule>> ParseReplyRules(std::string_view text) {
  std::vector<ReplyRule> rules;
  auto err = ForEachContentLine(text, [&](std::string_view line, std::size_t number) {
    auto rule = ParseReplyRule(line);
    if (!rule)
      return invalid("rule line " + std::to_string(number) + ": "
                     + actors::message_of(rule.error()));
    rules.push_back(std::move(*rule));
    return caf::error{};
  });
  if (err)
    return err;
  return rules;
}

std::string FormatReplyRule(const ReplyRule& rule) {
  std::string head = rule.enabled ? "" : "-";
  head += kind_name(rule.kind);
  if (rule.delay.count() > 0)
    head += "+" + std::to_string(rule.delay.count()) + "ms";
  if (rule.only_port != 0)
    head += "@" + std::to_string(rule.only_port);
  if (rule.only_connection != 0)
    head += "@c" + std::to_string(rule.only_connection);
  return head + ":" + rule.pattern + "=>" + rule.reply;
}

std::optional<std::pair<std::string, std::chrono::milliseconds>>
ReplyTo(std::vector<ReplyRule>& rules, std::string_view frame, const ReplyScope& where) {
  static std::minstd_rand random{std::random_device{}()};
  for (auto& rule : rules) {
    if (!rule.enabled || (rule.only_port != 0 && rule.only_port != where.port)
        || (rule.only_connection != 0 && rule.only_connection != where.connection))
      continue;
    TemplateValues values;
    bool matched = false;
    switch (rule.kind) {
      case ReplyRule::match_kind::exact:
        matched = frame == rule.pattern;
        break;
      case ReplyRule::match_kind::contains:
        matched = frame.find(rule.pattern) != std::string_view::npos;
        break;
      case ReplyRule::match_kind::regex: {
        re2::StringPiece groups[10];
        auto count = std::min(rule.regex->NumberOfCapturingGroups() + 1, 10);
        matched = rule.regex->Match(re2::StringPiece{frame.data(), frame.size()}, 0,
                                    frame.size(), re2::RE2::UNANCHORED, groups, count);
        for (int i = 1; matched && i < count; ++i)
          values.captures.emplace_back(groups[i].data() ? std::string{groups[i]} : std::string{});
        break;
      }
    }
    if (!matched)
      continue;
    values.counter = rule.counter++;
    values.random = static_cast<std::uint32_t>(random());
    auto reply = ExpandTemplate(rule.reply, values);
    if (reply)
      return std::make_pair(std::move(*reply), rule.delay);
  }
  return std::nullopt;
}

} // namespace client
