#pragma once

// The messages between chat sessions, rooms and the lobby. In a cluster they
// cross nodes over CAF's middleman (BASP), so each is a plain value type with
// an `inspect` overload and a type ID in the `chat_cluster` block below, which
// every node registers (`cfg.add_message_types<caf::id_block::chat_cluster>()`)
// before it creates its actor system; a node that did not could not
// deserialize them.
//
// - session -> lobby: `room_atom, std::string name` replies the room actor
//   (created on first use) or an error;
// - session -> lobby (or the gateway's rooms link): `chat_watch_atom, actor`
//   registers a session for `chat_rooms_down_atom` / `chat_rooms_up_atom`;
// - session -> room: chat_join, chat_leave, chat_say, chat_rename;
// - room -> session: chat_line, one line of text for the session's client.

#include <string>

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/type_id.hpp>

namespace chat {

/// A session enters a room under `nick`; the room monitors `member`.
struct chat_join {
  caf::actor member;
  std::string nick;
};

/// A session leaves its room.
struct chat_leave {
  caf::actor member;
};

/// A member says `text` to everyone in the room.
struct chat_say {
  caf::actor member;
  std::string text;
};

/// A member takes a new nick.
struct chat_rename {
  caf::actor member;
  std::string nick;
};

/// One line from a room for a session's client.
struct chat_line {
  std::string text;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, chat_join& x) {
  return f(caf::meta::type_name("chat_join"), x.member, x.nick);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, chat_leave& x) {
  return f(caf::meta::type_name("chat_leave"), x.member);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, chat_say& x) {
  return f(caf::meta::type_name("chat_say"), x.member, x.text);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, chat_rename& x) {
  return f(caf::meta::type_name("chat_rename"), x.member, x.nick);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, chat_line& x) {
  return f(caf::meta::type_name("chat_line"), x.text);
}

} // namespace chat

// examples/chat_server (a separate program) uses first_custom_type_id + 1000.
CAF_BEGIN_TYPE_ID_BLOCK(chat_cluster, caf::first_custom_type_id + 1100)
  CAF_ADD_TYPE_ID(chat_cluster, (chat::chat_join))
  CAF_ADD_TYPE_ID(chat_cluster, (chat::chat_leave))
  CAF_ADD_TYPE_ID(chat_cluster, (chat::chat_say))
  CAF_ADD_TYPE_ID(chat_cluster, (chat::chat_rename))
  CAF_ADD_TYPE_ID(chat_cluster, (chat::chat_line))

  /// `room_atom, name`: ask the lobby for the room called `name`.
  CAF_ADD_ATOM(chat_cluster, chat, room_atom, "room")
  /// `chat_watch_atom, session`: tell `session` when the rooms go and return.
  CAF_ADD_ATOM(chat_cluster, chat, chat_watch_atom, "chat_watch")
  /// The rooms are unreachable (the room node went away).
  CAF_ADD_ATOM(chat_cluster, chat, chat_rooms_down_atom, "rooms_down")
  /// The rooms are reachable again: sessions rejoin their room.
  CAF_ADD_ATOM(chat_cluster, chat, chat_rooms_up_atom, "rooms_up")
  /// The rooms link's own timer: try to reach the room node again.
  CAF_ADD_ATOM(chat_cluster, chat, retry_atom, "retry")
CAF_END_TYPE_ID_BLOCK(chat_cluster)
