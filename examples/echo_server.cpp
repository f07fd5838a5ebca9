// echo_server: sends every line back to the client that sent it.
//
//   echo_server [--port N] [--bind ADDR] [--max-frame BYTES] [--max-connections N]
//               [--log FILE] [--tls-cert FILE --tls-key FILE]
//
// Each accepted connection is its own actor (libactors' connection), and
// each gets its own echo session: the actor below, which receives the
// connection's events and sends the frames back.

#include <cstdint>
#include <iostream>
#include <utility>

#include <caf/actor_system.hpp>
#include <caf/io/broker.hpp>

#include "actors/colocated.hpp"
#include "actors/command_line.hpp"
#include "actors/connection_protocol.hpp"
#include "actors/server.hpp"
#include "actors/system_config.hpp"
#include "actors/termination_signal.hpp"
#include "log_option.hpp"
#include "tls_option.hpp"
#include "serve_until_signal.hpp"

namespace {

constexpr const char* usage = R"(usage: echo_server [--port N] [--bind ADDR] [--max-frame BYTES] [--max-connections N] [--log FILE] [--tls-cert FILE --tls-key FILE]
Line echo server. Prints "listening on ADDR:PORT" first; exits on SIGINT/SIGTERM.
  --port N           port to listen on; 0 picks a free one (default 7000)
  --bind ADDR        address to bind (default 127.0.0.1)
  --max-frame BYTES  longest line accepted (default 1048576)
  --max-connections N  peers served at once; more are refused (default 1024)
  --log FILE         record every frame in and out to FILE
  --tls-cert FILE    speak TLS with this certificate chain (PEM)
  --tls-key FILE     and this private key (PEM)
)";

// One per connection: echoes what arrives and gives the read credit back
// only then, so the connection reads exactly as fast as we echo. Colocated
// with its connection (actors/colocated.hpp), so its handlers stay short.
caf::behavior echo_session(caf::io::broker* self, actors::connection_actor conn) {
  return {
    [=](actors::frame_received& frame) {
      self->send(conn, actors::send_atom::value, std::move(frame.payload));
      self->send(conn, actors::credit_atom::value, std::uint32_t{1});
    },
    // With batch_frames: one message back and one credit grant per read.
    [=](actors::frames_received& batch) {
      auto count = static_cast<std::uint32_t>(batch.frames.size());
      self->send(conn, actors::send_atom::value, std::move(batch.frames));
      self->send(conn, actors::credit_atom::value, count);
    },
    [=](const actors::connected&) {},
    // The client finished sending (ncat and socat do at the end of stdin):
    // every line before it was echoed above, so close, which sends what is
    // queued first.
    [=](const actors::peer_finished&) { self->send(conn, actors::close_atom_v); },
    [=](const actors::connection_error& err) {
      std::cerr << "connection " << err.id << ": " << err.message << "\n";
    },
    [=](const actors::disconnected&) { self->quit(); },
  };
}

} // namespace

int main(int argc, char** argv) {
  auto args = actors::parse_command_line_or_exit(
    argc, argv, {{"port", "bind", "max-frame", "max-connections", "log", "tls-cert", "tls-key"},
                       {}, usage});
  actors::server_options opts;
  opts.port = actors::value_or_exit(args.port("port", 7000));
  opts.bind_address = args.get("bind", "127.0.0.1");
  opts.connection.batch_frames = true;
  opts.connection.tls = examples::server_tls(args);
  opts.connection.framing.max_frame_size
    = actors::value_or_exit(args.number("max-frame", 1024 * 1024, 1, 1024ul * 1024 * 1024));
  opts.max_connections
    = actors::value_or_exit(args.number("max-connections", 1024, 1, 1'000'000));
  actors::block_termination_signals();
  actors::system_config cfg;
  caf::actor_system sys{cfg};
  auto log = examples::start_log(sys, args);
  opts.connection.log = log;
  auto srv = actors::listen(sys, opts, [&sys](const actors::connection_actor& conn) {
    return actors::spawn_colocated(sys, echo_session, conn);
  });
  return examples::serve_until_signal(sys, srv, log);
}
