#include "demo_server.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/error.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/connection_protocol.hpp"

namespace client {

namespace {

// Longest nick a client may choose.
constexpr std::size_t max_nick_length = 32;

caf::behavior echo_session(caf::event_based_actor* self, actors::connection_actor conn) {
  return {
    [=](actors::frame_received& frame) {
      self->send(conn, actors::send_atom::value, std::move(frame.payload));
      self->send(conn, actors::credit_atom::value, std::uint32_t{1});
    },
    [](const actors::connected&) {},
    // Every line before the client's FIN was echoed: close (flushes first).
    [=](const actors::peer_finished&) { self->send(conn, actors::close_atom_v); },
    [](const actors::connection_error&) {},
    [=](const actors::disconnected&) { self->quit(); },
  };
}

// The room: its members (session actors) and their nicks. Guests are
// numbered by the room, so the first visitor is guest1 whatever else the
// process has connected before.
struct room_state {
  std::map<caf::actor, std::string> members;
  int guests = 0;
};

using room_actor = caf::stateful_actor<room_state>;

void broadcast(room_actor* self, const std::string& text) {
  for (auto& [member, nick] : self->state.members)
    self->send(member, demo_line_atom::value, text);
}

caf::actor sender_of(room_actor* self) {
  return caf::actor_cast<caf::actor>(self->current_sender());
}

caf::behavior room(room_actor* self) {
  return {
    // The welcome goes first: the room's lines to one member keep their order.
    [=](demo_join_atom) {
      auto member = sender_of(self);
      auto nick = "guest" + std::to_string(++self->state.guests);
      self->state.members[member] = nick;
      self->send(member, demo_line_atom::value, "welcome " + nick + "! /nick NAME, /quit");
      broadcast(self, "* " + nick + " joined #general");
    },
    [=](demo_leave_atom) {
      auto& members = self->state.members;
      auto i = members.find(sender_of(self));
      if (i == members.end())
        return;
      auto nick = std::move(i->second);
      members.erase(i);
      broadcast(self, "* " + nick + " left #general");
    },
    [=](demo_say_atom, const std::string& text) {
      auto& members = self->state.members;
      auto i = members.find(sender_of(self));
      if (i != members.end())
        broadcast(self, "<" + i->second + "> " + text);
    },
    [=](demo_rename_atom, const std::string& nick) {
      auto& members = self->state.members;
      auto i = members.find(sender_of(self));
      if (i != members.end())
        broadcast(self, "* " + std::exchange(i->second, nick) + " is now known as " + nick);
    },
  };
}

void tell(caf::event_based_actor* self, const actors::connection_actor& conn, std::string line) {
  self->send(conn, actors::send_atom::value, std::move(line));
}

// Applies one typed line. The session joins at once and the room is the
// same actor throughout, so everything it sends the room arrives in the
// order typed (CAF keeps the order between two actors).
void apply_line(caf::event_based_actor* self, const actors::connection_actor& conn, const caf::actor& chat_room,
           const std::string& line) {
  if (line.rfind("/nick ", 0) == 0 && line.size() > 6) {
    if (line.size() - 6 > max_nick_length)
      tell(self, conn, "nicks have at most " + std::to_string(max_nick_length) + " characters");
    else
      self->send(chat_room, demo_rename_atom::value, line.substr(6));
  } else if (line == "/quit") {
    // Bye once the room has answered the leave: the room's lines for this
    // client sent before it (the echo of a line typed just before /quit)
    // arrive first, as one sender's messages keep their order.
    auto bye = [=] {
      tell(self, conn, "bye");
      self->send(conn, actors::close_atom::value);
    };
    self->request(chat_room, std::chrono::seconds{10}, demo_leave_atom::value)
      .then([=] { bye(); }, [=](const caf::error&) { bye(); });
  } else if (!line.empty() && line[0] == '/') {
    tell(self, conn,
         "unknown command: " + line + " (this demo has one room; try /nick NAME, /quit)");
  } else {
    self->send(chat_room, demo_say_atom::value, line);
  }
}

caf::behavior chat_session(caf::event_based_actor* self, actors::connection_actor conn, caf::actor chat_room) {
  return {
    [=](const actors::connected&) { self->send(chat_room, demo_join_atom::value); },
    [=](const actors::frame_received& frame) {
      apply_line(self, conn, chat_room, frame.payload);
      self->send(conn, actors::credit_atom::value, std::uint32_t{1});
    },
    // The client finished sending: leave as if it had typed /quit last.
    [=](const actors::peer_finished&) { apply_line(self, conn, chat_room, "/quit"); },
    [=](demo_line_atom, std::string& text) { tell(self, conn, std::move(text)); },
    [](const actors::connection_error&) {},
    [=](const actors::disconnected&) {
      self->send(chat_room, demo_leave_atom::value);
      self->quit();
    },
  };
}

} // namespace

void add_demo_message_types(caf::actor_system_config& cfg) {
  cfg.add_message_types<caf::id_block::client_demo>();
}

actors::session_factory demo_echo_sessions(caf::actor_system& system) {
  return [&system](const actors::connection_actor& conn) { return system.spawn(echo_session, conn); };
}

caf::actor spawn_demo_room(caf::actor_system& system) {
  return system.spawn(room);
}

actors::session_factory demo_chat_sessions(caf::actor_system& system, caf::actor chat_room) {
  return [&system, chat_room](const actors::connection_actor& conn) {
    return system.spawn(chat_session, conn, chat_room);
  };
}

} // namespace client
