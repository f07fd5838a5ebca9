#pragma once

// Sequences: a scenario script (docs/scenarios.md, the same parser as
// actors-scenario) run against the client's open connections, which it
// names c<id> as a recording does: send, wait, expect or await a frame
// (text or RE2, with a timeout), count frames, expect silence, close. A
// runner actor carries it out; the connection relay passes it copies of
// every frame while it runs. Each step, and the verdict, reaches the window
// as a message event starting with "sequence".

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/fwd.hpp>
#include <caf/type_id.hpp>

#include "actors/testing/scenario_script.hpp"

// A parsed sequence goes from the UI to the workbench inside one process.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actors::testing::script)

CAF_BEGIN_TYPE_ID_BLOCK(client_sequence, caf::first_custom_type_id + 1550)

  /// UI -> workbench: run this sequence, stopping one under way
  /// (`run_sequence_atom, actors::testing::script`).
  CAF_ADD_ATOM(client_sequence, client, run_sequence_atom, "seq_run")
  /// UI -> workbench -> runner: stop the sequence under way.
  CAF_ADD_ATOM(client_sequence, client, stop_sequence_atom, "seq_stop")
  /// Runner -> relay: copy every frame to this actor (`tap_atom, actor`;
  /// a null actor stops it). Relay -> runner: a frame (`tap_atom, id,
  /// payload`), and each connection's `connection_error` and `disconnected`.
  CAF_ADD_ATOM(client_sequence, client, tap_atom, "seq_tap")
  /// Runner -> itself: step N's time is up (`step_due_atom, N`).
  CAF_ADD_ATOM(client_sequence, client, step_due_atom, "seq_due")

CAF_END_TYPE_ID_BLOCK(client_sequence)

namespace client {

/// The prefix of every message event a sequence sends the window.
inline constexpr const char* sequence_prefix = "sequence";

/// Parses `text` as a sequence against the open connections `open` (peers
/// c<id>), refusing steps a sequence cannot run (servers, connect, UI
/// expectations, ...) with their line.
actors::testing::script_parse_result ParseSequence(const std::string& text,
                                                   const std::vector<std::uint64_t>& open);

/// Spawns a runner for `script` on the relay's connections; it reports to
/// `bridge` and exits when the sequence ends.
caf::actor spawn_sequence_runner(caf::actor_system& system, caf::actor relay,
                                 caf::actor bridge, actors::testing::script script);

} // namespace client
