#include "actors/testing/scenario_script.hpp"

#include <cstdint>
#include <set>
#include <utility>

#include "script_lexer.hpp"

namespace actors::testing {

namespace {

using detail::parse_number;
using detail::token;

// "a, b or c": every name of an enum with `count` values, from the enum
// itself, so a new value shows up in the parser's advice without an edit.
template <class Enum>
std::string names_of(std::size_t count) {
  std::string result;
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0)
      result += i + 1 == count ? " or " : ", ";
    result += to_string(static_cast<Enum>(i));
  }
  return result;
}

std::string kind_names() {
  return names_of<ui_event_kind>(ui_event_kind_count);
}

std::string counter_names() {
  return names_of<ui_counter>(ui_counter_count);
}

// Parses the tokens of one line into a step. Every parse function returns
// an error message, or an empty string on success.
class line_parser {
public:
  line_parser(std::vector<token> tokens, script& out, std::set<std::string>& peers)
    : tokens_(std::move(tokens)), out_(out), peers_(peers) {
    // nop
  }

  std::string parse(script_step& step);

private:
  bool done() const { return pos_ >= tokens_.size(); }
  std::string next() { return done() ? std::string{} : tokens_[pos_++].text; }

  std::string rest_as_text();
  std::string take_timeout(script_step& step);
  std::string expect_end();
  std::string need_real(const std::string& what);
  std::string known_peer(const std::string& name);
  std::string parse_setup(const std::string& word);
  std::string parse_bridge_option(const std::string& option);
  std::string parse_sink(script_step& step);
  std::string parse_expect(script_step& step);
  std::string parse_expect_ui(script_step& step);
  std::string parse_expect_peer(script_step& step);
  std::string parse_peer_step(script_step& step);

  std::vector<token> tokens_;
  std::size_t pos_ = 0;
  script& out_;
  std::set<std::string>& peers_;
};

std::string line_parser::rest_as_text() {
  if (pos_ + 1 == tokens_.size() && tokens_[pos_].quoted)
    return next();
  std::string result;
  while (!done()) {
    if (!result.empty())
      result += ' ';
    result += next();
  }
  return result;
}

// Removes a trailing "within DURATION" and stores it in `step`.
std::string line_parser::take_timeout(script_step& step) {
  auto n = tokens_.size();
  if (n < pos_ + 2 || tokens_[n - 2].quoted || tokens_[n - 2].text != "within")
    return {};
  auto duration = parse_duration(tokens_[n - 1].text);
  if (!duration)
    return "bad duration \"" + tokens_[n - 1].text + "\" (use e.g. 500ms or 2s)";
  step.timeout = *duration;
  tokens_.resize(n - 2);
  return {};
}

std::string line_parser::expect_end() {
  return done() ? std::string{}
                : "unexpected \"" + tokens_[pos_].text + "\" at the end of the step";
}

std::string line_parser::need_real(const std::string& what) {
  if (out_.options.mode == scenario_mode::real)
    return {};
  return "`" + what + "` needs mode real (this script is deterministic)";
}

std::string line_parser::known_peer(const std::string& name) {
  if (name.empty())
    return "missing peer name";
  if (peers_.count(name) == 0)
    return "no peer named " + name + " (connect it first)";
  return {};
}

std::string line_parser::parse_setup(const std::string& word) {
  auto arg = next();
  if (word == "mode") {
    if (arg != "real" && arg != "deterministic")
      return "mode must be real or deterministic, not \"" + arg + "\"";
    out_.options.mode = arg == "real" ? scenario_mode::real
                                      : scenario_mode::deterministic;
  } else if (word == "timeout") {
    auto duration = parse_duration(arg);
    if (!duration)
      return "bad duration \"" + arg + "\" (use e.g. 500ms or 2s)";
    out_.options.default_timeout = *duration;
  } else if (word == "credit") {
    auto credit = parse_number(arg);
    if (!credit || *credit > UINT32_MAX)
      return "credit needs a number of frames, not \"" + arg + "\"";
    out_.options.connection.read_credit = static_cast<std::uint32_t>(*credit);
  } else {
    for (--pos_; !done();)
      if (auto err = parse_bridge_option(next()); !err.empty())
        return err;
    return {};
  }
  return expect_end();
}

std::string line_parser::parse_bridge_option(const std::string& option) {
  auto eq = option.find('=');
  auto key = option.substr(0, eq);
  auto value = eq == std::string::npos ? std::string{} : option.substr(eq + 1);
  auto& bridge = out_.options.bridge;
  if (key == "policy") {
    auto policy = parse_overflow_policy(value);
    if (!policy)
      return "policy must be backpressure or drop, not \"" + value + "\"";
    bridge.policy = *policy;
    return {};
  }
  auto number = parse_number(value);
  if (!number || *number == 0)
    return "bridge option \"" + option + "\" needs a positive number";
  if (key == "high_water")
    bridge.high_water = *number;
  else if (key == "high_water_bytes")
    bridge.high_water_bytes = *number;
  else if (key == "max_batch")
    bridge.max_batch = *number;
  else
    return "unknown bridge option \"" + key
           + "\" (use high_water, high_water_bytes, policy, max_batch)";
  return {};
}

std::string line_parser::parse_sink(script_step& step) {
  auto what = next();
  if (what == "stall") {
    step.kind = step_kind::sink_stall;
  } else if (what == "resume" || what == "fast") {
    step.kind = step_kind::sink_resume;
  } else if (what == "slow") {
    step.kind = step_kind::sink_slow;
    auto duration = parse_duration(next());
    if (!duration)
      return "sink slow needs a duration, e.g. `sink slow 50ms`";
    step.duration = *duration;
  } else {
    return "sink needs stall, resume, fast or slow DURATION";
  }
  return expect_end();
}

std::string line_parser::parse_expect(script_step& step) {
  if (auto err = take_timeout(step); !err.empty())
    return err;
  if (done())
    return "expect needs `ui` or a peer name";
  if (tokens_[pos_].text == "ui" && !tokens_[pos_].quoted) {
    ++pos_;
    return parse_expect_ui(step);
  }
  return parse_expect_peer(step);
}

std::string line_parser::parse_expect_ui(script_step& step) {
  auto what = next();
  if (what == "event") {
    step.kind = step_kind::expect_ui_event;
    auto kind_name = next();
    auto kind = parse_ui_event_kind(kind_name);
    if (!kind)
      return "unknown event kind \"" + kind_name + "\" (use " + kind_names() + ")";
    step.event = *kind;
    step.text = rest_as_text();
    return {};
  }
  auto counter = parse_ui_counter(what);
  if (!counter)
    return "expect ui needs `event KIND` or a counter (" + counter_names()
           + "), not \"" + what + "\"";
  step.kind = step_kind::expect_ui_count;
  step.counter = *counter;
  if (!done() && tokens_[pos_].text == ">=" && !tokens_[pos_].quoted) {
    step.at_least = true;
    ++pos_;
  }
  auto value = parse_number(next());
  if (!value)
    return "expect ui " + what + " needs a number";
  step.number = *value;
  return expect_end();
}

std::string line_parser::parse_expect_peer(script_step& step) {
  step.peer = next();
  if (auto err = known_peer(step.peer); !err.empty())
    return err;
  auto what = next();
  if (what == "frame") {
    step.kind = step_kind::expect_frame;
    step.text = rest_as_text();
    return need_real("expect " + step.peer + " frame");
  }
  if (what == "closed") {
    step.kind = step_kind::expect_closed;
    if (auto err = need_real("expect " + step.peer + " closed"); !err.empty())
      return err;
    return expect_end();
  }
  if (what == "blocked") {
    step.kind = step_kind::expect_blocked;
    if (step.timeout)
      return "expect " + step.peer + " blocked takes no `within`";
    return expect_end();
  }
  return "expect " + step.peer + " needs frame, closed or blocked, not \"" + what + "\"";
}

std::string line_parser::parse_peer_step(script_step& step) {
  auto word = tokens_[0].text;
  step.peer = next();
  if (word == "connect") {
    step.kind = step_kind::connect;
    if (step.peer.empty() || step.peer == "ui")
      return "connect needs a peer name other than `ui`";
    if (!peers_.insert(step.peer).second)
      return "a peer named " + step.peer + " exists already";
    return expect_end();
  }
  if (auto err = known_peer(step.peer); !err.empty())
    return err;
  if (word == "send") {
    step.kind = step_kind::send;
    step.text = rest_as_text();
    return {};
  }
  if (word == "flood") {
    step.kind = step_kind::flood;
    auto count = parse_number(next());
    if (!count)
      return "flood needs a number of frames";
    step.number = *count;
    return expect_end();
  }
  step.kind = word == "close" ? step_kind::close : step_kind::reset;
  return expect_end();
}

std::string line_parser::parse(script_step& step) {
  auto word = next();
  bool setup = word == "mode" || word == "timeout" || word == "credit"
               || word == "bridge";
  if (setup && !out_.steps.empty() && out_.steps.back().kind != step_kind::setup)
    return "`" + word + "` must come before the first step that runs something";
  if (setup)
    return parse_setup(word);
  if (word == "server") {
    step.kind = step_kind::start_server;
    auto kind = next();
    if (kind != "echo" && kind != "sink")
      return "server must be echo or sink, not \"" + kind + "\"";
    step.server = kind == "echo" ? server_kind::echo : server_kind::sink;
    if (auto err = need_real("server"); !err.empty())
      return err;
    return expect_end();
  }
  if (word == "connect" || word == "send" || word == "flood" || word == "close"
      || word == "reset")
    return parse_peer_step(step);
  if (word == "post") {
    step.kind = step_kind::post;
    step.text = rest_as_text();
    return {};
  }
  if (word == "wait") {
    step.kind = step_kind::wait;
    auto duration = parse_duration(next());
    if (!duration)
      return "wait needs a duration, e.g. `wait 100ms`";
    step.duration = *duration;
    return expect_end();
  }
  if (word == "sink")
    return parse_sink(step);
  if (word == "expect")
    return parse_expect(step);
  return "unknown step \"" + word + "\"";
}

} // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) noexcept {
  std::uint64_t factor = 1;
  if (text.size() > 2 && text.substr(text.size() - 2) == "ms") {
    text.remove_suffix(2);
  } else if (text.size() > 1 && text.back() == 's') {
    factor = 1000;
    text.remove_suffix(1);
  } else {
    return std::nullopt;
  }
  auto value = parse_number(text);
  if (!value || *value > UINT32_MAX)
    return std::nullopt;
  return std::chrono::milliseconds{static_cast<std::int64_t>(*value * factor)};
}

script_parse_result parse_script(std::string_view text) {
  script_parse_result result;
  std::set<std::string> peers;
  std::size_t line_number = 0;
  while (!text.empty()) {
    auto eol = text.find('\n');
    auto line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    ++line_number;
    auto tokenized = detail::tokenize(line);
    if (tokenized.error.empty() && tokenized.tokens.empty())
      continue;
    script_step step;
    step.line = line_number;
    step.source = tokenized.source;
    auto err = tokenized.error;
    if (err.empty())
      err = line_parser{std::move(tokenized.tokens), result.value, peers}.parse(step);
    if (!err.empty()) {
      result.error = script_error{line_number, std::move(err)};
      return result;
    }
    result.value.steps.push_back(std::move(step));
  }
  return result;
}

} // namespace actors::testing
