#pragma once

// The traffic generator (View > Generate traffic): sends a payload template
// N times, or for T seconds, at a set rate or as fast as each peer takes it,
// on one connection or many. An actor of its own does it; every batch goes
// through the connection relay (so the log, a recording and the window see
// it) and the next batch waits until the connection's write queue is down
// to a mark (`actors::drain_atom`): memory stays bounded whatever the peer
// does. Its start, progress once a second and end reach the window as
// message events starting with "generator".

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/fwd.hpp>
#include <caf/type_id.hpp>

namespace client {

/// What to send, where, how often.
struct GeneratorPlan {
  /// A message template (message_template.hpp), expanded for every frame;
  /// {{counter}} counts the frames sent on that connection.
  std::string payload;
  /// The connections to send on.
  std::vector<std::uint64_t> targets;
  /// Frames per connection; 0: no limit.
  std::uint64_t count = 0;
  /// Stops after this long; 0: no limit.
  std::chrono::milliseconds duration{0};
  /// Frames per second per connection; 0: as fast as each peer takes them.
  double rate = 0;
};

/// Why `plan` cannot run (no connection, a template that does not expand, a
/// negative rate), or empty.
std::string CheckGeneratorPlan(const GeneratorPlan& plan);

/// The prefix of every message event the generator sends the window.
inline constexpr const char* generator_prefix = "generator";

/// The most bytes a connection's write queue holds before the generator
/// waits for it to drain.
inline constexpr std::uint64_t generator_queue_mark = 256 * 1024;

/// Spawns a generator running `plan` through `relay`; it reports to
/// `bridge` and exits when done or told `stop_generator_atom`.
caf::actor spawn_traffic_generator(caf::actor_system& system, caf::actor relay,
                                   caf::actor bridge, GeneratorPlan plan);

} // namespace client

// A plan goes from the UI to the workbench inside one process only.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(client::GeneratorPlan)

CAF_BEGIN_TYPE_ID_BLOCK(client_generator, caf::first_custom_type_id + 1600)

  /// UI -> workbench: run this plan, stopping a run under way
  /// (`generate_atom, GeneratorPlan`).
  CAF_ADD_ATOM(client_generator, client, generate_atom, "gen_run")
  /// UI -> workbench -> generator: stop at once.
  CAF_ADD_ATOM(client_generator, client, stop_generator_atom, "gen_stop")
  /// Generator -> relay, a request: send these frames on a connection and
  /// answer once its write queue is down to generator_queue_mark
  /// (`generated_atom, id, actors::frame_batch` -> bytes still queued).
  CAF_ADD_ATOM(client_generator, client, generated_atom, "gen_frames")
  /// Generator -> itself: time to send what the rate allows, and report.
  CAF_ADD_ATOM(client_generator, client, generator_tick_atom, "gen_tick")

CAF_END_TYPE_ID_BLOCK(client_generator)
