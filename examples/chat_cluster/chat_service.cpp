#include "chat_service.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/error.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/message.hpp>
#include <caf/sec.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/connection_protocol.hpp"
#include "actors/error_kind.hpp"
#include "actors/metrics.hpp"
#include "chat_commands.hpp"
#include "chat_protocol.hpp"

namespace chat {

namespace {

// Longest nick or room name a client may choose.
constexpr std::size_t max_name_length = 32;

void send_line(caf::event_based_actor* self, const actors::connection_actor& conn,
               std::string line) {
  self->send(conn, actors::send_atom::value, std::move(line));
}

// An error as a client should read it: ours (actors::error_kind) carry one
// sentence; of CAF's own, a timeout is the one a client can meet.
std::string describe(caf::event_based_actor* self, const caf::error& err) {
  if (actors::kind_of(err) != actors::error_kind::other)
    return actors::message_of(err);
  if (err == caf::sec::request_timeout)
    return "no answer from the room service";
  return self->system().render(err);
}

// A room: its members (session actors, possibly on other nodes) and their
// nicks. It monitors every member, so a member whose node dies leaves too.
struct room_state {
  std::map<caf::actor_addr, std::pair<caf::actor, std::string>> members;
  // Lines said in the room, for --metrics.
  std::uint64_t lines = 0;
};

using room_actor = caf::stateful_actor<room_state>;

void broadcast(room_actor* self, const std::string& text) {
  for (auto& member : self->state.members)
    self->send(member.second.first, chat_line{text});
}

// Removes the member at `key` (if present) and tells the others; true if
// it was a member.
bool remove_member(room_actor* self, const caf::actor_addr& key, const std::string& room) {
  auto i = self->state.members.find(key);
  if (i == self->state.members.end())
    return false;
  auto nick = std::move(i->second.second);
  self->state.members.erase(i);
  broadcast(self, "* " + nick + " left #" + room);
  return true;
}

// What the lobby and each room say about themselves to a metrics registry,
// before their own figures.
template <class Actor>
actors::actor_metrics chat_metrics(Actor* self, std::string kind, std::string name) {
  actors::actor_metrics m;
  m.kind = std::move(kind);
  m.name = std::move(name);
  m.id = self->id();
  m.state = "open";
  m.mailbox = self->mailbox().size();
  return m;
}

actors::actor_metrics room_metrics(room_actor* self, const std::string& name) {
  auto m = chat_metrics(self, "chat_room", "#" + name);
  m.add("members", actors::metric_type::gauge, self->state.members.size());
  m.add("lines_total", actors::metric_type::counter, self->state.lines);
  return m;
}

caf::behavior room(room_actor* self, std::string name, caf::actor metrics) {
  // A member whose actor (or node) went away leaves like one that said so.
  self->set_down_handler(
    [=](caf::down_msg& down) { remove_member(self, down.source, name); });
  if (metrics)
    self->send(metrics, actors::metrics_register_atom_v, caf::actor{self});
  return {
    [=](actors::metrics_atom) { return room_metrics(self, name); },
    [=](chat_join& join) {
      auto key = caf::actor_cast<caf::actor_addr>(join.member);
      auto& members = self->state.members;
      if (members.count(key) == 0)
        self->monitor(join.member);
      members[key] = {std::move(join.member), join.nick};
      broadcast(self, "* " + join.nick + " joined #" + name);
    },
    [=](const chat_leave& leave) {
      if (remove_member(self, caf::actor_cast<caf::actor_addr>(leave.member), name))
        self->demonitor(leave.member);
    },
    [=](const chat_say& say) {
      auto i = self->state.members.find(caf::actor_cast<caf::actor_addr>(say.member));
      if (i == self->state.members.end())
        return;
      ++self->state.lines;
      broadcast(self, "<" + i->second.second + "> " + say.text);
    },
    [=](const chat_rename& rename) {
      auto i = self->state.members.find(caf::actor_cast<caf::actor_addr>(rename.member));
      if (i == self->state.members.end())
        return;
      auto old = std::exchange(i->second.second, rename.nick);
      broadcast(self, "* " + old + " is now known as " + rename.nick);
    },
  };
}

// The lobby: finds or creates rooms by name, at most `max_rooms` of them.
caf::behavior lobby(caf::stateful_actor<std::map<std::string, caf::actor>>* self,
                    std::size_t max_rooms, caf::actor metrics) {
  if (metrics)
    self->send(metrics, actors::metrics_register_atom_v, caf::actor{self});
  return {
    [=](actors::metrics_atom) {
      auto m = chat_metrics(self, "chat_lobby", "lobby");
      m.add("rooms", actors::metric_type::gauge, self->state.size());
      m.add("max_rooms", actors::metric_type::gauge, max_rooms);
      return m;
    },
    [=](room_atom, const std::string& name) -> caf::result<caf::actor> {
      auto& rooms = self->state;
      auto i = rooms.find(name);
      if (i != rooms.end())
        return i->second;
      if (rooms.size() >= max_rooms)
        return caf::make_error(actors::error_kind::limit_reached,
                               "the server's limit of "
                                 + std::to_string(max_rooms) + " rooms is reached");
      // Linked: the rooms end with the lobby (e.g. at shutdown), even while
      // members still reference them.
      return rooms.emplace(name, self->spawn<caf::linked>(room, name, metrics)).first->second;
    },
    // A lobby in the same process never goes away: nothing to report.
    [](chat_watch_atom, const caf::actor&) {},
  };
}

// One per connection: parses commands and talks to its room. `wanted_room`
// survives a lost room service, so that the session rejoins when it returns.
struct session_state {
  std::string nick;
  caf::actor room;
  std::string wanted_room;
  // Joins not yet answered by the lobby and the rooms. While one is open,
  // typed lines wait in `typed_while_joining`, so that every command applies
  // in the order typed (a /nick typed during the first join renames after
  // it), and the client reads each room's notices before the next line's.
  int joins_in_flight = 0;
  // Bounded by the connection's read credit: a waiting line has not been
  // given its unit of credit back yet, so the peer cannot outrun the room.
  std::deque<std::string> typed_while_joining;
  // After /quit (typed, or the peer's end of input), later lines are not
  // applied: a second /quit would say bye before the room's last lines.
  bool quitting = false;
};

using session_actor = caf::stateful_actor<session_state>;

void leave_room(session_actor* self) {
  auto& st = self->state;
  if (st.room)
    self->send(st.room, chat_leave{caf::actor{self}});
  st.room = nullptr;
}

void handle_line(session_actor* self, caf::actor lobby_actor, actors::connection_actor conn,
                 const std::string& line);

// Applies one typed line and gives its unit of read credit back.
void apply_typed(session_actor* self, caf::actor lobby_actor, actors::connection_actor conn,
                 const std::string& line) {
  handle_line(self, lobby_actor, conn, line);
  self->send(conn, actors::credit_atom::value, std::uint32_t{1});
}

// Applies the lines that waited for a join, in order, until one of them
// starts another join.
void apply_waiting(session_actor* self, caf::actor lobby_actor, actors::connection_actor conn) {
  auto& st = self->state;
  while (st.joins_in_flight == 0 && !st.typed_while_joining.empty()) {
    auto line = std::move(st.typed_while_joining.front());
    st.typed_while_joining.pop_front();
    apply_typed(self, lobby_actor, conn, line);
  }
}

// How long a session waits for the lobby or a room to answer.
constexpr auto answer_timeout = std::chrono::seconds{10};

// Ends a join: the lines that waited for it apply now.
void join_done(session_actor* self, caf::actor lobby_actor, actors::connection_actor conn) {
  --self->state.joins_in_flight;
  apply_waiting(self, lobby_actor, conn);
}

// Leaves the room the session is in, then enters `next`. Each room answers
// after it has sent this session its notices ("joined", and a rename before
// the leave), and one sender's messages keep their order: so the client
// reads a room's lines before anything its next typed line causes, even
// from another room.
void move_to(session_actor* self, caf::actor lobby_actor, actors::connection_actor conn,
             caf::actor next) {
  auto done = [=] { join_done(self, lobby_actor, conn); };
  auto enter = [=] {
    self->request(next, answer_timeout, chat_join{caf::actor{self}, self->state.nick})
      .then([=] { done(); }, [=](const caf::error&) { done(); });
  };
  auto previous = std::exchange(self->state.room, next);
  if (!previous) {
    enter();
    return;
  }
  self->request(previous, answer_timeout, chat_leave{caf::actor{self}})
    .then([=] { enter(); }, [=](const caf::error&) { enter(); });
}

void join(session_actor* self, caf::actor lobby_actor, actors::connection_actor conn,
          std::string name) {
  self->state.wanted_room = name;
  ++self->state.joins_in_flight;
  self->request(lobby_actor, answer_timeout, room_atom::value, name)
    .then(
      [=](caf::actor next) {
        auto& st = self->state;
        if (st.wanted_room == name && st.room != next) // else a later /join won
          move_to(self, lobby_actor, conn, next);
        else
          join_done(self, lobby_actor, conn);
      },
      [=](caf::error& err) {
        send_line(self, conn, "cannot join #" + name + ": " + describe(self, err));
        join_done(self, lobby_actor, conn);
      });
}

void handle_line(session_actor* self, caf::actor lobby_actor, actors::connection_actor conn,
                 const std::string& line) {
  auto& st = self->state;
  if (st.quitting)
    return;
  if (line.rfind("/nick ", 0) == 0 && line.size() > 6) {
    if (line.size() - 6 > max_name_length) {
      send_line(self, conn, "nicks have at most "
                              + std::to_string(max_name_length) + " characters");
      return;
    }
    st.nick = line.substr(6);
    if (st.room)
      self->send(st.room, chat_rename{caf::actor{self}, st.nick});
  } else if (line.rfind("/join ", 0) == 0 && line.size() > 6) {
    auto name = line.substr(6);
    if (name.size() > max_name_length)
      send_line(self, conn, "room names have at most "
                              + std::to_string(max_name_length) + " characters");
    else
      join(self, lobby_actor, conn, std::move(name));
  } else if (line == "/quit") {
    st.quitting = true;
    // Bye once the room has answered the leave: the room's lines for this
    // client sent before it arrive first (one sender's messages keep order).
    auto bye = [=] {
      send_line(self, conn, "bye");
      self->send(conn, actors::close_atom::value);
    };
    if (!st.room) {
      bye();
      return;
    }
    self->request(std::exchange(st.room, nullptr), answer_timeout, chat_leave{caf::actor{self}})
      .then([=] { bye(); }, [=](const caf::error&) { bye(); });
  } else if (auto usage = examples::missing_name(line); !usage.empty()) {
    send_line(self, conn, usage);
  } else if (!line.empty() && line[0] == '/') {
    send_line(self, conn, "unknown command: " + line
                            + " (try /nick NAME, /join ROOM, /quit)");
  } else if (st.room) {
    self->send(st.room, chat_say{caf::actor{self}, line});
  } else {
    send_line(self, conn, "not sent: you are not in a room right now");
  }
}

caf::behavior session(session_actor* self, actors::connection_actor conn,
                      caf::actor lobby_actor) {
  return {
    [=](const actors::connected& up) {
      self->state.nick = "guest" + std::to_string(up.id);
      send_line(self, conn, "welcome " + self->state.nick
                              + "! /nick NAME, /join ROOM, /quit");
      self->send(lobby_actor, chat_watch_atom::value, caf::actor{self});
      join(self, lobby_actor, conn, "general");
    },
    [=](actors::frame_received& frame) {
      if (self->state.joins_in_flight > 0)
        self->state.typed_while_joining.push_back(std::move(frame.payload));
      else
        apply_typed(self, lobby_actor, conn, frame.payload);
    },
    // The client finished sending: leave as if it had typed /quit last.
    [=](const actors::peer_finished&) {
      if (self->state.joins_in_flight > 0)
        self->state.typed_while_joining.push_back("/quit");
      else
        handle_line(self, lobby_actor, conn, "/quit");
    },
    [=](chat_line& line) { send_line(self, conn, std::move(line.text)); },
    [=](chat_rooms_down_atom) {
      self->state.room = nullptr;
      send_line(self, conn, "* the room service is unreachable; stay connected,"
                            " you rejoin #" + self->state.wanted_room
                              + " when it is back");
    },
    [=](chat_rooms_up_atom) {
      send_line(self, conn, "* the room service is back");
      if (!self->state.room && !self->state.wanted_room.empty())
        join(self, lobby_actor, conn, self->state.wanted_room);
    },
    [=](const actors::connection_error&) {},
    [=](const actors::disconnected&) {
      leave_room(self);
      self->quit();
    },
  };
}

} // namespace

caf::actor spawn_chat_lobby(caf::actor_system& system, std::size_t max_rooms,
                            caf::actor metrics) {
  return system.spawn(lobby, max_rooms, std::move(metrics));
}

actors::session_factory chat_sessions(caf::actor_system& system,
                                      caf::actor lobby_actor) {
  return [&system, lobby_actor](const actors::connection_actor& conn) {
    return system.spawn(session, conn, lobby_actor);
  };
}

} // namespace chat
