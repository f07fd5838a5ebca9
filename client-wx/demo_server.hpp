#pragma once

// The client's demo servers: a line echo and a one-room chat, started on
// free loopback ports so that a new user has something to talk to at once.
// A product feature with its own small code: the programs in examples/ are
// for reading, and the client depends on nothing there.

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/fwd.hpp>
#include <caf/type_id.hpp>

#include "actors/server.hpp"

// What the demo chat's sessions and its room say to each other (one process
// only). A room knows a member by the sender of its message.
CAF_BEGIN_TYPE_ID_BLOCK(client_demo, caf::first_custom_type_id + 1300)
  /// session -> room, `demo_join_atom` (the room names the guest and sends
  /// the welcome); `demo_leave_atom`.
  CAF_ADD_ATOM(client_demo, client, demo_join_atom, "dm_join")
  CAF_ADD_ATOM(client_demo, client, demo_leave_atom, "dm_leave")
  /// session -> room, `demo_say_atom, text`; `demo_rename_atom, new nick`.
  CAF_ADD_ATOM(client_demo, client, demo_say_atom, "dm_say")
  CAF_ADD_ATOM(client_demo, client, demo_rename_atom, "dm_rename")
  /// room -> session, `demo_line_atom, text`: one line for the client.
  CAF_ADD_ATOM(client_demo, client, demo_line_atom, "dm_line")
CAF_END_TYPE_ID_BLOCK(client_demo)

namespace client {

/// Registers the demo's messages with `cfg` (before the system starts).
void add_demo_message_types(caf::actor_system_config& cfg);

/// A session factory for `actors::listen`: one echo session per
/// connection, sending every line back and reading as fast as it echoes.
actors::session_factory demo_echo_sessions(caf::actor_system& system);

/// Spawns the demo chat's one room, #general. Safe from any thread.
caf::actor spawn_demo_room(caf::actor_system& system);

/// A session factory for `actors::listen`: one chat session per connection,
/// all in `room`. Clients type /nick NAME and /quit; other lines go to the
/// room, in the order typed.
actors::session_factory demo_chat_sessions(caf::actor_system& system, caf::actor room);

} // namespace client
