// echo_server: sends every line back to the client that sent it.
//
//   echo_server [--port N] [--bind ADDR] [--max-frame BYTES]
//
// Each accepted connection is its own actor; each gets its own echo session.

#include <iostream>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/connection_protocol.hpp"
#include "actors/server.hpp"
#include "actors/system_config.hpp"
#include "actors/termination_signal.hpp"
#include "command_line.hpp"

namespace {

constexpr const char* usage = R"(usage: echo_server [--port N] [--bind ADDR] [--max-frame BYTES]
Line echo server. Prints "listening on ADDR:PORT" first; exits on SIGINT/SIGTERM.
  --port N           port to listen on; 0 picks a free one (default 7000)
  --bind ADDR        address to bind (default 127.0.0.1)
  --max-frame BYTES  longest line accepted (default 1048576)
)";

// One per connection: echoes each frame and grants one credit for it, so
// the connection reads exactly as fast as we echo.
caf::behavior echo_session(caf::event_based_actor* self, caf::actor conn) {
  return {
    [=](actors::frame_received& frame) {
      self->send(conn, actors::send_atom::value, std::move(frame.payload));
      self->send(conn, actors::credit_atom::value, std::uint32_t{1});
    },
    [=](const actors::connected&) { },
    [=](const actors::connection_error& err) {
      std::cerr << "connection " << err.id << ": " << err.message << "\n";
    },
    [=](const actors::disconnected&) { self->quit(); },
  };
}

} // namespace

int main(int argc, char** argv) {
  auto args = examples::parse_command_line(argc, argv,
                                           {"port", "bind", "max-frame"}, {},
                                           usage);
  actors::block_termination_signals();
  actors::system_config cfg;
  caf::actor_system sys{cfg};
  actors::server_options opts;
  opts.port = args.port("port", 7000);
  opts.bind_address = args.get("bind", "127.0.0.1");
  opts.connection.framing.max_frame_size
    = std::stoul(args.get("max-frame", "1048576"));
  auto srv = actors::listen(sys, opts, [&sys](const caf::actor& conn) {
    return sys.spawn(echo_session, conn);
  });
  if (!srv) {
    std::cerr << "error: " << srv.error().message << "\n";
    return 1;
  }
  std::cout << "listening on " << srv->address << ":" << srv->port << std::endl;
  actors::wait_for_termination_signal();
  caf::scoped_actor self{sys};
  self->send(srv->acceptor, actors::close_atom::value);
  self->wait_for(srv->acceptor);
}
