#pragma once

// The message vocabulary of the UI bridge: what the UI and other actors send
// it, and what it answers.
//
// The bridge receives:
// - every connection event (connection_protocol.hpp) when it is a
//   connection's subscriber: `connected`, `frame_received`,
//   `connection_error`, `reconnecting`, `disconnected`, and a server's
//   `peer_refused`;
// - `ui_event` from any actor, for anything else the user should see, or
//   `std::vector<ui_event>`: several at once, in order (one message where a
//   producer has many, e.g. the frames of a generated batch);
// - `ui_ack_atom, std::uint64_t sequence` from the UI after it applied a batch;
// - `ui_stats_atom` (a request): replies with `ui_bridge_stats`;
// - `close_atom` (connection_protocol.hpp): stops the bridge.

#include <cstdint>
#include <vector>

#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/type_id.hpp>

#include "actors/ui_event.hpp"
#include "actors/ui_sink.hpp"

namespace actors {

/// Counters of one UI bridge.
struct ui_bridge_stats {
  /// Events received, whether delivered or dropped.
  std::uint64_t events_received = 0;
  /// Events handed to the sink (not counting `dropped` markers).
  std::uint64_t events_posted = 0;
  /// Events dropped because the buffer was past its high-water mark.
  std::uint64_t events_dropped = 0;
  /// Batches handed to the sink.
  std::uint64_t batches_posted = 0;
  /// Acknowledgements that matched no batch in flight (ignored).
  std::uint64_t stray_acks = 0;
  /// Events waiting for the next batch.
  std::uint64_t pending = 0;
  /// Events in the batch the UI has not acknowledged yet.
  std::uint64_t in_flight = 0;
  /// The most events ever buffered at once (pending plus in flight).
  std::uint64_t peak_buffered = 0;
  /// Connections whose read credit the bridge currently withholds.
  std::uint64_t throttled_connections = 0;
  /// The most events one batch held.
  std::uint64_t largest_batch = 0;
  /// Nanoseconds batches waited, in all, from being posted until the UI
  /// acknowledged them: the time spent waiting for the UI.
  std::uint64_t ui_wait_ns = 0;
};

/// Makes `ui_bridge_stats` inspectable: CAF serializes and prints it with this.
/// @relates ui_bridge_stats
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ui_bridge_stats& x) {
  return f(caf::meta::type_name("ui_bridge_stats"), x.events_received,
           x.events_posted, x.events_dropped, x.batches_posted, x.stray_acks,
           x.pending, x.in_flight, x.peak_buffered, x.throttled_connections,
           x.largest_batch, x.ui_wait_ns);
}

} // namespace actors

CAF_BEGIN_TYPE_ID_BLOCK(actors_ui, caf::first_custom_type_id + 200)

  CAF_ADD_TYPE_ID(actors_ui, (actors::ui_event))
  CAF_ADD_TYPE_ID(actors_ui, (actors::ui_batch))
  CAF_ADD_TYPE_ID(actors_ui, (actors::ui_bridge_stats))
  CAF_ADD_TYPE_ID(actors_ui, (std::vector<actors::ui_event>))

  /// UI → bridge: batch `sequence` is applied (`ui_ack_atom, uint64_t`).
  CAF_ADD_ATOM(actors_ui, actors, ui_ack_atom, "ui_ack")
  /// Request to the bridge: reply with its `ui_bridge_stats`.
  CAF_ADD_ATOM(actors_ui, actors, ui_stats_atom, "ui_stats")

CAF_END_TYPE_ID_BLOCK(actors_ui)
