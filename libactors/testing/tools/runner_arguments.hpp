#pragma once

// actors-scenario's command line: what to run and how to report it.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <caf/expected.hpp>

namespace actors::testing {

/// What actors-scenario was asked to do.
struct runner_arguments {
  /// The scripts, in the order given.
  std::vector<std::string> files;
  /// `--expect-failure LINE`: each script passes only if it fails at LINE.
  std::optional<std::size_t> expected_failure;
  /// `--junit FILE`: where to write a JUnit XML report; empty for none.
  std::string junit_file;
  /// `--tap`: print TAP version 13 on stdout instead of the plain log.
  bool tap = false;
  /// `--list`: parse and print the steps, run nothing.
  bool list = false;
  /// `--jobs N`: how many scripts run at once.
  std::size_t jobs = 1;
  /// `--help` or `-h`: print the usage and exit.
  bool help = false;
};

/// The text `--help` prints; its first line is the usage line.
extern const char* const runner_usage;

/// Parses argv without the program name. Errors (invalid_argument) say what
/// is wrong in words: an unknown option, a missing or non-numeric value, no
/// script, or options that do not go together.
caf::expected<runner_arguments> parse_runner_arguments(const std::vector<std::string>& args);

} // namespace actors::testing
