#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>

#include "actors/testing/scenario.hpp"
#include "actors/testing/scenario_script.hpp"

namespace actors::testing {

/// How a script run ended.
struct script_report {
  /// True if every step succeeded.
  bool passed = false;
  /// The included file the failing line is in; empty for the script itself.
  std::string failed_file;
  /// The line of the step (or parse error) that failed; 0 if none did.
  std::size_t failed_line = 0;
  /// True if the script did not parse (nothing ran).
  bool parse_error = false;
  /// Why it failed; empty if it passed.
  std::string message;
};

/// Runs one step of a script on `s` (with `${VAR}` replaced from the
/// environment only).
outcome run_step(scenario& s, const script_step& step);

/// Runs `script` in a fresh scenario built from its options, stopping at the
/// first failed step. Prints each step as "NAME:LINE: source" before running
/// it, and a failure as "NAME:LINE: error: message", to `log`.
/// Blocks while the scenario runs (real mode: up to each step's timeout).
/// Call it from a thread that may block, never from an actor.
script_report run_script(const script& script, const std::string& name,
                         std::ostream& log);

/// Parses and runs `text`; a parse error fails at its line without running
/// anything. See `run_script(const script&, ...)`.
script_report run_script(std::string_view text, const std::string& name,
                         std::ostream& log);

} // namespace actors::testing
