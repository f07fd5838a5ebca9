#include "runtime.hpp"

#include <caf/exit_reason.hpp>
#include <caf/send.hpp>

#include "actors/connection_protocol.hpp"
#include "actors/server.hpp"
#include "actors/termination_signal.hpp"
#include "actors/ui_bridge.hpp"
#include "services/chat_service.hpp"
#include "services/echo_service.hpp"
#include "workbench.hpp"

namespace client {

namespace {

std::optional<std::uint16_t> parse_port(const std::string& text, bool zero_ok) {
  if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  auto value = std::stoul(text);
  if (value > 65535 || (value == 0 && !zero_ok))
    return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

} // namespace

const char* Usage() {
  return "usage: actors-client [--connect HOST:PORT]... [--listen PORT] [--log FILE]\n"
         "                     [--demo] [--screenshot FILE]\n"
         "A socket workbench that never freezes. With no arguments it starts an\n"
         "embedded echo and chat server on free local ports, already connected.\n"
         "  --connect HOST:PORT  open a line-framed connection (repeatable)\n"
         "  --listen PORT        accept peers on 127.0.0.1:PORT (0: any free port)\n"
         "  --log FILE           log every frame in and out to FILE\n"
         "  --demo               start the embedded servers (the default without options)\n"
         "  --screenshot FILE    save the window as PNG after startup, then quit\n";
}

std::optional<std::string> ParseCommandLine(const std::vector<std::string>& args,
                                            ClientOptions& out) {
  out = {};
  for (std::size_t i = 0; i < args.size(); ++i) {
    auto& arg = args[i];
    auto value = [&]() -> std::optional<std::string> {
      if (i + 1 >= args.size())
        return std::nullopt;
      return args[++i];
    };
    if (arg == "--demo") {
      out.demo = true;
    } else if (arg == "--connect" || arg == "--listen" || arg == "--log"
               || arg == "--screenshot") {
      auto text = value();
      if (!text)
        return arg + " needs a value";
      if (arg == "--connect") {
        auto colon = text->rfind(':');
        auto port = colon == std::string::npos ? std::nullopt
                                               : parse_port(text->substr(colon + 1), false);
        if (!port || colon == 0)
          return "--connect needs HOST:PORT with a port from 1 to 65535, got '" + *text + "'";
        out.connects.emplace_back(text->substr(0, colon), *port);
      } else if (arg == "--listen") {
        auto port = parse_port(*text, true);
        if (!port)
          return "--listen needs a port from 0 to 65535, got '" + *text + "'";
        out.listen = *port;
      } else if (arg == "--log") {
        out.log = *text;
      } else {
        out.screenshot = *text;
      }
    } else {
      return "unknown argument '" + arg + "' (see --help)";
    }
  }
  if (out.connects.empty() && !out.listen)
    out.demo = true;
  return std::nullopt;
}

Runtime::Runtime(wxEvtHandler& ui) : sink_(std::make_shared<actors::wx::ui_sink>(ui)) {
  // Backpressure must throttle before the hard limit drops anything: the
  // mark leaves room for what a connection reads after it, its credit (1024)
  // plus one 64 KiB read of the shortest lines (up to 65536 frames).
  actors::ui_bridge_options bridge_options;
  bridge_options.high_water = 80'000;
  bridge_options.max_batch = 5'000;
  bridge_ = actors::spawn_ui_bridge(system_, sink_, bridge_options);
  workbench_ = spawn_workbench(system_, bridge_);
}

Runtime::~Runtime() {
  Shutdown();
  // Members go in reverse order: the handles, then system_, whose destructor
  // waits until every actor is done.
}

void Runtime::WatchTerminationSignals() {
  if (!termination_watch_)
    termination_watch_ = actors::spawn_termination_watch(system_, bridge_);
}

void Runtime::StartDemo() {
  demo_lobby_ = services::spawn_chat_lobby(system_);
  actors::server_options opts;
  opts.port = 0;
  auto echo = actors::listen(system_, opts, services::echo_sessions(system_));
  auto chat = actors::listen(system_, opts, services::chat_sessions(system_, demo_lobby_));
  if (echo) {
    demo_acceptors_.push_back(echo->acceptor);
    demo_ports_.first = echo->port;
  }
  if (chat) {
    demo_acceptors_.push_back(chat->acceptor);
    demo_ports_.second = chat->port;
  }
  auto say = [&](std::string text) {
    caf::anon_send(bridge_, actors::make_message_event(std::move(text)));
  };
  if (!echo || !chat) {
    caf::anon_send(bridge_, actors::make_error_event(actors::error_kind::listen_failed,
                                                     "demo servers could not start"));
    return;
  }
  say("demo: echo server on 127.0.0.1:" + std::to_string(echo->port)
      + ", chat server on 127.0.0.1:" + std::to_string(chat->port)
      + " (try /nick NAME, /join ROOM)");
  actors::connection_options conn;
  caf::anon_send(workbench_, connect_atom::value, std::string{"127.0.0.1"}, echo->port, conn);
  caf::anon_send(workbench_, connect_atom::value, std::string{"127.0.0.1"}, chat->port, conn);
}

void Runtime::Start(const ClientOptions& options) {
  if (!options.log.empty())
    caf::anon_send(workbench_, log_to_atom::value, options.log);
  if (options.demo)
    StartDemo();
  actors::connection_options conn;
  for (auto& [host, port] : options.connects)
    caf::anon_send(workbench_, connect_atom::value, host, port, conn);
  if (options.listen)
    caf::anon_send(workbench_, listen_atom::value, std::string{"127.0.0.1"}, *options.listen,
                   conn);
}

void Runtime::Shutdown() {
  if (shut_down_)
    return;
  shut_down_ = true;
  // The workbench aborts its connections and closes the log (fsynced), then
  // quits. Nobody waits for its answer here: the log writer is an actor too,
  // so the actor system's join in ~Runtime waits for the flush.
  caf::anon_send(workbench_, shutdown_atom::value);
  for (auto& acceptor : demo_acceptors_)
    caf::anon_send(acceptor, actors::close_atom::value);
  if (demo_lobby_)
    caf::anon_send_exit(demo_lobby_, caf::exit_reason::user_shutdown);
  if (termination_watch_)
    caf::anon_send_exit(termination_watch_, caf::exit_reason::user_shutdown);
  caf::anon_send(bridge_, actors::close_atom::value);
}

} // namespace client
