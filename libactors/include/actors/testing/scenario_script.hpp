#pragma once

// The text format for scenarios (see docs/scenarios.md): one step per line,
// `#` starts a comment. This header parses it; script_runner.hpp runs it.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
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
  /// `mode`, `timeout`, `credit`, `framing`, `bridge` or `port-from`: configures the
  /// scenario before it starts (already applied to `script::options` or the
  /// `server run` steps; running it does nothing).
  setup,
  /// `server echo|sink`.
  start_server,
  /// `server run CMD ARGS... [within DURATION]`: `words` is the command,
  /// `text` the port pattern (from `port-from`; empty for the default).
  run_server,
  /// `server at HOST:PORT` (in `text`).
  use_server,
  /// `connect NAME [tls [ca FILE|insecure]] [framing KIND]`.
  connect,
  /// `udp NAME [HOST:PORT]` (in `text`; empty for the server's address).
  udp,
  /// `send NAME TEXT`, `send NAME hex BYTES...` or `send NAME fill SIZE
  /// [TEXT]` (SIZE bytes of TEXT repeated, default "x").
  send,
  /// `flood NAME COUNT`.
  flood,
  /// `finish NAME`: the peer half-closes (FIN) and keeps reading.
  finish,
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
  /// `expect NAME frame TEXT|~ REGEX [as VAR] [within DURATION]`.
  expect_frame,
  /// `await NAME frame TEXT|~ REGEX [as VAR] [within DURATION]`.
  await_frame,
  /// `expect NAME frames COUNT [within DURATION]`.
  expect_frames,
  /// `expect NAME silent DURATION`.
  expect_silent,
  /// `expect NAME finished [within DURATION]`.
  expect_finished,
  /// `unordered [within DURATION]` ... `end`: the `expect NAME frame` steps
  /// in `group`, met in any order.
  expect_unordered,
  /// `expect NAME closed [within DURATION]`.
  expect_closed,
  /// `expect NAME blocked`.
  expect_blocked,
  /// `expect ui event KIND [TEXT] [within DURATION]`.
  expect_ui_event,
  /// `expect ui COUNTER [>=] NUMBER [within DURATION]`.
  expect_ui_count,
};

/// How a step came to be where it runs: one `repeat` pass that made this
/// copy of it, or one `include` line that brought it in.
struct step_origin {
  /// The file of the `repeat` or `include` line; empty for the script itself.
  std::string file;
  /// That line, from 1.
  std::size_t line = 0;
  /// `repeat`: which pass made the copy, from 1; 0 for an `include`.
  std::uint64_t pass = 0;
  /// `repeat`: how many passes it makes; 0 for an `include`.
  std::uint64_t passes = 0;
};

/// One line of a script that does something.
struct script_step {
  /// The file the step comes from when an `include` brought it in; empty
  /// for the script itself.
  std::string file;
  /// The line number in that file, from 1.
  std::size_t line = 0;
  /// The line as written, without its comment and surrounding blanks.
  std::string source;
  /// The `repeat` passes and `include` lines it came through, innermost
  /// first; empty for a step written once in the script itself.
  std::vector<step_origin> origins;
  /// What the step does; says which fields below are meaningful.
  step_kind kind = step_kind::setup;
  /// The peer the step is about.
  std::string peer;
  /// The frame, message, expected text or regular expression, or an
  /// address. May hold `${VAR}` references, replaced when the step runs
  /// (unless `literal`).
  std::string text;
  /// `text` is bytes given in hex or made by `fill`: no `${VAR}` replacement.
  bool literal = false;
  /// `expect`/`await ... frame ~ REGEX`: `text` is an RE2 pattern.
  bool regex = false;
  /// `as VAR`: the variable that keeps the frame (or the regex's first
  /// capture).
  std::string variable;
  /// `server run`: the command and its arguments (with `${VAR}` references).
  std::vector<std::string> words;
  /// `connect`: framing and TLS.
  peer_options connection;
  /// `unordered`: its `expect NAME frame` steps.
  std::vector<script_step> group;
  /// A count, an expected counter value, or (`send NAME fill SIZE`) the
  /// size of the payload `text` is repeated to.
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
  /// The included file the line is in; empty for the script itself.
  std::string file;
  /// The offending line, from 1.
  std::size_t line = 0;
  /// What is wrong, for people.
  std::string message;
  /// The `include` lines that lead to `file`, innermost first.
  std::vector<step_origin> origins;
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

/// How to parse a script.
struct script_parse_options {
  /// Where relative paths (`include`, `tls ca`) start; empty: the current
  /// directory.
  std::string directory;
  /// Peers that exist before the script's first step, as if connected (a
  /// client's open connections, for a sequence run against them).
  std::vector<std::string> peers;
  /// Refuse a `${VAR}` that names neither a variable set earlier nor one of
  /// the environment. Off to list a script whose environment is not set.
  bool check_variables = true;
  /// Refuse a `connect` in mode real before a `server` step. Off where the
  /// caller refuses `connect` itself, with its own reason (the client's
  /// sequences, which run on the client's open connections).
  bool connect_needs_server = true;
};

/// Parses a script with `options` (see the overload below).
script_parse_result parse_script(std::string_view text, const script_parse_options& options);

/// Parses a script. Checks everything that can be checked without running
/// it: step names and arguments, numbers, durations and regular
/// expressions, that setup lines come first, that peers are connected
/// before use, that every `${VAR}` names a variable set earlier (`as VAR`,
/// `server_host`, `server_port`) or one of the environment, and that steps
/// needing sockets appear only in mode real. `include FILE` and `ca FILE`
/// are relative to `directory` (the script's own; empty: the current one).
/// Safe to call from any thread.
script_parse_result parse_script(std::string_view text, const std::string& directory = {});

/// Reads and parses the script in `path` (see `parse_script`); a file that
/// cannot be read is an error at line 0. Relative paths in it start at its
/// directory (`options.directory` is ignored).
script_parse_result parse_script_file(const std::string& path,
                                      script_parse_options options = {});

/// The payload a `send` step sends: its text, or (`fill SIZE`) its text
/// repeated to SIZE bytes.
std::string send_payload(const script_step& step);

/// Replaces every `${NAME}` in `text` with `variables[NAME]`, or else the
/// environment variable NAME; `$${` stands for a literal `${`. Sets
/// `unknown` to the first name found in neither (and leaves it as written).
std::string substitute_variables(const std::string& text,
                                 const std::map<std::string, std::string>& variables,
                                 std::string* unknown = nullptr);

/// `message`, then a line for each `repeat` pass and `include` a step or
/// error came through, innermost first: "FILE:LINE: note: in pass P of N
/// of this repeat" or "FILE:LINE: note: included from here" (`name` stands
/// for the script's own file). `message` alone when `origins` is empty.
std::string with_origin_notes(std::string message, const std::vector<step_origin>& origins,
                              const std::string& name);

/// Parses a duration such as "250ms" or "2s".
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) noexcept;

} // namespace actors::testing
