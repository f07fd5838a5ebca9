#include "runner_arguments.hpp"

#include <algorithm>

#include "actors/command_line.hpp"
#include "actors/error_kind.hpp"

namespace actors::testing {

const char* const runner_usage = R"(usage: actors-scenario [--expect-failure LINE] [--junit FILE] [--tap] [--jobs N] [--list] FILE...
Runs scenario scripts headlessly (docs/scenarios.md). Exit status: 0 every
script passed, 1 a step failed, 2 a usage error or a script that does not parse.
  --expect-failure LINE  a script passes only if it fails exactly at LINE
  --junit FILE           also write a JUnit XML report to FILE
  --tap                  print TAP version 13 (the step log as "# " comments)
  --jobs N               run N scripts at once (default 1); each log is
                         printed whole, in the order the files were given
  --list                 print each script's steps without running them
  --help                 print this text
)";

namespace {

caf::error invalid(std::string message) {
  return caf::make_error(error_kind::invalid_argument, std::move(message));
}

// Options that make no sense together are refused rather than half ignored.
caf::error check_combination(const runner_arguments& args) {
  if (args.files.empty())
    return invalid("no script given");
  if (args.list && (args.expected_failure || args.tap || !args.junit_file.empty()))
    return invalid("--list runs nothing, so it takes no --expect-failure, --tap or --junit");
  // `--junit *.scn` takes the first script as the report's name.
  auto& report = args.junit_file;
  bool is_script = report.size() > 4 && report.compare(report.size() - 4, 4, ".scn") == 0;
  if (is_script || std::find(args.files.begin(), args.files.end(), report) != args.files.end())
    return invalid("--junit " + report + " would write the report over a script: "
                   "name the report's file first (--junit report.xml FILE...)");
  return {};
}

} // namespace

caf::expected<runner_arguments> parse_runner_arguments(const std::vector<std::string>& args) {
  command_line_spec spec{{"expect-failure", "junit", "jobs"}, {"tap", "list"}, runner_usage};
  auto parsed = command_line::parse(args, spec);
  if (!parsed)
    return parsed.error();
  runner_arguments result;
  if (parsed->help_requested()) {
    result.help = true;
    return result;
  }
  for (auto& positional : parsed->positionals()) {
    if (positional.size() > 1 && positional[0] == '-')
      return invalid("unknown option " + positional);
    result.files.push_back(positional);
  }
  if (parsed->has("expect-failure")) {
    auto line = parse_number(parsed->get("expect-failure", ""), "--expect-failure", 1,
                             1'000'000'000);
    if (!line)
      return line.error();
    result.expected_failure = *line;
  }
  auto jobs = parsed->number("jobs", 1, 1, 1024);
  if (!jobs)
    return jobs.error();
  result.jobs = *jobs;
  result.junit_file = parsed->get("junit", "");
  if (parsed->has("junit") && result.junit_file.empty())
    return invalid("--junit needs a file name");
  result.tap = parsed->has("tap");
  result.list = parsed->has("list");
  if (auto err = check_combination(result))
    return err;
  return result;
}

} // namespace actors::testing
