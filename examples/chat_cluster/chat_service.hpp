#pragma once

// The chat that a cluster's nodes share: a lobby actor that knows rooms by
// name, one actor per room, and one session actor per connection. Clients
// type /nick NAME, /join ROOM, /quit; any other line goes to everyone in
// their room. Sessions and rooms may live on different nodes.

#include <cstddef>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/server.hpp"

namespace chat {

/// Spawns the lobby, which creates rooms on demand, at most `max_rooms`;
/// joining one more is refused with a message to the client. With a
/// metrics registry, the lobby and each room register with it: exported as
/// actors_chat_lobby_rooms, actors_chat_room_members and
/// actors_chat_room_lines_total. Safe from any thread.
caf::actor spawn_chat_lobby(caf::actor_system& system, std::size_t max_rooms = 1000,
                            caf::actor metrics = {});

/// A session factory for `actors::listen`: one chat session per connection.
actors::session_factory chat_sessions(caf::actor_system& system,
                                      caf::actor lobby);

} // namespace chat
