#include "actors/testing/script_runner.hpp"

namespace actors::testing {

namespace {

outcome run_expectation(scenario& s, const script_step& step) {
  auto timeout = step.timeout.value_or(s.default_timeout());
  switch (step.kind) {
    case step_kind::expect_frame: return s.expect_frame(step.peer, step.text, timeout);
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

} // namespace

outcome run_step(scenario& s, const script_step& step) {
  switch (step.kind) {
    case step_kind::setup: return {};
    case step_kind::start_server: return s.start_server(step.server);
    case step_kind::connect: return s.connect(step.peer);
    case step_kind::send: return s.send(step.peer, step.text);
    case step_kind::flood: return s.flood(step.peer, step.number);
    case step_kind::close: return s.close(step.peer);
    case step_kind::reset: return s.reset(step.peer);
    case step_kind::post: return s.post(step.text);
    case step_kind::sink_stall: return s.stall_sink();
    case step_kind::sink_resume: return s.resume_sink();
    case step_kind::sink_slow: return s.slow_sink(step.duration);
    case step_kind::wait: return s.wait(step.duration);
    default: return run_expectation(s, step);
  }
}

script_report run_script(const script& script, const std::string& name,
                         std::ostream& log) {
  scenario s{script.options};
  for (auto& step : script.steps) {
    log << name << ':' << step.line << ": " << step.source << std::endl;
    auto result = run_step(s, step);
    if (!result) {
      log << name << ':' << step.line << ": error: " << result.message()
          << std::endl;
      return script_report{false, step.line, result.message()};
    }
  }
  return script_report{true, 0, {}};
}

script_report run_script(std::string_view text, const std::string& name,
                         std::ostream& log) {
  auto parsed = parse_script(text);
  if (!parsed) {
    log << name << ':' << parsed.error->line << ": error: "
        << parsed.error->message << std::endl;
    return script_report{false, parsed.error->line, parsed.error->message};
  }
  return run_script(parsed.value, name, log);
}

} // namespace actors::testing
