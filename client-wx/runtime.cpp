#include "runtime.hpp"

#include <caf/exit_reason.hpp>
#include <caf/send.hpp>

#include "actors/connection_protocol.hpp"
#include "actors/metrics.hpp"
#include "actors/server.hpp"
#include "actors/termination_signal.hpp"
#include "actors/ui_bridge.hpp"
#include "demo_server.hpp"
#include "inspector_feed.hpp"
#include "workbench.hpp"

namespace client {

ClientConfig::ClientConfig() {
  add_demo_message_types(*this);
  // The window's thread first: under a flood, the actors' threads would
  // otherwise take the cores from it (B2 in docs/performance.md).
  lower_thread_priority();
  // Idle, the client should leave the cores (and a laptop's battery) alone.
  relax_idle_workers();
}

Runtime::Runtime(wxEvtHandler& ui) : sink_(std::make_shared<actors::wx::ui_sink>(ui)) {
  // Backpressure must throttle before the hard limit drops anything: the
  // mark leaves room for what a connection reads after it, its credit (1024)
  // plus one 64 KiB read of the shortest lines (up to 65536 frames).
  metrics_ = actors::spawn_metrics_registry(system_);
  inspector_feed_ = spawn_inspector_feed(system_, metrics_, ui);
  actors::ui_bridge_options bridge_options;
  bridge_options.high_water = 80'000;
  bridge_options.max_batch = 5'000;
  bridge_options.metrics = metrics_;
  bridge_ = actors::spawn_ui_bridge(system_, sink_, bridge_options);
  workbench_ = spawn_workbench(system_, bridge_, metrics_);
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
  demo_room_ = spawn_demo_room(system_);
  actors::server_options opts;
  opts.port = 0;
  opts.connection.metrics = metrics_;
  auto echo = actors::listen(system_, opts, demo_echo_sessions(system_));
  auto chat = actors::listen(system_, opts, demo_chat_sessions(system_, demo_room_));
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
      + " (try /nick NAME)");
  actors::connection_options conn;
  caf::anon_send(workbench_, connect_atom::value, std::string{"127.0.0.1"}, echo->port, conn);
  caf::anon_send(workbench_, connect_atom::value, std::string{"127.0.0.1"}, chat->port, conn);
}

void Runtime::Start(const ClientOptions& options) {
  // --log is the window's (MainFrame::LogTo, which also shows it).
  if (options.demo)
    StartDemo();
  for (auto& target : options.connects) {
    if (target.udp) {
      actors::udp_options udp;
      udp.remote_host = target.host;
      udp.remote_port = target.port;
      caf::anon_send(workbench_, udp_open_atom_v, std::string{}, std::uint16_t{0}, udp);
      continue;
    }
    actors::connection_options conn;
    conn.tls.enabled = target.tls;
    conn.tls.ca_file = options.ca_file;
    conn.tls.insecure = options.insecure;
    caf::anon_send(workbench_, connect_atom::value, target.host, target.port, conn);
  }
  for (auto port : options.listen) {
    actors::connection_options conn;
    conn.tls.enabled = !options.tls_cert.empty();
    conn.tls.certificate_file = options.tls_cert;
    conn.tls.key_file = options.tls_key;
    caf::anon_send(workbench_, listen_atom::value, std::string{"127.0.0.1"}, port, conn);
  }
  for (auto port : options.listen_udp)
    caf::anon_send(workbench_, udp_open_atom_v, std::string{"127.0.0.1"}, port,
                   actors::udp_options{});
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
  if (demo_room_)
    caf::anon_send_exit(demo_room_, caf::exit_reason::user_shutdown);
  if (termination_watch_)
    caf::anon_send_exit(termination_watch_, caf::exit_reason::user_shutdown);
  caf::anon_send(bridge_, actors::close_atom::value);
  caf::anon_send_exit(inspector_feed_, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(metrics_, caf::exit_reason::user_shutdown);
}

} // namespace client
