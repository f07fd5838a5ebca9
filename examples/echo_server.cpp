// echo_server: sends every line back to the client that sent it.
//
//   echo_server [--port N] [--bind ADDR] [--max-frame BYTES] [--max-connections N]
//                   [--log FILE]
//
// Each accepted connection is its own actor; each gets its own echo session
// (see services/echo_service.cpp).

#include <caf/actor_system.hpp>

#include "actors/connection_protocol.hpp"
#include "actors/server.hpp"
#include "actors/system_config.hpp"
#include "actors/termination_signal.hpp"
#include "command_line.hpp"
#include "serve_until_signal.hpp"
#include "services/echo_service.hpp"

namespace {

constexpr const char* usage = R"(usage: echo_server [--port N] [--bind ADDR] [--max-frame BYTES] [--max-connections N]
Line echo server. Prints "listening on ADDR:PORT" first; exits on SIGINT/SIGTERM.
  --port N           port to listen on; 0 picks a free one (default 7000)
  --bind ADDR        address to bind (default 127.0.0.1)
  --max-frame BYTES  longest line accepted (default 1048576)
  --max-connections N  peers served at once; more are refused (default 1024)
  --log FILE         record every frame in and out to FILE
)";

} // namespace

int main(int argc, char** argv) {
  auto args = examples::parse_command_line(argc, argv,
                                           {"port", "bind", "max-frame", "max-connections", "log"}, {},
                                           usage);
  actors::block_termination_signals();
  actors::system_config cfg;
  caf::actor_system sys{cfg};
  actors::server_options opts;
  opts.port = args.port("port", 7000);
  opts.bind_address = args.get("bind", "127.0.0.1");
  opts.connection.batch_frames = true;
  opts.connection.framing.max_frame_size
    = args.number("max-frame", 1024 * 1024, 1, 1024ul * 1024 * 1024);
  opts.max_connections = args.number("max-connections", 1024, 1, 1'000'000);
  auto log = examples::start_log(sys, args);
  opts.connection.log = log;
  auto srv = actors::listen(sys, opts, services::echo_sessions(sys));
  return examples::serve_until_signal(sys, srv, log);
}
