#include "services/chat_service.hpp"

#include <map>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/connection_protocol.hpp"

namespace services {

namespace {

// Longest nick or room name a client may choose.
constexpr std::size_t max_name_length = 32;

using join_atom = caf::atom_constant<caf::atom("join")>;
using leave_atom = caf::atom_constant<caf::atom("leave")>;
using say_atom = caf::atom_constant<caf::atom("say")>;
using room_atom = caf::atom_constant<caf::atom("room")>;

void send_line(caf::event_based_actor* self, const caf::actor& conn,
               std::string line) {
  self->send(conn, actors::send_atom::value, std::move(line));
}

// A room: its members' connections by id; broadcasts to all of them.
struct room_state {
  std::map<actors::connection_id, caf::actor> members;
};

caf::behavior room(caf::stateful_actor<room_state>* self, std::string name) {
  auto broadcast = [self](const std::string& line) {
    for (auto& member : self->state.members)
      self->send(member.second, actors::send_atom::value, line);
  };
  return {
    [=](join_atom, actors::connection_id id, caf::actor conn,
        const std::string& nick) {
      self->state.members.emplace(id, std::move(conn));
      broadcast("* " + nick + " joined #" + name);
    },
    [=](leave_atom, actors::connection_id id, const std::string& nick) {
      if (self->state.members.erase(id) > 0)
        broadcast("* " + nick + " left #" + name);
    },
    [=](say_atom, const std::string& nick, const std::string& text) {
      broadcast("<" + nick + "> " + text);
    },
  };
}

// The lobby: finds or creates rooms by name, at most `max_rooms` of them.
caf::behavior lobby(caf::stateful_actor<std::map<std::string, caf::actor>>* self,
                    std::size_t max_rooms) {
  return {
    [=](room_atom, const std::string& name) -> caf::result<caf::actor> {
      auto& rooms = self->state;
      auto i = rooms.find(name);
      if (i != rooms.end())
        return i->second;
      if (rooms.size() >= max_rooms)
        return caf::make_error(caf::sec::runtime_error,
                               "the server's limit of "
                                 + std::to_string(max_rooms) + " rooms is reached");
      // Linked: the rooms end with the lobby (e.g. at shutdown), even while
      // members still reference them.
      return rooms.emplace(name, self->spawn<caf::linked>(room, name)).first->second;
    },
  };
}

// One per connection: parses commands and talks to its room.
struct session_state {
  actors::connection_id id = 0;
  std::string nick;
  caf::actor room;
  std::string room_name;
};

using session_actor = caf::stateful_actor<session_state>;

void join(session_actor* self, caf::actor lobby_actor, caf::actor conn,
          std::string name) {
  self->request(lobby_actor, caf::infinite, room_atom::value, name)
    .then(
      [=](caf::actor next) {
        auto& st = self->state;
        if (st.room)
          self->send(st.room, leave_atom::value, st.id, st.nick);
        st.room = next;
        st.room_name = name;
        self->send(next, join_atom::value, st.id, conn, st.nick);
      },
      [=](caf::error& err) {
        send_line(self, conn, "cannot join #" + name + ": "
                                + self->system().render(err));
      });
}

void handle_line(session_actor* self, caf::actor lobby_actor, caf::actor conn,
                 const std::string& line) {
  auto& st = self->state;
  if (line.rfind("/nick ", 0) == 0 && line.size() > 6) {
    if (line.size() - 6 > max_name_length) {
      send_line(self, conn, "nicks have at most "
                              + std::to_string(max_name_length) + " characters");
      return;
    }
    auto old = st.nick;
    st.nick = line.substr(6);
    if (st.room)
      self->send(st.room, say_atom::value, old, "is now known as " + st.nick);
  } else if (line.rfind("/join ", 0) == 0 && line.size() > 6) {
    auto name = line.substr(6);
    if (name.size() > max_name_length)
      send_line(self, conn, "room names have at most "
                              + std::to_string(max_name_length) + " characters");
    else
      join(self, lobby_actor, conn, std::move(name));
  } else if (line == "/quit") {
    send_line(self, conn, "bye");
    self->send(conn, actors::close_atom::value);
  } else if (!line.empty() && line[0] == '/') {
    send_line(self, conn, "unknown command: " + line
                            + " (try /nick NAME, /join ROOM, /quit)");
  } else if (st.room) {
    self->send(st.room, say_atom::value, st.nick, line);
  }
}

caf::behavior session(session_actor* self, caf::actor conn,
                      caf::actor lobby_actor) {
  return {
    [=](const actors::connected& up) {
      self->state.id = up.id;
      self->state.nick = "guest" + std::to_string(up.id);
      send_line(self, conn, "welcome " + self->state.nick
                              + "! /nick NAME, /join ROOM, /quit");
      join(self, lobby_actor, conn, "general");
    },
    [=](const actors::frame_received& frame) {
      handle_line(self, lobby_actor, conn, frame.payload);
      self->send(conn, actors::credit_atom::value, std::uint32_t{1});
    },
    [=](const actors::connection_error&) {},
    [=](const actors::disconnected&) {
      auto& st = self->state;
      if (st.room)
        self->send(st.room, leave_atom::value, st.id, st.nick);
      self->quit();
    },
  };
}

} // namespace

caf::actor spawn_chat_lobby(caf::actor_system& system, std::size_t max_rooms) {
  return system.spawn(lobby, max_rooms);
}

actors::session_factory chat_sessions(caf::actor_system& system,
                                      caf::actor lobby_actor) {
  return [&system, lobby_actor](const caf::actor& conn) {
    return system.spawn(session, conn, lobby_actor);
  };
}

} // namespace services
