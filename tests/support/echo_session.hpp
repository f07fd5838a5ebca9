#pragma once

// An echo session for tests: sends every frame back and grants one credit
// per frame, so the connection keeps reading.

#include <caf/event_based_actor.hpp>

#include "actors/connection_protocol.hpp"

namespace testing_support {

/// Echoes frames to the connection that sent them.
inline caf::behavior echo_session(caf::event_based_actor* self) {
  return {
    [=](const actors::connected&) {},
    [=](actors::frame_received& frame) {
      auto conn = caf::actor_cast<caf::actor>(self->current_sender());
      self->send(conn, actors::send_atom::value, std::move(frame.payload));
      self->send(conn, actors::credit_atom::value, std::uint32_t{1});
    },
    // Every frame before the peer's FIN was echoed: close (flushes first).
    [=](const actors::peer_finished&) {
      self->send(caf::actor_cast<caf::actor>(self->current_sender()),
                 actors::close_atom_v);
    },
    [=](const actors::connection_error&) {},
    [=](const actors::disconnected&) {},
  };
}

} // namespace testing_support
