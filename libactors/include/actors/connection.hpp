#pragma once

#include <cstdint>
#include <string>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/connection_options.hpp"
#include "actors/connection_protocol.hpp"

namespace actors {

/// Starts a client connection to `host:port` and returns its actor at once.
///
/// Never blocks: resolving and connecting happen in a detached connector
/// actor, and the connection actor (a CAF broker) adopts the socket.
/// The subscriber receives, in order: `connected`, then `frame_received`
/// for each frame (one unit of read credit each), `connection_error` for
/// every problem, `reconnecting` before each retry (when enabled), and
/// exactly one `disconnected` as the last event, after which the actor exits.
/// Commands: `send_atom` + payload, `close_atom`, `abort_atom`,
/// `credit_atom` + frames (a `std::uint32_t`: `1u`), `subscribe_atom` +
/// actor, `stats_atom` (request);
/// the returned `connection_actor` lets the compiler check each of them.
/// The connection aborts if its subscriber terminates.
/// Safe to call from any thread.
connection_actor connect(caf::actor_system& system, std::string host,
                         std::uint16_t port, caf::actor subscriber,
                         connection_options options = {});

/// A connection id not used before in this process: 1, 2, 3, ... in the
/// order asked for. Every connection (connected or accepted) and every UDP
/// endpoint takes one, so a program's connections are numbered as they
/// come. Safe to call from any thread (an atomic counter).
connection_id new_connection_id();

} // namespace actors
