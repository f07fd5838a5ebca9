#include "actors/testing/script_runner.hpp"

#include <map>
#include <utility>

#include "server_process.hpp"

namespace actors::testing {

namespace {

// The script's variables as they run: `as VAR` captures and the server's
// address.
using variable_map = std::map<std::string, std::string>;

// `step` with every `${VAR}` replaced.
script_step substituted(const script_step& step, const variable_map& variables) {
  script_step result = step;
  if (!step.literal)
    result.text = substitute_variables(step.text, variables);
  for (auto& word : result.words)
    word = substitute_variables(word, variables);
  for (auto& member : result.group)
    member.text = substitute_variables(member.text, variables);
  return result;
}

frame_pattern pattern_of(const script_step& step) {
  return frame_pattern{step.text, step.regex};
}

outcome bad_regex(const script_step& step) {
  if (!step.regex)
    return {};
  if (auto err = check_regex(step.text); !err.empty())
    return outcome::failure("bad regular expression /" + step.text + "/: " + err);
  return {};
}

outcome run_unordered(scenario& s, const script_step& step,
                      std::chrono::milliseconds timeout) {
  std::vector<peer_frame> expectations;
  for (auto& member : step.group) {
    if (auto bad = bad_regex(member); !bad)
      return bad;
    expectations.push_back(peer_frame{member.peer, pattern_of(member)});
  }
  return s.expect_unordered(expectations, timeout);
}

outcome run_frame_step(scenario& s, const script_step& step,
                       std::chrono::milliseconds timeout, variable_map& variables) {
  if (auto bad = bad_regex(step); !bad)
    return bad;
  std::string captured;
  auto* capture = step.variable.empty() ? nullptr : &captured;
  auto result = step.kind == step_kind::await_frame
                  ? s.await_frame(step.peer, pattern_of(step), timeout, capture)
                  : s.expect_frame(step.peer, pattern_of(step), timeout, capture);
  if (result && capture != nullptr)
    variables[step.variable] = std::move(captured);
  return result;
}

outcome run_expectation(scenario& s, const script_step& step, variable_map& variables) {
  auto timeout = step.timeout.value_or(s.default_timeout());
  switch (step.kind) {
    case step_kind::expect_frame:
    case step_kind::await_frame: return run_frame_step(s, step, timeout, variables);
    case step_kind::expect_frames: return s.expect_frames(step.peer, step.number, timeout);
    case step_kind::expect_silent: return s.expect_silent(step.peer, step.duration);
    case step_kind::expect_finished: return s.expect_finished(step.peer, timeout);
    case step_kind::expect_unordered: return run_unordered(s, step, timeout);
    case step_kind::expect_closed: return s.expect_closed(step.peer, timeout);
    case step_kind::expect_blocked: return s.expect_blocked(step.peer);
    case step_kind::expect_ui_event:
      return s.expect_ui_event(step.event, step.text, timeout);
    case step_kind::expect_ui_count:
      return step.at_least
               ? s.expect_ui_at_least(step.counter, step.number, timeout)
               : s.expect_ui_count(step.counter, step.number, timeout);
    default: return outcome::failure("not an expectation");
  }
}

// Parses HOST:PORT (or the server's address if `text` is empty).
outcome with_address(scenario& s, const std::string& text, std::string& host,
                     std::uint16_t& port) {
  if (text.empty()) {
    auto address = s.server_address();
    if (!address)
      return outcome::failure("no server address yet: give HOST:PORT");
    host = address->first;
    port = address->second;
    return {};
  }
  auto endpoint = detail::parse_server_endpoint(text);
  if (!endpoint)
    return outcome::failure(message_of(endpoint.error()));
  host = endpoint->host;
  port = endpoint->port;
  return {};
}

outcome run_server_step(scenario& s, const script_step& step, variable_map& variables) {
  outcome result;
  if (step.kind == step_kind::start_server) {
    result = s.start_server(step.server);
  } else if (step.kind == step_kind::run_server) {
    auto timeout = step.timeout.value_or(std::max(s.default_timeout(),
                                                  std::chrono::milliseconds{10'000}));
    result = s.run_server(step.words, step.text, timeout);
  } else {
    std::string host;
    std::uint16_t port = 0;
    result = with_address(s, step.text, host, port);
    if (result)
      result = s.use_server(host, port);
  }
  if (auto address = s.server_address()) {
    variables["server_host"] = address->first;
    variables["server_port"] = std::to_string(address->second);
  }
  return result;
}

outcome run_udp(scenario& s, const script_step& step) {
  std::string host;
  std::uint16_t port = 0;
  if (auto result = with_address(s, step.text, host, port); !result)
    return result;
  return s.open_udp(step.peer, host, port);
}

outcome run_step(scenario& s, const script_step& step, variable_map& variables) {
  switch (step.kind) {
    case step_kind::setup: return {};
    case step_kind::start_server:
    case step_kind::run_server:
    case step_kind::use_server: return run_server_step(s, step, variables);
    case step_kind::connect: return s.connect(step.peer, step.connection);
    case step_kind::udp: return run_udp(s, step);
    case step_kind::send: return s.send(step.peer, send_payload(step));
    case step_kind::flood: return s.flood(step.peer, step.number);
    case step_kind::finish: return s.finish(step.peer);
    case step_kind::close: return s.close(step.peer);
    case step_kind::reset: return s.reset(step.peer);
    case step_kind::post: return s.post(step.text);
    case step_kind::sink_stall: return s.stall_sink();
    case step_kind::sink_resume: return s.resume_sink();
    case step_kind::sink_slow: return s.slow_sink(step.duration);
    case step_kind::wait: return s.wait(step.duration);
    default: return run_expectation(s, step, variables);
  }
}

// "FILE:LINE" of a step: the included file's name, or the script's.
std::string where(const std::string& name, const std::string& file, std::size_t line) {
  return (file.empty() ? name : file) + ":" + std::to_string(line);
}

script_report failed(const std::string& file, std::size_t line, std::string message) {
  script_report report;
  report.failed_file = file;
  report.failed_line = line;
  report.message = std::move(message);
  return report;
}

} // namespace

outcome run_step(scenario& s, const script_step& step) {
  variable_map variables;
  return run_step(s, substituted(step, variables), variables);
}

script_report run_script(const script& script, const std::string& name,
                         std::ostream& log) {
  scenario s{script.options};
  variable_map variables;
  // The `server run` step, which a server's bad exit is blamed on.
  const script_step* server_step = nullptr;
  for (auto& step : script.steps) {
    log << where(name, step.file, step.line) << ": " << step.source << std::endl;
    for (auto& expected : step.group) // an `unordered` block's steps
      log << where(name, expected.file, expected.line) << ": " << expected.source << std::endl;
    auto result = run_step(s, substituted(step, variables), variables);
    if (step.kind == step_kind::run_server)
      server_step = &step;
    if (!result) {
      auto message = with_origin_notes(result.message(), step.origins, name);
      if (auto diagnostics = s.server_diagnostics(); !diagnostics.empty())
        message += "\n" + diagnostics;
      log << where(name, step.file, step.line) << ": error: " << message << std::endl;
      return failed(step.file, step.line, std::move(message));
    }
  }
  if (auto stopped = s.stop_server(); !stopped && server_step != nullptr) {
    log << where(name, server_step->file, server_step->line)
        << ": error: " << stopped.message() << std::endl;
    return failed(server_step->file, server_step->line, stopped.message());
  }
  script_report report;
  report.passed = true;
  return report;
}

script_report run_script(std::string_view text, const std::string& name,
                         std::ostream& log) {
  auto slash = name.rfind('/');
  auto parsed = parse_script(text, slash == std::string::npos ? std::string{}
                                                              : name.substr(0, slash));
  if (!parsed) {
    auto& err = *parsed.error;
    auto message = with_origin_notes(err.message, err.origins, name);
    log << where(name, err.file, err.line) << ": error: " << message << std::endl;
    auto report = failed(err.file, err.line, message);
    report.parse_error = true;
    return report;
  }
  return run_script(parsed.value, name, log);
}

} // namespace actors::testing
