#include "file_run.hpp"

#include <exception>
#include <sstream>
#include <vector>

#include "actors/testing/scenario_script.hpp"
#include "actors/testing/script_runner.hpp"

namespace actors::testing {

namespace {

using clock = std::chrono::steady_clock;

std::string location(const std::string& file, const std::string& included_file,
                     std::size_t line) {
  auto name = included_file.empty() ? file : included_file;
  return line == 0 ? name : name + ":" + std::to_string(line);
}

// "FILE:LINE: error: message", as the log shows a failure.
std::string error_line(const file_run& run) {
  return failure_location(run) + ": error: " + run.message + "\n";
}

// The file as it ends when nothing ran: unreadable or unparsable.
file_run not_run(const std::string& file, const script_error& err) {
  file_run run;
  run.file = file;
  run.included_file = err.file;
  run.line = err.line;
  run.message = with_origin_notes(err.message, err.origins, file);
  run.log = error_line(run);
  return run;
}

const script_step* step_at(const std::vector<script_step>& steps, const std::string& file,
                           std::size_t line) {
  for (auto& step : steps) {
    if (step.file == file && step.line == line)
      return &step;
    if (auto inner = step_at(step.group, file, line))
      return inner;
  }
  return nullptr;
}

bool failed_at(const file_run& run, std::optional<std::size_t> expected_failure) {
  return expected_failure && run.included_file.empty() && run.line == *expected_failure;
}

// Judges a finished run against --expect-failure and says so in the log.
void judge(file_run& run, bool passed, std::optional<std::size_t> expected_failure) {
  if (!expected_failure) {
    run.verdict = passed ? file_verdict::passed : file_verdict::failed;
    run.log += run.file + (passed ? ": passed\n" : ": FAILED\n");
  } else if (!passed && failed_at(run, expected_failure)) {
    run.verdict = file_verdict::passed;
    run.log += run.file + ": failed at line " + std::to_string(run.line) + " as expected\n";
  } else {
    auto what = passed ? std::string{"the script passed"}
                       : failure_location(run) + " failed";
    run.verdict = file_verdict::failed;
    run.included_file.clear();
    run.line = *expected_failure;
    run.message = "expected this line to fail, but " + what;
    run.step.clear();
    run.log += error_line(run);
    run.log += run.file + ": FAILED\n"; // the verdict line every other run ends with
  }
}

file_run run_parsed(const std::string& file, const script& parsed,
                    std::optional<std::size_t> expected_failure) {
  file_run run;
  run.file = file;
  std::ostringstream log;
  auto report = run_script(parsed, file, log);
  run.log = log.str();
  if (!report.passed) {
    run.included_file = report.failed_file;
    run.line = report.failed_line;
    run.message = report.message;
    if (auto step = step_at(parsed.steps, report.failed_file, report.failed_line))
      run.step = step->source;
  }
  judge(run, report.passed, expected_failure);
  return run;
}

file_run run_file_or_throw(const std::string& file,
                           std::optional<std::size_t> expected_failure) {
  auto parsed = parse_script_file(file);
  if (parsed)
    return run_parsed(file, parsed.value, expected_failure);
  auto run = not_run(file, *parsed.error);
  if (failed_at(run, expected_failure)) {
    run.verdict = file_verdict::passed;
    run.log += file + ": failed at line " + std::to_string(run.line) + " as expected\n";
  } else if (parsed.error->line == 0) {
    run.log += file + ": NOT RUN: it cannot be read\n"; // no line to blame
  } else {
    run.log += file + ": NOT RUN: it does not parse\n";
  }
  return run;
}

void list_steps(std::string& log, const std::string& file,
                const std::vector<script_step>& steps) {
  for (auto& step : steps) {
    log += location(file, step.file, step.line) + ": " + step.source + "\n";
    list_steps(log, file, step.group);
  }
}

} // namespace

std::string failure_location(const file_run& run) {
  return location(run.file, run.included_file, run.line);
}

std::string failure_headline(const file_run& run) {
  return failure_location(run) + ": " + run.message.substr(0, run.message.find('\n'));
}

file_run run_file(const std::string& file, std::optional<std::size_t> expected_failure) {
  auto start = clock::now();
  file_run run;
  try {
    run = run_file_or_throw(file, expected_failure);
  } catch (const std::exception& e) {
    // A bug in a step must not take the other files (and the report) down.
    run = file_run{};
    run.file = file;
    run.verdict = file_verdict::failed;
    run.message = std::string{"the runner threw: "} + e.what();
    run.log = error_line(run);
  }
  run.elapsed = clock::now() - start;
  return run;
}

file_run list_file(const std::string& file) {
  // Listing runs nothing, so the environment a script needs may be unset.
  script_parse_options options;
  options.check_variables = false;
  auto parsed = parse_script_file(file, options);
  if (!parsed)
    return not_run(file, *parsed.error);
  file_run run;
  run.file = file;
  run.verdict = file_verdict::passed;
  list_steps(run.log, file, parsed.value.steps);
  return run;
}

} // namespace actors::testing
