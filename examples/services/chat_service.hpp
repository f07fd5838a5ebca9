#pragma once

// The chat service behind examples/chat_server and the client's demo server:
// a lobby actor that knows rooms by name, one actor per room, and one
// session actor per connection. Clients type /nick NAME, /join ROOM, /quit;
// any other line goes to everyone in their room.

#include <cstddef>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/server.hpp"

namespace services {

/// Spawns the lobby, which creates rooms on demand, at most `max_rooms`;
/// joining one more is refused with a message to the client.
/// Safe from any thread.
caf::actor spawn_chat_lobby(caf::actor_system& system,
                            std::size_t max_rooms = 1000);

/// A session factory for `actors::listen`: one chat session per connection.
actors::session_factory chat_sessions(caf::actor_system& system,
                                      caf::actor lobby);

} // namespace services
