// echo_server: sends every line back to the client that sent it.
//
//   echo_server [--port N] [--bind ADDR] [--max-frame BYTES] [--max-connections N]
//               [--log FILE] [--tls-cert FILE --tls-key FILE] [--udp]
//               [--metrics [ADDR:]PORT] [--session-actors]
//
// Each accepted connection is its own actor (libactors' connection), and
// each gets its own echo session. By default the session runs inside the
// connection actor (actors/inline_session.hpp): each read's lines go to it
// by a plain call and its replies are written once per read. With
// --session-actors, each connection gets a session actor instead, which
// receives the frames as messages and sends them back. With --udp, a UDP
// endpoint on the same port number answers every datagram to its sender.

#include <algorithm>
#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/io/broker.hpp>

#include "actors/colocated.hpp"
#include "actors/command_line.hpp"
#include "actors/connection_protocol.hpp"
#include "actors/inline_session.hpp"
#include "actors/server.hpp"
#include "actors/system_config.hpp"
#include "actors/termination_signal.hpp"
#include "actors/udp.hpp"
#include "log_option.hpp"
#include "metrics_option.hpp"
#include "tls_option.hpp"
#include "serve_until_signal.hpp"
#include "udp_buffer.hpp"

namespace {

constexpr const char* usage = R"(usage: echo_server [--port N] [--bind ADDR] [--max-frame BYTES] [--max-connections N] [--log FILE] [--tls-cert FILE --tls-key FILE] [--udp] [--metrics [ADDR:]PORT] [--session-actors]
Line echo server. Prints "listening on ADDR:PORT" as its first line on stdout
(warnings go to stderr); exits on SIGINT/SIGTERM, with status 1 if --log
lost records.
  --port N           port to listen on; 0 picks a free one (default 7000)
  --bind ADDR        address to bind (default 127.0.0.1)
  --max-frame BYTES  longest line accepted (default 1048576); with --udp, also
                     the largest datagram (UDP's own limit is 65507)
  --max-connections N  peers served at once; more are told "error: server full"
                     and closed (default 1024)
  --log FILE         record every frame in and out to FILE
  --tls-cert FILE    speak TLS with this certificate chain (PEM)
  --tls-key FILE     and this private key (PEM)
  --udp              also answer datagrams on the same port number (UDP, never
                     encrypted, with --tls-cert too);
                     prints "udp on ADDR:PORT", and its counters at exit
  --metrics [ADDR:]PORT  serve live figures over HTTP (GET /metrics for
                     Prometheus, GET /healthz) on 127.0.0.1 unless ADDR is
                     given; 0 picks a free port; prints "metrics on ADDR:PORT"
  --session-actors   echo from one session actor per connection, fed by
                     messages, instead of inside each connection actor
)";

// Runs inside each connection actor: sends every line of a read back, all
// in one write. Reading pauses while the peer does not take the replies
// (see inline_session), so a peer that never reads cannot grow our memory.
class echo_inline final : public actors::inline_session {
public:
  void on_frames(const std::vector<std::string_view>& frames,
                 actors::session_output& out) override {
    out.send(frames);
  }
  // on_peer_finished: the default closes once every reply is written, as
  // ncat and socat expect when their stdin ends.
};

// The server's observer, and with inline sessions the one subscriber of
// every connection: the frames never reach it, only the events, of which it
// prints the errors and the peers refused (--max-connections).
caf::behavior echo_events(caf::io::broker*) {
  return {
    [](const actors::connected&) {},
    [](const actors::peer_finished&) {},
    [](const actors::connection_error& err) {
      // One string, one write: a reader of our stderr never sees half a line.
      std::cerr << "connection " + std::to_string(err.id) + ": " + err.message + "\n";
    },
    [](const actors::peer_refused& refused) { std::cerr << refused.message + "\n"; },
    [](const actors::disconnected&) {},
  };
}

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
      std::cerr << "connection " + std::to_string(err.id) + ": " + err.message + "\n";
    },
    [=](const actors::disconnected&) { self->quit(); },
  };
}

// `message` with the library's option named as this program's user knows
// it: max_datagram_size is set from --max-frame.
std::string in_our_terms(std::string message) {
  const std::string option = "max_datagram_size";
  if (auto at = message.find(option); at != std::string::npos)
    message.replace(at, option.size(), "--max-frame");
  return message;
}

// The UDP endpoint's subscriber: sends each datagram back to its sender and
// gives the read credit back only then. Colocated with the endpoint too.
caf::behavior udp_echo_session(caf::io::broker* self) {
  return {
    [=](const actors::udp_ready&) {},
    [=](actors::datagrams_received& batch) {
      auto endpoint = caf::actor_cast<actors::udp_endpoint_actor>(self->current_sender());
      for (auto& d : batch.datagrams)
        self->send(endpoint, actors::send_to_atom_v, std::move(d.peer),
                   std::move(d.payload));
      self->send(endpoint, actors::credit_atom_v,
                 static_cast<std::uint32_t>(batch.datagrams.size()));
    },
    [=](const actors::udp_error& err) { std::cerr << "udp: " + in_our_terms(err.message) + "\n"; },
    [=](const actors::udp_closed&) { self->quit(); },
  };
}

// Opens the UDP echo on the TCP server's address and port number.
caf::expected<actors::udp_endpoint> open_udp_echo(caf::actor_system& sys,
                                                  const actors::server& srv,
                                                  const actors::log_writer_actor& log,
                                                  const caf::actor& metrics,
                                                  std::size_t max_frame) {
  actors::udp_options options;
  // A datagram is the frame: --max-frame bounds it too (UDP's own bound is
  // lower than the default line's).
  options.max_datagram_size = std::min(max_frame, options.max_datagram_size);
  options.batch_datagrams = true;
  options.receive_buffer_size = examples::udp_receive_buffer;
  options.log = log;
  options.metrics = metrics;
  auto session = actors::spawn_colocated(sys, udp_echo_session);
  auto udp = actors::udp_open(sys, srv.address, srv.port, session, options);
  if (!udp)
    caf::anon_send_exit(session, caf::exit_reason::user_shutdown);
  return udp;
}

// Prints the UDP counters, then closes the endpoint.
void stop_udp_echo(caf::scoped_actor& self, const actors::udp_endpoint& udp) {
  self->request(udp.handle, std::chrono::seconds{5}, actors::stats_atom_v)
    .receive(
      [](const actors::udp_stats& x) {
        std::cerr << "udp: " << x.datagrams_in << " datagrams in, " << x.datagrams_out
                  << " out, " << x.dropped << " dropped without credit, "
                  << x.dropped_by_kernel << " dropped by the kernel, " << x.too_large
                  << " too large" << std::endl;
      },
      [](const caf::error&) {});
  self->send(udp.handle, actors::close_atom_v);
}

} // namespace

int main(int argc, char** argv) {
  auto args = actors::parse_command_line_or_exit(
    argc, argv, {{"port", "bind", "max-frame", "max-connections", "log", "tls-cert", "tls-key",
                  "metrics"},
                       {"udp", "session-actors"}, usage, 0});
  actors::server_options opts;
  opts.port = actors::value_or_exit(args.port("port", 7000));
  opts.bind_address = args.get("bind", "127.0.0.1");
  opts.connection.batch_frames = true;
  opts.connection.tls = examples::server_tls(args);
  opts.connection.framing.max_frame_size
    = actors::value_or_exit(args.number("max-frame", 1024 * 1024, 1, 1024ul * 1024 * 1024));
  opts.max_connections
    = actors::value_or_exit(args.number("max-connections", 1024, 1, 1'000'000));
  // A refused peer learns why (not over TLS, where it would come in the clear).
  auto most = opts.max_connections;
  opts.refusal_message = "error: server full (at most " + std::to_string(most)
                         + (most == 1 ? " peer" : " peers") + " at once); try again later\n";
  actors::block_termination_signals();
  // CAF's default polling, not relax_idle_workers: a server's workers (its
  // session actors, the log writer) get work in bursts from the
  // multiplexer, and workers that still poll take it without being woken.
  actors::system_config cfg;
  caf::actor_system sys{cfg};
  auto metrics = examples::start_metrics(sys, args, opts.port);
  auto log = examples::start_log(sys, args, metrics.registry);
  opts.connection.log = log;
  opts.connection.metrics = metrics.registry;
  // Colocated, like the connections: its rare events wake no worker thread.
  auto events = actors::spawn_colocated(sys, echo_events);
  opts.observer = events;
  auto srv = [&]() -> caf::expected<actors::server> {
    if (args.has("session-actors"))
      return actors::listen(sys, opts, [&sys](const actors::connection_actor& conn) {
        return actors::spawn_colocated(sys, echo_session, conn);
      });
    opts.connection.inline_session = [] { return std::make_unique<echo_inline>(); };
    return actors::listen(sys, opts, events);
  }();
  examples::also_served also;
  examples::also_serve(also, metrics);
  std::optional<actors::udp_endpoint> udp;
  if (srv && args.has("udp")) {
    auto opened = open_udp_echo(sys, *srv, log, metrics.registry,
                                opts.connection.framing.max_frame_size);
    if (!opened) {
      std::cerr << "error: " << actors::message_of(opened.error()) << "\n";
      examples::stop_serving(sys, srv, log, also);
      caf::anon_send_exit(events, caf::exit_reason::user_shutdown);
      return 1;
    }
    udp = std::move(*opened);
    // Its banner and its stop come before the metrics endpoint's.
    also.banners.insert(also.banners.begin(),
                        "udp on " + udp->address + ":" + std::to_string(udp->port)
                          + (opts.connection.tls.enabled ? " (not encrypted: TLS is for TCP)"
                                                         : ""));
    also.on_stop.insert(also.on_stop.begin(),
                        [&udp](caf::scoped_actor& self) { stop_udp_echo(self, *udp); });
  }
  auto status = examples::serve_until_signal(sys, srv, log, also);
  caf::anon_send_exit(events, caf::exit_reason::user_shutdown);
  return status;
}
