#pragma once

// One script file through actors-scenario: read, parsed, run (or only
// listed), and how that ended, with the step log kept for the reports.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace actors::testing {

/// How a script file ended, as the exit status counts it.
enum class file_verdict : std::uint8_t {
  /// Every step passed, or it failed exactly where --expect-failure said.
  passed,
  /// A step failed (or passed where a failure was expected): exit status 1.
  failed,
  /// The file could not be read or does not parse: exit status 2.
  not_run,
};

/// The outcome of one script file.
struct file_run {
  /// The path as given on the command line.
  std::string file;
  /// How it ended.
  file_verdict verdict = file_verdict::not_run;
  /// The file an `include` brought the failing line from; empty when it is
  /// in the script itself.
  std::string included_file;
  /// The line the failure names; 0 if none (passed, or an unreadable file).
  std::size_t line = 0;
  /// What was expected and what happened instead; empty if it passed.
  std::string message;
  /// The failing step as written, if a step failed; empty otherwise.
  std::string step;
  /// Everything printed for this file: each step, errors, the verdict.
  std::string log;
  /// Wall-clock time of the run.
  std::chrono::duration<double> elapsed{0};
};

/// "FILE:LINE" where the failure is (the included file's name if it is in
/// one), or "FILE" without a line.
std::string failure_location(const file_run& run);

/// "FILE:LINE: message", with the message's first line only (the rest may be
/// a server's stderr): the failure in one line, as reports show it.
std::string failure_headline(const file_run& run);

/// Reads, parses and runs `file` in a fresh scenario. A failure counts as
/// expected only at line `expected_failure` of the script itself (not of a
/// file it includes); a parse error there counts too. Blocks while the
/// script runs; safe to call from several threads at once (each run builds
/// its own actor system). Never throws: an exception fails the file.
file_run run_file(const std::string& file, std::optional<std::size_t> expected_failure);

/// Reads and parses `file`; its log holds "FILE:LINE: source" for every
/// step, or the parse error. Runs nothing.
file_run list_file(const std::string& file);

} // namespace actors::testing
