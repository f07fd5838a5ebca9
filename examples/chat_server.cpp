// chat_server: a line-based chat with rooms.
//
//   chat_server [--port N] [--bind ADDR] [--max-rooms N] [--log FILE]
//
// Commands a client can type: /nick NAME, /join ROOM, /quit. Any other line
// goes to everyone in the client's room. Every connection is its own actor
// with its own session actor; every room is an actor; the lobby actor
// knows the rooms by name (see services/chat_service.cpp).

#include <caf/actor_system.hpp>
#include <caf/send.hpp>

#include "actors/connection_protocol.hpp"
#include "actors/server.hpp"
#include "actors/system_config.hpp"
#include "actors/termination_signal.hpp"
#include "command_line.hpp"
#include "serve_until_signal.hpp"
#include "services/chat_service.hpp"

namespace {

constexpr const char* usage = R"(usage: chat_server [--port N] [--bind ADDR] [--max-rooms N] [--log FILE]
Line chat with rooms. Prints "listening on ADDR:PORT" first; exits on SIGINT/SIGTERM.
  --port N        port to listen on; 0 picks a free one (default 7001)
  --bind ADDR     address to bind (default 127.0.0.1)
  --max-rooms N   most rooms that may exist at once (default 1000)
  --log FILE      record every frame in and out to FILE
Clients type: /nick NAME, /join ROOM, /quit; other lines go to their room.
)";

} // namespace

int main(int argc, char** argv) {
  auto args = examples::parse_command_line(argc, argv, {"port", "bind", "max-rooms", "log"}, {},
                                           usage);
  actors::block_termination_signals();
  actors::system_config cfg;
  caf::actor_system sys{cfg};
  auto max_rooms = args.number("max-rooms", 1000, 1, 1'000'000);
  auto lobby_actor = services::spawn_chat_lobby(sys, max_rooms);
  actors::server_options opts;
  opts.port = args.port("port", 7001);
  opts.bind_address = args.get("bind", "127.0.0.1");
  auto log = examples::start_log(sys, args);
  opts.connection.log = log;
  auto srv = actors::listen(sys, opts, services::chat_sessions(sys, lobby_actor));
  auto rc = examples::serve_until_signal(sys, srv, log);
  caf::anon_send_exit(lobby_actor, caf::exit_reason::user_shutdown);
  return rc;
}
