// actors-scenario [options] FILE... : runs scenario scripts headlessly (see
// docs/scenarios.md and --help). Prints each step, then each script's
// verdict, and with several files a summary; writes JUnit XML or TAP on
// request. Exit status: 0 every script passed, 1 a step failed, 2 a usage
// error or a script that does not parse.

#include <algorithm>
#include <chrono>
#include <exception>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "actors/error_kind.hpp"
#include "file_run.hpp"
#include "junit_report.hpp"
#include "parallel_runs.hpp"
#include "runner_arguments.hpp"
#include "tap_report.hpp"

using namespace actors::testing;

namespace {

constexpr int exit_passed = 0;
constexpr int exit_failed = 1;
constexpr int exit_usage = 2;

int usage_error(const std::string& reason) {
  std::string usage = runner_usage;
  std::cerr << "actors-scenario: error: " << reason << "\n"
            << usage.substr(0, usage.find('\n')) << "\n";
  return exit_usage;
}

std::size_t count(const std::vector<file_run>& runs, file_verdict verdict) {
  return static_cast<std::size_t>(std::count_if(
    runs.begin(), runs.end(), [&](const file_run& run) { return run.verdict == verdict; }));
}

// A script that cannot run is a usage error, and outweighs a failed step.
int exit_status(const std::vector<file_run>& runs) {
  if (count(runs, file_verdict::not_run) > 0)
    return exit_usage;
  return count(runs, file_verdict::failed) > 0 ? exit_failed : exit_passed;
}

std::string summary(const std::vector<file_run>& runs) {
  auto text = std::to_string(count(runs, file_verdict::passed)) + " passed, "
              + std::to_string(count(runs, file_verdict::failed)) + " failed";
  if (auto not_run = count(runs, file_verdict::not_run))
    text += ", " + std::to_string(not_run) + " not run";
  return text;
}

int list_files(const runner_arguments& args) {
  std::vector<file_run> runs;
  for (auto& file : args.files) {
    runs.push_back(list_file(file));
    std::cout << runs.back().log << std::flush;
  }
  return exit_status(runs);
}

int run_files(const runner_arguments& args) {
  std::ofstream junit;
  if (!args.junit_file.empty()) {
    junit.open(args.junit_file, std::ios::binary | std::ios::trunc);
    if (!junit)
      return usage_error("cannot write the JUnit report " + args.junit_file);
  }
  auto start = std::chrono::steady_clock::now();
  if (args.tap)
    write_tap_plan(std::cout, args.files.size());
  std::size_t number = 0;
  auto runs = run_in_parallel(
    args.files, args.jobs,
    [&](const std::string& file) { return run_file(file, args.expected_failure); },
    [&](const file_run& run) {
      if (args.tap)
        write_tap_result(std::cout, ++number, run);
      else
        std::cout << run.log << std::flush;
    });
  if (args.files.size() > 1)
    std::cout << (args.tap ? "# " : "") << summary(runs) << std::endl;
  if (junit.is_open()) {
    write_junit(junit, runs, std::chrono::steady_clock::now() - start);
    junit.close();
    if (!junit)
      return usage_error("cannot write the JUnit report " + args.junit_file);
  }
  return exit_status(runs);
}

} // namespace

int main(int argc, char** argv) {
  auto args = parse_runner_arguments({argv + 1, argv + argc});
  if (!args)
    return usage_error(actors::message_of(args.error()));
  if (args->help) {
    std::cout << runner_usage;
    return exit_passed;
  }
  try {
    return args->list ? list_files(*args) : run_files(*args);
  } catch (const std::exception& e) {
    std::cerr << "actors-scenario: error: " << e.what() << std::endl;
    return exit_failed;
  }
}
