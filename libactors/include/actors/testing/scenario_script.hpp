#pragma once

// The text format for scenarios (see docs/scenarios.md): one step per line,
// `#` starts a comment. This header parses it; script_runner.hpp runs it.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/testing/headless_sink.hpp"
#include "actors/testing/scenario.hpp"
#include "actors/ui_event.hpp"

namespace actors::testing {

/// What a script step does.
enum class step_kind : std::uint8_t {
  /// `mode`, `timeout`, `credit` or `bridge`: configures the scenario before
  /// it starts (already applied to `script::options`; running it does nothing).
  setup,
  /// `server echo|sink`.
  start_server,
  /// `connect NAME`.
  connect,
  /// `send NAME TEXT`.
  send,
  /// `flood NAME COUNT`.
  flood,
  /// `close NAME`.
  close,
  /// `reset NAME`.
  reset,
  /// `post TEXT`.
  post,
  /// `sink stall`.
  sink_stall,
  /// `sink resume` or `sink fast`.
  sink_resume,
  /// `sink slow DURATION`.
  sink_slow,
  /// `wait DURATION`.
  wait,
  /// `expect NAME frame TEXT [within DURATION]`.
  expect_frame,
  /// `expect NAME closed [within DURATION]`.
  expect_closed,
  /// `expect NAME blocked`.
  expect_blocked,
  /// `expect ui event KIND [TEXT] [within DURATION]`.
  expect_ui_event,
  /// `expect ui COUNTER [>=] NUMBER [within DURATION]`.
  expect_ui_count,
};

/// One line of a script that does something.
struct script_step {
  /// The line number, from 1.
  std::size_t line = 0;
  /// The line as written, without its comment and surrounding blanks.
  std::string source;
  /// What the step does; says which fields below are meaningful.
  step_kind kind = step_kind::setup;
  /// The peer the step is about.
  std::string peer;
  /// The frame, message or expected text.
  std::string text;
  /// A count or an expected counter value.
  std::uint64_t number = 0;
  /// `wait` and `sink slow`: how long.
  std::chrono::milliseconds duration{0};
  /// Expectations: how long to wait (the script's default if not given).
  std::optional<std::chrono::milliseconds> timeout;
  /// `server`: which one.
  server_kind server = server_kind::echo;
  /// `expect ui event`: the kind of event.
  ui_event_kind event = ui_event_kind::frame;
  /// `expect ui COUNTER`: the counter.
  ui_counter counter = ui_counter::events;
  /// `expect ui COUNTER >= NUMBER`: at least, rather than exactly.
  bool at_least = false;
};

/// A parsed script: the scenario's options (from its setup lines) and its
/// steps in order.
struct script {
  /// Options from `mode`, `timeout`, `credit` and `bridge` lines.
  scenario_options options;
  /// Every line that is not blank or a comment, in order.
  std::vector<script_step> steps;
};

/// Why a script could not be parsed.
struct script_error {
  /// The offending line, from 1.
  std::size_t line = 0;
  /// What is wrong, for people.
  std::string message;
};

/// A script, or the first error in it.
struct script_parse_result {
  /// The script; meaningful only without an error.
  script value;
  /// The first error, if any.
  std::optional<script_error> error;

  /// True if the script parsed.
  explicit operator bool() const noexcept { return !error.has_value(); }
};

/// Parses a script. Checks everything that can be checked without running
/// it: step names and arguments, numbers and durations, that setup lines come
/// first, that peers are connected before use, and that steps needing
/// sockets appear only in mode real. Safe to call from any thread.
script_parse_result parse_script(std::string_view text);

/// Parses a duration such as "250ms" or "2s".
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) noexcept;

} // namespace actors::testing
