#include "actors/testing/scenario_script.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <utility>
#include <vector>

#include "actors/error_kind.hpp"
#include "actors/framing.hpp"
#include "script_lexer.hpp"
#include "script_state.hpp"
#include "server_process.hpp"

namespace actors::testing {

namespace {

// Why `path` cannot be a script or an include, or empty: only regular
// files, since a directory reads as an empty script (which passes) and a
// FIFO or a device could block or never end.
std::string why_not_a_script(const std::string& path) {
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status))
    return "cannot read " + path + " (no such file)";
  if (std::filesystem::is_directory(status))
    return "cannot read " + path + " (a directory: name its .scn files, such as " + path
           + "/*.scn)";
  if (!std::filesystem::is_regular_file(status))
    return "cannot read " + path + " (not a regular file)";
  return {};
}

using detail::parse_number;
using detail::parse_state;
using detail::token;

// The most steps a script may expand to (through `repeat` and `include`).
constexpr std::size_t max_steps = 100'000;

// How deep includes may nest.
constexpr std::size_t max_include_depth = 8;

// The largest payload `send NAME fill N` makes.
constexpr std::uint64_t max_fill_size = 16 * 1024 * 1024;

// The largest file `include` reads.
constexpr std::size_t max_include_size = 1024 * 1024;

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

bool is_word(const token& t, const char* word) {
  return !t.quoted && t.text == word;
}

std::string bad_duration(const std::string& text) {
  return "bad duration \"" + text + "\" (use e.g. 500ms or 2s)";
}

// Parses the tokens of one line into a step. Every parse function returns
// an error message, or an empty string on success.
class line_parser {
public:
  line_parser(std::vector<token> tokens, parse_state& state)
    : tokens_(std::move(tokens)), state_(state) {
    // nop
  }

  std::string parse(script_step& step);

private:
  bool done() const { return pos_ >= tokens_.size(); }
  std::string next() { return done() ? std::string{} : tokens_[pos_++].text; }
  bool next_is(const char* word) const { return !done() && is_word(tokens_[pos_], word); }

  std::string rest_as_text();
  std::string take_timeout(script_step& step);
  std::string expect_end();
  std::string need_real(const std::string& what);
  std::string known_peer(const std::string& name);
  std::string new_peer(const std::string& word, const std::string& name);
  std::string known_variables(const std::string& text);
  std::string parse_setup(const std::string& word);
  std::string parse_bridge_option(const std::string& option);
  std::string parse_server(script_step& step);
  std::string parse_sink(script_step& step);
  std::string parse_expect(script_step& step);
  std::string parse_expect_ui(script_step& step);
  std::string parse_expect_peer(script_step& step);
  std::string parse_frame_pattern(script_step& step);
  std::string parse_await(script_step& step);
  std::string parse_connect(script_step& step);
  std::string parse_udp(script_step& step);
  std::string parse_send(script_step& step);
  // `send`'s payload, into `step`.
  std::string parse_payload(script_step& step);
  // Refuses a payload the peer's framing cannot carry, such as a line with
  // a newline inside (known now unless a variable fills it in).
  std::string encodable(const script_step& step);
  std::string parse_peer_step(script_step& step);

  std::vector<token> tokens_;
  std::size_t pos_ = 0;
  parse_state& state_;
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
  if (n < pos_ + 2 || !is_word(tokens_[n - 2], "within")) {
    // "within 2 s" or a bare "within" at the end would be read as part of
    // the expected text, and fail as a mismatch far from its cause.
    for (auto back : {std::size_t{1}, std::size_t{3}})
      if (n >= pos_ + back && is_word(tokens_[n - back], "within"))
        return "`within` takes one duration such as 2s or 500ms (no space before the unit; "
               "quote the text if it holds the word within)";
    return {};
  }
  auto duration = parse_duration(tokens_[n - 1].text);
  if (!duration)
    return bad_duration(tokens_[n - 1].text);
  step.timeout = *duration;
  tokens_.resize(n - 2);
  return {};
}

std::string line_parser::expect_end() {
  return done() ? std::string{}
                : "unexpected \"" + tokens_[pos_].text + "\" at the end of the step";
}

std::string line_parser::need_real(const std::string& what) {
  if (state_.out.options.mode == scenario_mode::real)
    return {};
  return "`" + what + "` needs mode real (this script is deterministic)";
}

std::string line_parser::known_peer(const std::string& name) {
  if (name.empty())
    return "missing peer name";
  if (state_.peers.count(name) == 0)
    return "no peer named " + name + " (connect it first)";
  return {};
}

std::string line_parser::new_peer(const std::string& word, const std::string& name) {
  if (name.empty() || name == "ui")
    return word + " needs a peer name other than `ui`";
  if (!state_.peers.insert(name).second)
    return "a peer named " + name + " exists already";
  return {};
}

std::string line_parser::known_variables(const std::string& text) {
  if (!state_.check_variables)
    return {};
  std::string unknown;
  std::map<std::string, std::string> known;
  for (auto& name : state_.variables)
    known.emplace(name, std::string{});
  substitute_variables(text, known, &unknown);
  if (unknown.empty())
    return {};
  return "no variable " + unknown + " (set it with `as " + unknown
         + "` first, or in the environment)";
}

// HOST:PORT, checked now unless a variable fills it in when the step runs.
std::string check_address(const std::string& text) {
  if (text.find("${") != std::string::npos)
    return {};
  auto endpoint = detail::parse_server_endpoint(text);
  return endpoint ? std::string{} : message_of(endpoint.error());
}

std::string line_parser::parse_setup(const std::string& word) {
  auto& options = state_.out.options;
  auto arg = next();
  if (word == "mode") {
    if (arg != "real" && arg != "deterministic")
      return "mode must be real or deterministic, not \"" + arg + "\"";
    options.mode = arg == "real" ? scenario_mode::real : scenario_mode::deterministic;
  } else if (word == "timeout") {
    auto duration = parse_duration(arg);
    if (!duration)
      return bad_duration(arg);
    options.default_timeout = *duration;
  } else if (word == "credit") {
    auto credit = parse_number(arg);
    if (!credit || *credit > UINT32_MAX)
      return "credit needs a number of frames, not \"" + arg + "\"";
    options.connection.read_credit = static_cast<std::uint32_t>(*credit);
  } else if (word == "framing") {
    auto kind = parse_framing_kind(arg);
    if (!kind)
      return "framing must be line, length16, length32 or raw, not \"" + arg + "\"";
    options.connection.framing.kind = *kind;
  } else if (word == "port-from") {
    if (arg.empty())
      return "port-from needs a regular expression whose first capture is the "
             "port (or HOST:PORT)";
    if (auto err = check_regex(arg); !err.empty())
      return "bad regular expression: " + err;
    if (arg.find('(') == std::string::npos)
      return "port-from needs a capture group: (PORT) or (HOST:PORT)";
    state_.port_pattern = arg;
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
  auto& bridge = state_.out.options.bridge;
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

std::string line_parser::parse_server(script_step& step) {
  if (state_.has_server)
    return "a script starts one server (there is one already)";
  if (auto err = need_real("server"); !err.empty())
    return err;
  auto kind = next();
  if (kind == "echo" || kind == "sink") {
    step.kind = step_kind::start_server;
    step.server = kind == "echo" ? server_kind::echo : server_kind::sink;
  } else if (kind == "run") {
    step.kind = step_kind::run_server;
    if (auto err = take_timeout(step); !err.empty())
      return err;
    if (done())
      return "server run needs a command, e.g. `server run ./my_server --port 0`";
    while (!done()) {
      step.words.push_back(next());
      if (auto err = known_variables(step.words.back()); !err.empty())
        return err;
    }
    step.text = state_.port_pattern;
    state_.external_server = true;
  } else if (kind == "at") {
    step.kind = step_kind::use_server;
    step.text = next();
    if (step.text.empty())
      return "server at needs HOST:PORT, e.g. `server at 127.0.0.1:7000`";
    if (auto err = known_variables(step.text); !err.empty())
      return err;
    if (auto err = check_address(step.text); !err.empty())
      return err;
    state_.external_server = true;
  } else {
    return "server must be echo, sink, run CMD ARGS... or at HOST:PORT, not \"" + kind
           + "\"";
  }
  state_.has_server = true;
  state_.variables.insert("server_host");
  state_.variables.insert("server_port");
  return expect_end();
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
  if (is_word(tokens_[pos_], "ui")) {
    ++pos_;
    if (state_.external_server)
      return "`expect ui` sees only the built-in servers (`server echo|sink`); "
             "this script's server is an app of its own";
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
    return known_variables(step.text);
  }
  auto counter = parse_ui_counter(what);
  if (!counter)
    return "expect ui needs `event KIND` or a counter (" + counter_names()
           + "), not \"" + what + "\"";
  step.kind = step_kind::expect_ui_count;
  step.counter = *counter;
  if (next_is(">=")) {
    step.at_least = true;
    ++pos_;
  }
  auto value = parse_number(next());
  if (!value)
    return "expect ui " + what + " needs a number";
  step.number = *value;
  return expect_end();
}

// TEXT, or `~ REGEX`, then an optional `as VAR`.
std::string line_parser::parse_frame_pattern(script_step& step) {
  auto n = tokens_.size();
  if (n >= pos_ + 2 && is_word(tokens_[n - 2], "as")) {
    step.variable = tokens_[n - 1].text;
    auto& v = step.variable;
    bool valid = !v.empty() && !std::isdigit(static_cast<unsigned char>(v[0]));
    for (auto c : v)
      valid = valid && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
    if (!valid)
      return "bad variable name \"" + v + "\" (letters, digits and _)";
    tokens_.resize(n - 2);
  }
  if (done())
    return "frame needs its text: TEXT, \"\" for an empty frame, or ~ REGEX";
  if (next_is("~")) {
    ++pos_;
    step.regex = true;
    if (done())
      return "~ needs a regular expression (RE2 syntax)";
    step.text = next();
    if (auto err = expect_end(); !err.empty())
      return err + " (quote a regular expression that has blanks)";
    if (step.text.find("${") == std::string::npos)
      if (auto err = check_regex(step.text); !err.empty())
        return "bad regular expression: " + err;
  } else {
    step.text = rest_as_text();
  }
  if (auto err = known_variables(step.text); !err.empty())
    return err;
  if (!step.variable.empty())
    state_.variables.insert(step.variable);
  return {};
}

std::string line_parser::parse_expect_peer(script_step& step) {
  step.peer = next();
  if (auto err = known_peer(step.peer); !err.empty())
    return err;
  auto what = next();
  auto real = need_real("expect " + step.peer + " " + what);
  if (what == "frame") {
    step.kind = step_kind::expect_frame;
    if (!real.empty())
      return real;
    return parse_frame_pattern(step);
  }
  if (what == "frames") {
    step.kind = step_kind::expect_frames;
    auto count = parse_number(next());
    if (!count)
      return "expect " + step.peer + " frames needs a number";
    step.number = *count;
  } else if (what == "silent") {
    step.kind = step_kind::expect_silent;
    if (step.timeout)
      return "expect " + step.peer + " silent takes a duration, not `within`";
    auto duration = parse_duration(next());
    if (!duration)
      return "expect " + step.peer + " silent needs a duration, e.g. 200ms";
    step.duration = *duration;
  } else if (what == "finished") {
    step.kind = step_kind::expect_finished;
  } else if (what == "closed") {
    step.kind = step_kind::expect_closed;
  } else if (what == "blocked") {
    step.kind = step_kind::expect_blocked;
    if (step.timeout)
      return "expect " + step.peer + " blocked takes no `within`";
    return expect_end();
  } else {
    return "expect " + step.peer
           + " needs frame, frames, silent, finished, closed or blocked, not \"" + what
           + "\"";
  }
  if (!real.empty())
    return real;
  return expect_end();
}

std::string line_parser::parse_await(script_step& step) {
  if (auto err = take_timeout(step); !err.empty())
    return err;
  step.kind = step_kind::await_frame;
  step.peer = next();
  if (auto err = known_peer(step.peer); !err.empty())
    return err;
  if (next() != "frame")
    return "await needs `await NAME frame TEXT` or `await NAME frame ~ REGEX`";
  if (auto err = need_real("await"); !err.empty())
    return err;
  return parse_frame_pattern(step);
}

std::string line_parser::parse_connect(script_step& step) {
  step.kind = step_kind::connect;
  if (auto err = new_peer("connect", step.peer); !err.empty())
    return err;
  // Deterministic peers connect to the simulated app; real ones need a server.
  if (state_.out.options.mode == scenario_mode::real && !state_.has_server
      && state_.connect_needs_server)
    return "connect " + step.peer + " needs a server step before it (server echo, sink, "
           "run CMD... or at HOST:PORT)";
  while (!done()) {
    auto word = next();
    if (word == "tls") {
      if (auto err = need_real("connect " + step.peer + " tls"); !err.empty())
        return err;
      step.connection.tls = true;
      if (next_is("insecure")) {
        ++pos_;
        step.connection.insecure = true;
      } else if (next_is("ca")) {
        ++pos_;
        auto file = next();
        if (file.empty())
          return "tls ca needs a CA file (PEM)";
        // A path: resolved now, so only the environment can fill it in.
        std::string unknown;
        file = substitute_variables(file, {}, &unknown);
        if (!unknown.empty() && state_.check_variables)
          return "tls ca can use environment variables only; there is no " + unknown;
        step.connection.ca_file = state_.resolve(file);
      }
    } else if (word == "framing") {
      auto kind_name = next();
      auto kind = parse_framing_kind(kind_name);
      if (!kind)
        return "framing must be line, length16, length32 or raw, not \"" + kind_name
               + "\"";
      framing_options framing = state_.out.options.connection.framing;
      framing.kind = *kind;
      step.connection.framing = framing;
    } else {
      return "connect " + step.peer + " takes `tls [ca FILE|insecure]` and "
             "`framing line|length16|length32|raw`, not \"" + word + "\"";
    }
  }
  state_.framings[step.peer]
    = step.connection.framing.value_or(state_.out.options.connection.framing);
  return {};
}

std::string line_parser::parse_udp(script_step& step) {
  step.kind = step_kind::udp;
  if (auto err = need_real("udp"); !err.empty())
    return err;
  if (auto err = new_peer("udp", step.peer); !err.empty())
    return err;
  step.text = next();
  if (step.text.empty() && !state_.has_server)
    return "udp " + step.peer + " needs HOST:PORT (or a server step before it)";
  if (auto err = known_variables(step.text); !err.empty())
    return err;
  if (auto err = step.text.empty() ? std::string{} : check_address(step.text); !err.empty())
    return err;
  return expect_end();
}

std::string line_parser::parse_send(script_step& step) {
  if (auto err = parse_payload(step); !err.empty())
    return err;
  return encodable(step);
}

std::string line_parser::encodable(const script_step& step) {
  auto framing = state_.framings.find(step.peer);
  if (framing == state_.framings.end())
    return {}; // a UDP peer, or a peer whose framing the parser is not told
  if (!step.literal && step.text.find("${") != std::string::npos)
    return {}; // known when the step runs
  // Not the size: a peer may send more than the app takes, to test it.
  auto shape = framing->second;
  shape.max_frame_size = std::numeric_limits<std::size_t>::max();
  std::vector<char> encoded;
  if (auto err = encode_frame(shape, send_payload(step), encoded))
    return "send " + step.peer + ": " + message_of(err);
  return {};
}

std::string line_parser::parse_payload(script_step& step) {
  step.kind = step_kind::send;
  if (next_is("fill")) {
    ++pos_;
    auto size = parse_number(next());
    if (!size || *size == 0 || *size > max_fill_size)
      return "send " + step.peer + " fill needs a size from 1 to "
             + std::to_string(max_fill_size) + " bytes, e.g. `fill 70000`";
    auto pattern = done() ? std::string{"x"} : rest_as_text();
    if (pattern.empty())
      return "send " + step.peer + " fill needs a non-empty text to repeat";
    // Made when the step runs: a repeated step costs no memory here.
    step.literal = true;
    step.number = *size;
    step.text = std::move(pattern);
    return {};
  }
  if (done())
    return "send " + step.peer + " needs a payload: TEXT, \"\" for an empty frame, "
           "hex BYTES or fill SIZE";
  if (!next_is("hex")) {
    step.text = rest_as_text();
    return known_variables(step.text);
  }
  ++pos_;
  step.literal = true;
  std::string digits;
  while (!done())
    digits += next();
  if (digits.empty() || digits.size() % 2 != 0)
    return "send " + step.peer + " hex needs whole bytes, e.g. `hex 68 69 0a`";
  for (std::size_t i = 0; i < digits.size(); i += 2) {
    auto byte = digits.substr(i, 2);
    if (byte.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
      return "\"" + byte + "\" is not a hex byte";
    step.text += static_cast<char>(std::stoi(byte, nullptr, 16));
  }
  return {};
}

std::string line_parser::parse_peer_step(script_step& step) {
  auto word = tokens_[0].text;
  step.peer = next();
  if (word == "connect")
    return parse_connect(step);
  if (word == "udp")
    return parse_udp(step);
  if (auto err = known_peer(step.peer); !err.empty())
    return err;
  if (word == "send")
    return parse_send(step);
  if (word == "flood") {
    step.kind = step_kind::flood;
    auto count = parse_number(next());
    if (!count)
      return "flood needs a number of frames";
    step.number = *count;
    return expect_end();
  }
  if (word == "finish") {
    step.kind = step_kind::finish;
    if (auto err = need_real("finish"); !err.empty())
      return err;
    return expect_end();
  }
  step.kind = word == "close" ? step_kind::close : step_kind::reset;
  return expect_end();
}

std::string line_parser::parse(script_step& step) {
  auto word = next();
  if (tokens_[0].quoted)
    return "a step starts with a word, not a quoted string";
  bool setup = word == "mode" || word == "timeout" || word == "credit"
               || word == "framing" || word == "bridge" || word == "port-from";
  if (setup && state_.ran_something)
    return "`" + word + "` must come before the first step that runs something";
  if (setup)
    return parse_setup(word);
  if (word == "server")
    return parse_server(step);
  if (word == "connect" || word == "udp" || word == "send" || word == "flood"
      || word == "finish" || word == "close" || word == "reset")
    return parse_peer_step(step);
  if (word == "post") {
    step.kind = step_kind::post;
    step.text = rest_as_text();
    return known_variables(step.text);
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
  if (word == "await")
    return parse_await(step);
  return "unknown step \"" + word + "\"";
}

// Parses whole files: lines into steps, `repeat`/`unordered` blocks,
// `include`.
class script_parser {
public:
  script_parser(script_parse_result& result, const script_parse_options& options)
    : result_(result) {
    state_.steps_left = max_steps;
    state_.check_variables = options.check_variables;
    state_.connect_needs_server = options.connect_needs_server;
    state_.peers.insert(options.peers.begin(), options.peers.end());
  }

  // Parses `text`, the contents of `file` (empty: the script itself).
  bool parse_file(std::string_view text, const std::string& file,
                  const std::string& directory, std::size_t depth);

private:
  bool fail(const std::string& file, std::size_t line, std::string message) {
    result_.error = script_error{file, line, std::move(message), {}};
    return false;
  }

  std::string parse_line(std::vector<token> tokens, script_step step,
                         const std::string& directory, std::size_t depth);
  std::string open_block(std::vector<token>& tokens, script_step& step);
  std::string close_block();
  std::string include(const std::string& path, std::size_t depth, const script_step& site);
  // Where the steps parsed now go: the innermost open block, or the script.
  std::vector<script_step>& current_steps();
  std::string add(script_step step);
  // The files `include` is inside now, outermost first (canonical paths).
  std::vector<std::string> including_;

  script_parse_result& result_;
  parse_state state_{result_.value};
  // Open blocks, innermost last: the step that opened it (kind setup for
  // `repeat`, with its count in `number`) and the steps inside.
  std::vector<std::pair<script_step, std::vector<script_step>>> blocks_;
};

std::string script_parser::add(script_step step) {
  if (state_.steps_left == 0)
    return "the script has more than " + std::to_string(max_steps)
           + " steps (count what `repeat` makes)";
  --state_.steps_left;
  if (step.kind != step_kind::setup)
    state_.ran_something = true;
  if (blocks_.empty()) {
    result_.value.steps.push_back(std::move(step));
    return {};
  }
  auto& [head, body] = blocks_.back();
  if (head.kind == step_kind::expect_unordered
      && (step.kind != step_kind::expect_frame || !step.variable.empty()))
    return "an unordered block holds only `expect NAME frame TEXT|~ REGEX` steps "
           "(without `as`)";
  body.push_back(std::move(step));
  return {};
}

std::string script_parser::open_block(std::vector<token>& tokens, script_step& step) {
  auto& word = tokens[0].text;
  if (word == "repeat") {
    auto count = tokens.size() == 2 ? parse_number(tokens[1].text) : std::nullopt;
    if (!count || *count == 0)
      return "repeat needs a count of at least 1, e.g. `repeat 100`";
    step.number = *count;
    step.kind = step_kind::setup; // a marker; the block's steps run instead
  } else {
    step.kind = step_kind::expect_unordered;
    if (state_.out.options.mode != scenario_mode::real)
      return "`unordered` needs mode real (this script is deterministic)";
    if (tokens.size() == 3 && is_word(tokens[1], "within")) {
      auto duration = parse_duration(tokens[2].text);
      if (!duration)
        return bad_duration(tokens[2].text);
      step.timeout = *duration;
    } else if (tokens.size() != 1) {
      return "unordered takes only `within DURATION`";
    }
  }
  if (blocks_.size() >= 8)
    return "blocks nest at most 8 deep";
  blocks_.emplace_back(std::move(step), std::vector<script_step>{});
  return {};
}

// `step` as pass `pass` of the repeat `head` makes it.
script_step made_by(script_step step, const script_step& head, std::uint64_t pass) {
  step.origins.push_back(step_origin{head.file, head.line, pass, head.number});
  return step;
}

std::string script_parser::close_block() {
  if (blocks_.empty())
    return "`end` without `repeat` or `unordered`";
  auto [head, body] = std::move(blocks_.back());
  blocks_.pop_back();
  if (head.kind == step_kind::expect_unordered) {
    if (body.empty())
      return "an unordered block needs at least one `expect NAME frame` step";
    head.group = std::move(body);
    ++state_.steps_left; // the block itself counts as one step
    return add(std::move(head));
  }
  for (auto& step : body)
    if (head.number > 1 && (step.kind == step_kind::connect || step.kind == step_kind::udp))
      return "repeat " + std::to_string(head.number) + " would make peer " + step.peer
             + " (line " + std::to_string(step.line) + ") again: connect before it";
  if (body.empty())
    return {};
  if (head.number - 1 > state_.steps_left / body.size())
    return "the script has more than " + std::to_string(max_steps)
           + " steps (count what `repeat` makes)";
  for (std::uint64_t pass = 1; pass < head.number; ++pass)
    for (auto& step : body)
      if (auto err = add(made_by(step, head, pass)); !err.empty())
        return err;
  // The last pass: the steps as parsed, counted already.
  state_.steps_left += body.size();
  for (auto& step : body)
    if (auto err = add(head.number > 1 ? made_by(std::move(step), head, head.number)
                                       : std::move(step));
        !err.empty())
      return err;
  return {};
}

std::string script_parser::include(const std::string& path, std::size_t depth,
                                   const script_step& site) {
  if (depth >= max_include_depth)
    return "includes nest more than " + std::to_string(max_include_depth) + " deep";
  if (auto why = why_not_a_script(path); !why.empty())
    return why;
  std::ifstream in{path, std::ios::binary};
  if (!in)
    return "cannot read " + path;
  std::string text(max_include_size + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > max_include_size)
    return path + " is larger than 1 MiB";
  if (!in.eof())
    return "cannot read " + path;
  auto slash = path.rfind('/');
  auto directory = slash == std::string::npos ? std::string{} : path.substr(0, slash);
  std::error_code ignored;
  auto canonical = std::filesystem::weakly_canonical(path, ignored).string();
  if (std::find(including_.begin(), including_.end(), canonical) != including_.end())
    return "include " + path + " again, inside itself: the includes form a loop";
  including_.push_back(canonical);
  auto first = current_steps().size();
  bool parsed = parse_file(text, path, directory, depth + 1);
  including_.pop_back();
  step_origin origin{site.file, site.line, 0, 0};
  if (!parsed) {
    result_.error->origins.push_back(std::move(origin));
    return {}; // the error is set, naming the included file's line
  }
  // Fetched again: blocks the file opened may have moved the vector.
  auto& steps = current_steps();
  for (auto i = first; i < steps.size(); ++i)
    steps[i].origins.push_back(origin);
  return {};
}

std::vector<script_step>& script_parser::current_steps() {
  return blocks_.empty() ? result_.value.steps : blocks_.back().second;
}

std::string script_parser::parse_line(std::vector<token> tokens, script_step step,
                                      const std::string& directory, std::size_t depth) {
  auto& word = tokens[0].text;
  bool keyword = !tokens[0].quoted;
  if (keyword && (word == "repeat" || word == "unordered"))
    return open_block(tokens, step);
  if (keyword && word == "end") {
    if (tokens.size() != 1)
      return "`end` takes nothing after it";
    return close_block();
  }
  if (keyword && word == "include") {
    if (tokens.size() != 2)
      return "include needs one file name";
    std::string unknown;
    auto path = substitute_variables(tokens[1].text, {}, &unknown);
    if (!unknown.empty())
      return "include can use environment variables only; there is no " + unknown;
    auto saved = state_.directory;
    state_.directory = directory;
    auto resolved = state_.resolve(path);
    state_.directory = saved;
    return include(resolved, depth, step);
  }
  state_.directory = directory;
  if (auto err = line_parser{std::move(tokens), state_}.parse(step); !err.empty())
    return err;
  return add(std::move(step));
}

bool script_parser::parse_file(std::string_view text, const std::string& file,
                               const std::string& directory, std::size_t depth) {
  std::size_t line_number = 0;
  auto open_blocks = blocks_.size();
  while (!text.empty()) {
    auto eol = text.find('\n');
    auto line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    ++line_number;
    auto tokenized = detail::tokenize(line);
    if (tokenized.error.empty() && tokenized.tokens.empty())
      continue;
    script_step step;
    step.file = file;
    step.line = line_number;
    step.source = tokenized.source;
    auto err = tokenized.error;
    if (err.empty())
      err = parse_line(std::move(tokenized.tokens), std::move(step), directory, depth);
    if (result_.error)
      return false; // an included file failed
    if (!err.empty())
      return fail(file, line_number, std::move(err));
  }
  if (blocks_.size() > open_blocks) {
    auto& head = blocks_.back().first;
    return fail(file, head.line, "this block has no `end`");
  }
  return true;
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

std::string with_origin_notes(std::string message, const std::vector<step_origin>& origins,
                              const std::string& name) {
  for (auto& origin : origins) {
    message += "\n" + (origin.file.empty() ? name : origin.file) + ":"
               + std::to_string(origin.line) + ": note: ";
    if (origin.passes == 0)
      message += "included from here";
    else
      message += "in pass " + std::to_string(origin.pass) + " of "
                 + std::to_string(origin.passes) + " of this repeat";
  }
  return message;
}

std::string send_payload(const script_step& step) {
  if (step.number == 0 || step.text.empty())
    return step.text;
  std::string result;
  result.reserve(step.number);
  while (result.size() < step.number)
    result += step.text;
  result.resize(step.number);
  return result;
}

std::string substitute_variables(const std::string& text,
                                 const std::map<std::string, std::string>& variables,
                                 std::string* unknown) {
  std::string result;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 3, "$${") == 0) {
      result += "${";
      i += 3;
      continue;
    }
    auto close = text.compare(i, 2, "${") == 0 ? text.find('}', i + 2) : std::string::npos;
    if (close == std::string::npos) {
      result += text[i++];
      continue;
    }
    auto name = text.substr(i + 2, close - i - 2);
    if (auto found = variables.find(name); found != variables.end()) {
      result += found->second;
    } else if (auto* env = std::getenv(name.c_str()); env != nullptr && !name.empty()) {
      result += env;
    } else {
      if (unknown != nullptr && unknown->empty())
        *unknown = name.empty() ? std::string{"${}"} : name;
      result += text.substr(i, close + 1 - i);
    }
    i = close + 1;
  }
  return result;
}

script_parse_result parse_script(std::string_view text, const script_parse_options& options) {
  script_parse_result result;
  script_parser parser{result, options};
  parser.parse_file(text, {}, options.directory, 0);
  // A script that tests nothing would pass, and hide the mistake.
  if (result && result.value.steps.empty())
    result.error = script_error{{}, 0, "no steps (only blank lines and comments): it tests nothing", {}};
  return result;
}

script_parse_result parse_script(std::string_view text, const std::string& directory) {
  script_parse_options options;
  options.directory = directory;
  return parse_script(text, options);
}

script_parse_result parse_script_file(const std::string& path, script_parse_options options) {
  script_parse_result result;
  if (auto why = why_not_a_script(path); !why.empty()) {
    result.error = script_error{{}, 0, why, {}};
    return result;
  }
  std::ifstream in{path, std::ios::binary};
  if (!in) {
    result.error = script_error{{}, 0, "cannot open " + path, {}};
    return result;
  }
  std::stringstream text;
  text << in.rdbuf();
  auto slash = path.rfind('/');
  options.directory = slash == std::string::npos ? std::string{} : path.substr(0, slash);
  return parse_script(text.str(), options);
}

} // namespace actors::testing
