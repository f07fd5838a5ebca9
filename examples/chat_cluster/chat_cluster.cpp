// chat_cluster: examples/chat_server's chat, spread over several processes.
//
//   chat_cluster --role rooms [--node-port N] [--node-bind ADDR] [TLS]
//   chat_cluster --role gateway --rooms HOST:PORT [--port N] [--bind ADDR] [TLS]
//   chat_cluster [--role single] [--port N] [--bind ADDR] [--max-rooms N]
//
// Clients type what they type to chat_server. The room node owns the lobby
// and the rooms (chat_service.cpp) and publishes the lobby over CAF's
// middleman; gateways hold the client connections and their sessions, and
// reach the lobby through a rooms link (rooms_link.cpp) that survives the
// room node going away. docs/cluster.md walks through it.

#include <cerrno>
#include <cstring>
#include <iostream>
#include <string>

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <caf/actor_system.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>
#include <caf/openssl/publish.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "actors/command_line.hpp"
#include "actors/connection_protocol.hpp"
#include "actors/server.hpp"
#include "actors/system_config.hpp"
#include "actors/termination_signal.hpp"
#include "actors/tls_options.hpp"
#include "metrics_option.hpp"
#include "serve_until_signal.hpp"
#include "chat_protocol.hpp"
#include "chat_service.hpp"
#include "rooms_link.hpp"

namespace {

constexpr const char* usage = R"(usage: chat_cluster [--role single|rooms|gateway] [options]
Line chat with rooms. Prints "listening on ADDR:PORT" as its first line on stdout
(warnings go to stderr); exits on SIGINT/SIGTERM, with status 1 if --log
lost records.
Clients type: /nick NAME, /join ROOM, /quit; other lines go to their room.

Roles:
  single (default)  one process: takes client connections and owns the rooms
  rooms             the room node of a cluster: owns the rooms and publishes
                    them to gateways over CAF's middleman (no clients)
  gateway           takes client connections; the rooms are on the room node
                    given by --rooms; survives the room node going away

Options:
  --port N          client port (single, gateway); 0 picks a free one (default 7001)
  --bind ADDR       client bind address (default 127.0.0.1)
  --max-rooms N     most rooms that may exist at once (single, rooms; default 1000)
  --log FILE        record every client frame in and out to FILE (single, gateway)
  --node-port N     room node: port for gateways; 0 picks a free one (default 7002)
  --node-bind ADDR  room node: address for gateways (default 127.0.0.1)
  --insecure-node   room node: allow plain (non-TLS) links on a non-loopback address
  --rooms HOST:PORT gateway: where the room node listens
  --tls-cert FILE   this node's certificate (PEM)  } node-to-node links over TLS:
  --tls-key FILE    this node's private key (PEM)  } give all three, on the room
  --tls-ca FILE     the CA that signed the nodes   } node and on every gateway
  --metrics [ADDR:]PORT  serve live figures over HTTP (GET /metrics, GET
                    /healthz; every role) on 127.0.0.1 unless ADDR is given;
                    0 picks a free port; prints "metrics on ADDR:PORT"
)";

bool is_loopback(const std::string& address) {
  return address.rfind("127.", 0) == 0 || address == "::1" || address == "localhost";
}

[[noreturn]] void fail(const std::string& message) {
  std::cerr << "error: " << message << "\n";
  std::exit(2);
}

// --tls-cert/--tls-key/--tls-ca: all or none; returns whether TLS is on.
bool configure_tls(actors::system_config& cfg, const actors::command_line& args) {
  int given = args.has("tls-cert") + args.has("tls-key") + args.has("tls-ca");
  if (given == 0)
    return false;
  if (given != 3)
    fail("TLS needs all of --tls-cert, --tls-key and --tls-ca");
  for (auto name : {"tls-cert", "tls-key", "tls-ca"}) {
    auto path = args.get(name, "");
    if (::access(path.c_str(), R_OK) != 0)
      fail("--" + std::string{name} + " " + path + ": cannot read the file");
  }
  // CAF's openssl module loads the files only when the first link comes,
  // and then aborts the process (a key of another certificate, say).
  actors::tls_options files;
  files.certificate_file = args.get("tls-cert", "");
  files.key_file = args.get("tls-key", "");
  files.ca_file = args.get("tls-ca", "");
  files.require_client_certificate = true; // loads the CA file too
  if (auto problem = actors::tls_load_problem(files); !problem.empty())
    fail(problem);
  if (auto warning = actors::certificate_validity_warning(files.certificate_file);
      !warning.empty())
    std::cerr << "warning: " << warning << "\n";
  cfg.load<caf::openssl::manager>();
  cfg.openssl_certificate = files.certificate_file;
  cfg.openssl_key = files.key_file;
  cfg.openssl_cafile = files.ca_file;
  return true;
}

// Everything from the command line, checked before the actor system starts
// (a bad option exits with a message and nothing running).
struct settings {
  std::string role;
  bool tls = false;
  std::size_t max_rooms = 1000;
  actors::server_options clients;
  std::string node_bind;
  std::uint16_t node_port = 0;
  chat::rooms_link_options rooms;
};

// An option the role does not use is refused: a room node given --log
// wrote no log and said nothing.
void refuse_options_of_other_roles(const actors::command_line& args, const std::string& role) {
  struct scoped {
    const char* option;
    const char* roles; // the roles that use it, as the usage lists them
  };
  static const scoped options[] = {
    {"port", "single gateway"},   {"bind", "single gateway"},      {"log", "single gateway"},
    {"max-rooms", "single rooms"}, {"node-port", "rooms"},          {"node-bind", "rooms"},
    {"insecure-node", "rooms"},    {"rooms", "gateway"},
  };
  for (auto& [option, roles] : options) {
    std::string used_by{roles};
    if (!args.has(option) || (" " + used_by + " ").find(" " + role + " ") != std::string::npos)
      continue;
    if (auto space = used_by.find(' '); space != std::string::npos)
      used_by.replace(space, 1, " or ");
    fail("--" + std::string{option} + " is for --role " + used_by + ", not " + role);
  }
}

settings parse_settings(const actors::command_line& args, actors::system_config& cfg) {
  settings s;
  s.role = args.get("role", "single");
  if (s.role != "single" && s.role != "rooms" && s.role != "gateway")
    fail("--role must be single, rooms or gateway, not \"" + s.role + "\"");
  refuse_options_of_other_roles(args, s.role);
  s.tls = configure_tls(cfg, args);
  if (s.tls && s.role == "single")
    fail("TLS secures links between nodes; --role single has none");
  s.max_rooms = actors::value_or_exit(args.number("max-rooms", 1000, 1, 1'000'000));
  s.clients.port = actors::value_or_exit(args.port("port", 7001));
  s.clients.bind_address = args.get("bind", "127.0.0.1");
  s.node_port = actors::value_or_exit(args.port("node-port", 7002));
  s.node_bind = args.get("node-bind", "127.0.0.1");
  if (s.role == "rooms" && !s.tls && !is_loopback(s.node_bind)) {
    if (!args.has("insecure-node"))
      fail("--node-bind " + s.node_bind + " without TLS exposes the rooms unencrypted and "
           "unauthenticated; give --tls-cert/--tls-key/--tls-ca, or --insecure-node");
    std::cerr << "warning: plain node links on " << s.node_bind
              << ": anyone who reaches this port can join the cluster\n";
  }
  if (s.role == "gateway") {
    if (!args.has("rooms"))
      fail("--role gateway needs --rooms HOST:PORT (the room node)");
    auto rooms = actors::value_or_exit(actors::parse_host_port(args.get("rooms", ""), "--rooms"));
    s.rooms.host = rooms.host;
    s.rooms.port = rooms.port;
    s.rooms.tls = s.tls;
    s.rooms.report = [](const std::string& line) { std::cerr << "gateway: " + line + "\n"; };
  }
  return s;
}

// Why binding HOST:PORT fails ("Address already in use"), or empty: CAF's
// publish says only "cannot_open_port", so the room node tries the bind
// itself to name the reason.
std::string why_bind_fails(const std::string& host, std::uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  if (auto rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found))
    return ::gai_strerror(rc);
  std::string why;
  int fd = ::socket(found->ai_family, found->ai_socktype | SOCK_CLOEXEC, 0);
  int one = 1;
  if (fd < 0)
    why = std::strerror(errno);
  else if (::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0
           || ::bind(fd, found->ai_addr, found->ai_addrlen) != 0)
    why = std::strerror(errno);
  if (fd >= 0)
    ::close(fd);
  ::freeaddrinfo(found);
  return why;
}

// The room node: the lobby and its rooms, published for gateways.
int run_rooms_node(caf::actor_system& sys, const settings& s,
                   const examples::metrics_endpoint& metrics) {
  auto lobby = chat::spawn_chat_lobby(sys, s.max_rooms, metrics.registry);
  // SO_REUSEADDR: a restarted room node gets its port back at once.
  auto bind = s.node_bind.c_str();
  auto published = s.tls ? caf::openssl::publish(lobby, s.node_port, bind, true)
                         : sys.middleman().publish(lobby, s.node_port, bind, true);
  if (!published) {
    auto why = why_bind_fails(s.node_bind, s.node_port);
    std::cerr << "error: cannot publish the rooms on " << s.node_bind << ":" << s.node_port
              << ": " << (why.empty() ? sys.render(published.error()) : why) << "\n";
    caf::anon_send_exit(lobby, caf::exit_reason::user_shutdown);
    return 1;
  }
  std::cout << "listening on " << s.node_bind << ":" << *published << std::endl;
  // No connection of ours here (gateways link over CAF's middleman): the
  // endpoint exports the lobby's and the rooms' figures.
  if (metrics.http)
    std::cout << examples::metrics_banner(metrics) << std::endl;
  actors::wait_for_termination_signal();
  caf::scoped_actor self{sys};
  examples::stop_metrics(self, metrics);
  caf::anon_send_exit(lobby, caf::exit_reason::user_shutdown);
  return 0;
}

// Client connections with sessions that find rooms through `lobby` (the
// lobby itself, or a gateway's rooms link); runs until a signal.
int serve_clients(caf::actor_system& sys, const actors::command_line& args,
                  const settings& s, const caf::actor& lobby,
                  const examples::metrics_endpoint& metrics) {
  auto opts = s.clients;
  auto log = examples::start_log(sys, args, metrics.registry);
  opts.connection.log = log;
  opts.connection.metrics = metrics.registry;
  auto srv = actors::listen(sys, opts, chat::chat_sessions(sys, lobby));
  examples::also_served also;
  examples::also_serve(also, metrics);
  auto rc = examples::serve_until_signal(sys, srv, log, also);
  caf::anon_send_exit(lobby, caf::exit_reason::user_shutdown);
  // A gateway's link to the room node may be in the middle of connecting
  // (a listen that failed at once): it exits once that is answered.
  caf::scoped_actor self{sys};
  self->wait_for(lobby);
  return rc;
}

} // namespace

int main(int argc, char** argv) {
  auto args = actors::parse_command_line_or_exit(
    argc, argv,
    {{"role", "port", "bind", "max-rooms", "log", "node-port", "node-bind", "rooms", "tls-cert",
      "tls-key", "tls-ca", "metrics"},
     {"insecure-node"},
     usage, 0});
  actors::block_termination_signals();
  actors::system_config cfg;
  cfg.add_message_types<caf::id_block::chat_cluster>();
  auto s = parse_settings(args, cfg);
  caf::actor_system sys{cfg};
  auto metrics = examples::start_metrics(sys, args,
                                         s.role == "rooms" ? s.node_port : s.clients.port);
  if (s.role == "rooms")
    return run_rooms_node(sys, s, metrics);
  if (s.role == "gateway")
    return serve_clients(sys, args, s, chat::spawn_rooms_link(sys, s.rooms), metrics);
  return serve_clients(sys, args, s, chat::spawn_chat_lobby(sys, s.max_rooms, metrics.registry),
                       metrics);
}
