#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/connection_options.hpp"
#include "actors/connection_protocol.hpp"
#include "actors/testing/headless_sink.hpp"
#include "actors/ui_bridge.hpp"

namespace actors::testing {

/// How a scenario runs.
enum class scenario_mode : std::uint8_t {
  /// CAF's test_coordinator on the calling thread: exact message order,
  /// simulated time, no sockets. Peers are simulated connection actors that
  /// honour read credit. For logic.
  deterministic,
  /// Real threads and loopback sockets: a real server on 127.0.0.1 and peers
  /// that are plain TCP clients (not built on libactors). For I/O.
  real,
};

/// Returns "deterministic" or "real".
const char* to_string(scenario_mode mode) noexcept;

/// The server a real scenario starts.
enum class server_kind : std::uint8_t {
  /// Sends every frame back to its peer, and shows every event in the UI.
  echo,
  /// Only shows every event in the UI (the bridge is the subscriber).
  sink,
};

/// The outcome of one scenario step: success, or a failure with a message
/// that says what was expected and what happened.
class outcome {
public:
  /// A success.
  outcome() = default;

  /// A failure explained by `message`.
  static outcome failure(std::string message);

  /// True on success.
  explicit operator bool() const noexcept { return failed_.empty(); }

  /// Why the step failed; empty on success.
  const std::string& message() const noexcept { return failed_; }

private:
  std::string failed_;
};

/// Prints "ok" or the failure message (so Catch2 shows it).
std::ostream& operator<<(std::ostream& out, const outcome& x);

/// What a frame a peer receives must be.
struct frame_pattern {
  /// The exact payload, or (with `regex`) an RE2 pattern the payload must
  /// contain a match of (anchor it with ^ and $ for the whole frame).
  std::string text;
  /// True if `text` is a regular expression (RE2 syntax).
  bool regex = false;
};

/// Describes `pattern` for messages: "\"text\"" or "~ /regex/".
std::string to_string(const frame_pattern& pattern);

/// Why `pattern` is not a valid RE2 expression; empty if it is.
std::string check_regex(const std::string& pattern);

/// True if `frame` matches `pattern` (a regex matches byte by byte); with
/// `capture`, stores the regex's first capture, or else the whole match
/// (the frame itself for exact text).
bool frame_matches(const frame_pattern& pattern, std::string_view frame,
                   std::string* capture = nullptr);

/// How a real-mode peer connects (`connect NAME tls ... framing ...`).
struct peer_options {
  /// How its frames are cut; the scenario's connection framing if not set.
  std::optional<framing_options> framing;
  /// Speak TLS (the server's certificate is verified against the system's
  /// CA store or `ca_file`, and must name the host, unless `insecure`).
  bool tls = false;
  /// CA certificates (PEM) to verify the server against.
  std::string ca_file;
  /// Skip verifying the server's certificate (tests and lab devices only).
  bool insecure = false;
};

/// One expectation of `scenario::expect_unordered`: a peer and its frame.
struct peer_frame {
  /// The peer's name.
  std::string peer;
  /// What one of its frames must be.
  frame_pattern pattern;
};

/// Everything that configures a scenario.
struct scenario_options {
  /// Deterministic or real.
  scenario_mode mode = scenario_mode::real;
  /// The UI bridge every connection reports to.
  ui_bridge_options bridge;
  /// The headless UI.
  headless_sink_options sink;
  /// Options of the server's connections (real mode) or of the simulated
  /// connections (deterministic mode: `read_credit` is what matters).
  connection_options connection;
  /// How long an expectation waits unless it says otherwise (real time in
  /// real mode, simulated time in deterministic mode).
  std::chrono::milliseconds default_timeout{2'000};
  /// Real mode: `flood` stops when the socket accepted nothing for this long.
  std::chrono::milliseconds flood_stall{500};
};

/// Chooses the subscriber of an accepted connection in a real scenario;
/// it gets the connection and the UI bridge (forward events there, e.g.
/// with `caf::send_as(caf::actor_cast<caf::actor>(connection), bridge, event)`
/// so the bridge manages the connection's read credit; `send_as` takes a
/// dynamically typed sender).
using scenario_session_factory =
  std::function<caf::actor(const connection_actor& connection,
                           const caf::actor& bridge)>;

/// A headless, scripted run of an actor app: a UI bridge feeding a headless
/// UI, a server (real mode), named peers, faults, and expectations that wait
/// up to a timeout. Every step returns an `outcome`; nothing throws.
/// Peers are named ("c1"); `send` means "the peer sends a frame to the app".
/// Call every member from the one thread that owns the scenario.
class scenario {
public:
  /// Creates the actor system, the headless UI and the bridge.
  explicit scenario(scenario_options options = {});

  /// Closes peers and the server and stops every actor.
  ~scenario();

  scenario(const scenario&) = delete;
  scenario& operator=(const scenario&) = delete;

  /// The mode this scenario runs in.
  scenario_mode mode() const noexcept;

  /// The actor system, e.g. to spawn the actors of the app under test.
  caf::actor_system& system() noexcept;

  /// The UI bridge.
  const caf::actor& bridge() const noexcept;

  /// The headless UI (stall, resume, slow, questions).
  headless_sink& sink() noexcept;

  /// Real mode: starts a built-in server on 127.0.0.1 (a free port).
  outcome start_server(server_kind kind);

  /// Real mode: starts a server whose sessions `make_session` creates.
  outcome start_server(scenario_session_factory make_session);

  /// Real mode: starts the app under test as a process (`command[0]` found
  /// on PATH unless it has a slash), in a process group of its own, and
  /// waits up to `timeout` for a line on its stdout that matches
  /// `port_pattern` (RE2): its first capture is the port, or HOST:PORT; an
  /// empty pattern means "listening on HOST:PORT". Its stdout and stderr go
  /// to unnamed temporary files (it can never block on them); a failing step
  /// shows the end of its stderr. It is stopped with SIGTERM, then SIGKILL
  /// after 5 s, by `stop_server` or when the scenario ends.
  outcome run_server(const std::vector<std::string>& command,
                     const std::string& port_pattern,
                     std::chrono::milliseconds timeout);

  /// Real mode: peers connect to a server already running at host:port.
  outcome use_server(const std::string& host, std::uint16_t port);

  /// Stops a server started by `run_server` and fails if it exited with a
  /// status other than 0 or 143 (128 + SIGTERM), or died of a signal other
  /// than SIGTERM (e.g. a sanitizer's report). Does nothing for other servers.
  outcome stop_server();

  /// The host and port peers connect to, once a server step ran.
  std::optional<std::pair<std::string, std::uint16_t>> server_address() const;

  /// What went wrong with a server started by `run_server`: whether it
  /// exited, and the end of its stderr; empty if nothing is known.
  std::string server_diagnostics();

  /// Connects a new peer `name`: a TCP client of the server (real mode) or
  /// a simulated connection reporting to the bridge (deterministic mode).
  outcome connect(const std::string& name);

  /// Real mode: connects peer `name` with `options` (framing, TLS).
  outcome connect(const std::string& name, const peer_options& options);

  /// Real mode: a UDP peer `name` that sends datagrams to host:port and
  /// receives its answers; each datagram is one frame.
  outcome open_udp(const std::string& name, const std::string& host,
                   std::uint16_t port);

  /// Real mode: peer `name` finishes sending (TCP half-close: FIN after what
  /// it sent) and keeps reading.
  outcome finish(const std::string& name);

  /// Peer `name` sends one frame.
  outcome send(const std::string& name, const std::string& payload);

  /// Peer `name` sends `count` frames "name:0", "name:1", ...; in real mode
  /// it stops early when TCP pushes back for `flood_stall`.
  outcome flood(const std::string& name, std::uint64_t count);

  /// Peer `name` closes its connection in an orderly way.
  outcome close(const std::string& name);

  /// Peer `name` resets its connection (TCP RST; simulated in
  /// deterministic mode).
  outcome reset(const std::string& name);

  /// An actor posts a `message` event with `text` to the bridge.
  outcome post(const std::string& text);

  /// The UI stops acknowledging batches (a hung UI thread).
  outcome stall_sink();

  /// The UI acknowledges at once again, including a batch it held.
  outcome resume_sink();

  /// The UI acknowledges each batch `per_batch` after it arrived.
  outcome slow_sink(std::chrono::milliseconds per_batch);

  /// Lets `duration` pass: sleeps (real) or advances the clock
  /// (deterministic).
  outcome wait(std::chrono::milliseconds duration);

  /// Real mode: peer `name` receives the frame `payload` next.
  outcome expect_frame(const std::string& name, const std::string& payload,
                       std::chrono::milliseconds timeout);

  /// Real mode: the next frame peer `name` receives matches `pattern`; with
  /// `capture`, stores the regex's first capture (or whole match) there.
  outcome expect_frame(const std::string& name, const frame_pattern& pattern,
                       std::chrono::milliseconds timeout,
                       std::string* capture = nullptr);

  /// Real mode: peer `name` skips frames until one matches `pattern` within
  /// `timeout`; a failure lists what was skipped.
  outcome await_frame(const std::string& name, const frame_pattern& pattern,
                      std::chrono::milliseconds timeout,
                      std::string* capture = nullptr);

  /// Real mode: peer `name` receives `count` more frames within `timeout`.
  outcome expect_frames(const std::string& name, std::uint64_t count,
                        std::chrono::milliseconds timeout);

  /// Real mode: peer `name` receives nothing (no frame, no end) for
  /// `duration`.
  outcome expect_silent(const std::string& name, std::chrono::milliseconds duration);

  /// Real mode: the app finishes sending to peer `name` (FIN, not a reset)
  /// before it sends another frame.
  outcome expect_finished(const std::string& name, std::chrono::milliseconds timeout);

  /// Real mode: every expectation is met within `timeout`, in any order:
  /// each frame a named peer receives must match one of that peer's
  /// expectations not met yet (fan-out, like a chat room's).
  outcome expect_unordered(const std::vector<peer_frame>& expectations,
                           std::chrono::milliseconds timeout);

  /// Real mode: the app closes (or resets) the connection of peer `name`.
  /// Frames the peer did not read are discarded.
  outcome expect_closed(const std::string& name,
                        std::chrono::milliseconds timeout);

  /// The last `flood` of peer `name` was held back: by TCP (real mode) or
  /// for lack of read credit (deterministic mode).
  outcome expect_blocked(const std::string& name);

  /// The UI receives, after the previous event of `kind` it matched, an
  /// event of `kind` whose text is `text`: the payload (frame, connected,
  /// listening), the message (message), the error kind (error, disconnected)
  /// or the count (dropped, reconnecting). An empty `text` matches any event.
  outcome expect_ui_event(ui_event_kind kind, const std::string& text,
                          std::chrono::milliseconds timeout);

  /// The UI's `counter` reaches `value` within `timeout` and is exactly
  /// `value` then.
  outcome expect_ui_count(ui_counter counter, std::uint64_t value,
                          std::chrono::milliseconds timeout);

  /// The UI's `counter` reaches at least `value` within `timeout`.
  outcome expect_ui_at_least(ui_counter counter, std::uint64_t value,
                             std::chrono::milliseconds timeout);

  /// What the UI received so far.
  ui_record ui_snapshot();

  /// The bridge's counters.
  ui_bridge_stats bridge_stats();

  /// The default timeout for expectations.
  std::chrono::milliseconds default_timeout() const noexcept;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace actors::testing
