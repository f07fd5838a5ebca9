// chat_server: a line-based chat with rooms, in one process.
//
//   chat_server [--port N] [--bind ADDR] [--max-rooms N] [--log FILE]
//               [--tls-cert FILE --tls-key FILE]
//
// Commands a client can type: /nick NAME, /join ROOM, /quit. Any other line
// goes to everyone in the client's room. Three kinds of actor:
// - one session per connection: parses the client's lines, in order;
// - one room per room name: its members and their nicks;
// - the lobby: finds rooms by name, creating them on first use.
// examples/chat_cluster/ spreads the same chat over several processes.

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <utility>

#include <caf/actor_system.hpp>
#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/type_id.hpp>

#include "actors/command_line.hpp"
#include "actors/connection_protocol.hpp"
#include "actors/error_kind.hpp"
#include "actors/server.hpp"
#include "actors/system_config.hpp"
#include "actors/termination_signal.hpp"
#include "chat_commands.hpp"
#include "log_option.hpp"
#include "metrics_option.hpp"
#include "tls_option.hpp"
#include "serve_until_signal.hpp"

// What sessions, rooms and the lobby say to each other. A room knows a
// member by the sender of its message.
CAF_BEGIN_TYPE_ID_BLOCK(chat_server, caf::first_custom_type_id + 1000)
  /// session -> lobby, `room_atom, name`: replies the room actor, or an error.
  CAF_ADD_ATOM(chat_server, chat, room_atom, "room")
  /// session -> room, `join_atom, nick`; `leave_atom`.
  CAF_ADD_ATOM(chat_server, chat, join_atom, "join")
  CAF_ADD_ATOM(chat_server, chat, leave_atom, "leave")
  /// session -> room, `say_atom, text`; `rename_atom, new nick`.
  CAF_ADD_ATOM(chat_server, chat, say_atom, "say")
  CAF_ADD_ATOM(chat_server, chat, rename_atom, "rename")
  /// room -> session, `line_atom, text`: one line for the client.
  CAF_ADD_ATOM(chat_server, chat, line_atom, "line")
CAF_END_TYPE_ID_BLOCK(chat_server)

namespace chat {

constexpr const char* usage = R"(usage: chat_server [--port N] [--bind ADDR] [--max-rooms N] [--log FILE] [--tls-cert FILE --tls-key FILE] [--metrics [ADDR:]PORT]
Line chat with rooms. Prints "listening on ADDR:PORT" as its first line on stdout
(warnings go to stderr); exits on SIGINT/SIGTERM, with status 1 if --log
lost records.
Clients type: /nick NAME, /join ROOM, /quit; other lines go to their room.
  --port N       port to listen on; 0 picks a free one (default 7001)
  --bind ADDR    address to bind (default 127.0.0.1)
  --max-rooms N  most rooms that may exist at once (default 1000)
  --log FILE     record every frame in and out to FILE
  --tls-cert FILE  speak TLS with this certificate chain (PEM)
  --tls-key FILE   and this private key (PEM)
  --metrics [ADDR:]PORT  serve live figures over HTTP (GET /metrics for
                 Prometheus, GET /healthz) on 127.0.0.1 unless ADDR is given;
                 0 picks a free port; prints "metrics on ADDR:PORT"
)";

// Longest nick or room name a client may choose.
constexpr std::size_t max_name_length = 32;

// A room: its members (session actors) and their nicks.
using room_actor = caf::stateful_actor<std::map<caf::actor, std::string>>;

void broadcast(room_actor* self, const std::string& text) {
  for (auto& [member, nick] : self->state)
    self->send(member, line_atom_v, text);
}

caf::actor sender_of(room_actor* self) {
  return caf::actor_cast<caf::actor>(self->current_sender());
}

caf::behavior room(room_actor* self, std::string name) {
  return {
    [=](join_atom, const std::string& nick) {
      self->state[sender_of(self)] = nick;
      broadcast(self, "* " + nick + " joined #" + name);
    },
    [=](leave_atom) {
      if (auto i = self->state.find(sender_of(self)); i != self->state.end()) {
        auto nick = std::move(i->second);
        self->state.erase(i);
        broadcast(self, "* " + nick + " left #" + name);
      }
    },
    [=](say_atom, const std::string& text) {
      auto i = self->state.find(sender_of(self));
      if (i != self->state.end())
        broadcast(self, "<" + i->second + "> " + text);
    },
    [=](rename_atom, const std::string& nick) {
      auto i = self->state.find(sender_of(self));
      if (i != self->state.end())
        broadcast(self, "* " + std::exchange(i->second, nick) + " is now known as " + nick);
    },
  };
}

// The lobby: finds or creates rooms by name, at most `max_rooms` of them.
caf::behavior lobby(caf::stateful_actor<std::map<std::string, caf::actor>>* self,
                    std::size_t max_rooms) {
  return [=](room_atom, const std::string& name) -> caf::result<caf::actor> {
    auto& rooms = self->state;
    if (auto i = rooms.find(name); i != rooms.end())
      return i->second;
    if (rooms.size() >= max_rooms)
      return caf::make_error(actors::error_kind::limit_reached,
                             "the server's limit of " + std::to_string(max_rooms)
                               + " rooms is reached");
    // Linked: the rooms end with the lobby, at shutdown.
    return rooms.emplace(name, self->spawn<caf::linked>(room, name)).first->second;
  };
}

// A session: one per connection. Lines apply strictly in the order typed:
// while a join waits for the lobby and the rooms, newer lines wait in
// `held`, each holding its unit of the connection's read credit, so the
// client cannot run ahead (a /nick typed right after connecting renames
// after the first join).
struct session_state {
  actors::connection_actor conn;
  caf::actor lobby;
  std::string nick;
  caf::actor room;
  int joins_in_flight = 0;
  std::deque<std::string> held;
  bool quitting = false; // after /quit, later lines are not applied
};

using session_actor = caf::stateful_actor<session_state>;

void tell(session_actor* self, std::string line) {
  self->send(self->state.conn, actors::send_atom::value, std::move(line));
}

void apply_line(session_actor* self, const std::string& line);

// Applies held lines in order until one of them starts another join.
void apply_held(session_actor* self) {
  auto& st = self->state;
  while (st.joins_in_flight == 0 && !st.quitting && !st.held.empty()) {
    auto line = std::move(st.held.front());
    st.held.pop_front();
    apply_line(self, line);
  }
}

// How long a session waits for the lobby or a room to answer.
constexpr auto answer_timeout = std::chrono::seconds{10};

// Ends a join: the lines held meanwhile apply now.
void join_done(session_actor* self) {
  --self->state.joins_in_flight;
  apply_held(self);
}

// Leaves the room the session is in, then enters `next`. Each room answers
// after it has sent this session its notices ("joined", and any rename
// before the leave), and one sender's messages keep their order: so the
// client reads a room's lines before anything its next typed line causes,
// even from another room.
void move_to(session_actor* self, caf::actor next) {
  auto enter = [=] {
    self->request(next, answer_timeout, join_atom_v, self->state.nick)
      .then([=] { join_done(self); }, [=](const caf::error&) { join_done(self); });
  };
  auto previous = std::exchange(self->state.room, next);
  if (!previous) {
    enter();
    return;
  }
  self->request(previous, answer_timeout, leave_atom_v)
    .then([=] { enter(); }, [=](const caf::error&) { enter(); });
}

// Joins room `name`. Newer lines wait until the room has welcomed us.
void join(session_actor* self, const std::string& name) {
  ++self->state.joins_in_flight;
  self->request(self->state.lobby, answer_timeout, room_atom_v, name)
    .then(
      [=](const caf::actor& next) {
        if (self->state.room == next)
          join_done(self);
        else
          move_to(self, next);
      },
      [=](const caf::error& err) {
        tell(self, "cannot join #" + name + ": " + actors::message_of(err));
        join_done(self);
      });
}

// /quit: says bye and closes once the room has answered the leave, so that
// the room's lines for this client sent before it (the echo of a line typed
// just before /quit) arrive first: one sender's messages keep their order.
void quit_after_room(session_actor* self) {
  auto& st = self->state;
  st.quitting = true;
  auto bye = [=] {
    tell(self, "bye");
    self->send(self->state.conn, actors::close_atom::value);
  };
  if (!st.room) {
    bye();
    return;
  }
  self->request(std::exchange(st.room, nullptr), answer_timeout, leave_atom_v)
    .then([=] { bye(); }, [=](const caf::error&) { bye(); });
}

// Applies one typed line, then gives its unit of read credit back.
void apply_line(session_actor* self, const std::string& line) {
  auto& st = self->state;
  auto argument = line.size() > 6 ? line.substr(6) : std::string{};
  bool is_nick = line.rfind("/nick ", 0) == 0 && !argument.empty();
  bool is_join = line.rfind("/join ", 0) == 0 && !argument.empty();
  if ((is_nick || is_join) && argument.size() > max_name_length) {
    tell(self, std::string{is_nick ? "nicks" : "room names"} + " have at most "
                 + std::to_string(max_name_length) + " characters");
  } else if (is_nick) {
    st.nick = argument;
    if (st.room)
      self->send(st.room, rename_atom_v, st.nick);
  } else if (is_join) {
    join(self, argument);
  } else if (line == "/quit") {
    quit_after_room(self);
  } else if (auto usage = examples::missing_name(line); !usage.empty()) {
    tell(self, usage);
  } else if (!line.empty() && line[0] == '/') {
    tell(self, "unknown command: " + line + " (try /nick NAME, /join ROOM, /quit)");
  } else if (st.room) {
    self->send(st.room, say_atom_v, line);
  } else {
    tell(self, "not sent: you are not in a room right now");
  }
  self->send(st.conn, actors::credit_atom::value, std::uint32_t{1});
}

caf::behavior session(session_actor* self, actors::connection_actor conn,
                      caf::actor lobby_actor) {
  self->state.conn = std::move(conn);
  self->state.lobby = std::move(lobby_actor);
  return {
    [=](const actors::connected& up) {
      self->state.nick = "guest" + std::to_string(up.id);
      tell(self, "welcome " + self->state.nick + "! /nick NAME, /join ROOM, /quit");
      join(self, "general");
    },
    [=](actors::frame_received& frame) {
      self->state.held.push_back(std::move(frame.payload));
      apply_held(self);
    },
    // The client finished sending: leave as if it had typed /quit last.
    [=](const actors::peer_finished&) {
      self->state.held.push_back("/quit");
      apply_held(self);
    },
    [=](line_atom, std::string& text) { tell(self, std::move(text)); },
    [=](const actors::connection_error&) {},
    [=](const actors::disconnected&) {
      if (self->state.room)
        self->send(self->state.room, leave_atom_v);
      self->quit();
    },
  };
}

} // namespace chat

int main(int argc, char** argv) {
  auto args = actors::parse_command_line_or_exit(
    argc, argv, {{"port", "bind", "max-rooms", "log", "tls-cert", "tls-key", "metrics"}, {},
                 chat::usage, 0});
  actors::server_options opts;
  opts.port = actors::value_or_exit(args.port("port", 7001));
  opts.bind_address = args.get("bind", "127.0.0.1");
  opts.connection.tls = examples::server_tls(args);
  auto max_rooms = actors::value_or_exit(args.number("max-rooms", 1000, 1, 1'000'000));
  actors::block_termination_signals();
  actors::system_config cfg;
  cfg.add_message_types<caf::id_block::chat_server>();
  caf::actor_system sys{cfg};
  auto lobby = sys.spawn(chat::lobby, max_rooms);
  auto metrics = examples::start_metrics(sys, args, opts.port);
  auto log = examples::start_log(sys, args, metrics.registry);
  opts.connection.log = log;
  opts.connection.metrics = metrics.registry;
  auto srv = actors::listen(sys, opts, [&sys, lobby](const actors::connection_actor& conn) {
    return sys.spawn(chat::session, conn, lobby);
  });
  examples::also_served also;
  examples::also_serve(also, metrics);
  auto status = examples::serve_until_signal(sys, srv, log, also);
  caf::anon_send_exit(lobby, caf::exit_reason::user_shutdown);
  return status;
}
