#include "services/echo_service.hpp"

#include <iostream>

#include <caf/actor_system.hpp>
#include <caf/io/broker.hpp>

#include "actors/colocated.hpp"
#include "actors/connection_protocol.hpp"

namespace services {

namespace {

// One per connection: echoes each frame and grants one credit for it, so
// the connection reads exactly as fast as we echo. Colocated with its
// connection (see actors/colocated.hpp): its handlers are short.
caf::behavior echo_session(caf::io::broker* self, caf::actor conn) {
  return {
    [=](actors::frame_received& frame) {
      self->send(conn, actors::send_atom::value, std::move(frame.payload));
      self->send(conn, actors::credit_atom::value, std::uint32_t{1});
    },
    // With batch_frames: one message back and one credit grant per read.
    [=](actors::frames_received& batch) {
      auto count = static_cast<std::uint32_t>(batch.frames.size());
      self->send(conn, actors::send_atom::value, std::move(batch.frames));
      self->send(conn, actors::credit_atom::value, count);
    },
    [=](const actors::connected&) { },
    [=](const actors::connection_error& err) {
      std::cerr << "connection " << err.id << ": " << err.message << "\n";
    },
    [=](const actors::disconnected&) { self->quit(); },
  };
}

} // namespace

actors::session_factory echo_sessions(caf::actor_system& system) {
  return [&system](const caf::actor& conn) {
    return actors::spawn_colocated(system, echo_session, conn);
  };
}

} // namespace services
