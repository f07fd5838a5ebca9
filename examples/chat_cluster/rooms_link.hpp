#pragma once

// A gateway node's link to the room node of a chat cluster. Sessions use it
// like a local lobby (`room_atom, name` replies the room, `chat_watch_atom`
// registers them), and it keeps the link alive:
//
// - it connects to the lobby the room node published, without blocking a
//   worker (a request to the middleman actor, or to the OpenSSL one for TLS);
// - it monitors the lobby; when the room node goes away it tells every
//   watching session (`chat_rooms_down_atom`), answers room requests with a
//   clear error, and reconnects with exponential backoff;
// - once connected again it tells the sessions (`chat_rooms_up_atom`), which
//   rejoin their rooms. Client connections stay open throughout.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

namespace chat {

/// Where the room node's lobby is published, and how to reach it.
struct rooms_link_options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  /// Connect over TLS (the actor system must have caf::openssl::manager).
  bool tls = false;
  /// First retry delay after a failed connect; doubles up to `max_backoff`.
  std::chrono::milliseconds min_backoff{100};
  std::chrono::milliseconds max_backoff{2000};
  /// The delay when what answers is not a room node (a gateway's client
  /// port, say): each attempt is a visit to that program (a guest joining
  /// and leaving a chat room), so it is rare.
  std::chrono::milliseconds wrong_program_backoff{30'000};
  /// Called from the link actor with one line for the operator (connected,
  /// lost, cannot connect). Must be thread-safe; may be empty.
  std::function<void(const std::string&)> report;
};

/// Spawns the link; it starts connecting at once. Safe from any thread.
caf::actor spawn_rooms_link(caf::actor_system& system, rooms_link_options options);

} // namespace chat
