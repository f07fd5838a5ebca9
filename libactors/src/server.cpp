#include "actors/server.hpp"

#include <chrono>
#include <string>
#include <unordered_map>

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <caf/io/broker.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/system_messages.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/connection.hpp"
#include "actors/event_source.hpp"
#include "connection_broker.hpp"
#include "connection_steps.hpp"
#include "descriptor_table.hpp"
#include "tcp_socket.hpp"
#include "tcp_doorman.hpp"

namespace actors {

namespace {

struct acceptor_state {
  server_options options;
  // "ADDRESS:PORT", as bound.
  std::string address;
  server_stats stats;
  // Accepts in the second under way, and when it began.
  std::uint64_t accepts_this_second = 0;
  std::chrono::steady_clock::time_point second_began = std::chrono::steady_clock::now();
  session_factory make_session;
  detail::tls_context tls; // null without TLS
  std::optional<caf::io::accept_handle> listener;
  std::unordered_map<caf::actor_id, caf::actor> connections;
  bool closing = false;

  static inline const char* name = "actors.acceptor";
};

using acceptor_broker = caf::stateful_actor<acceptor_state, caf::io::broker>;

// Moves the accept-rate window on to the current second.
void roll_second(acceptor_state& st) {
  auto now = std::chrono::steady_clock::now();
  auto elapsed = now - st.second_began;
  if (elapsed < std::chrono::seconds{1})
    return;
  st.stats.accepts_per_second = elapsed < std::chrono::seconds{2} ? st.accepts_this_second : 0;
  st.accepts_this_second = 0;
  st.second_began = now - elapsed % std::chrono::seconds{1};
}

server_stats current_stats(acceptor_broker* self) {
  auto& st = self->state;
  roll_second(st);
  st.stats.open = st.connections.size();
  return st.stats;
}

actor_metrics server_metrics(acceptor_broker* self) {
  auto stats = current_stats(self);
  actor_metrics m;
  m.kind = "server";
  m.id = self->id();
  m.name = "server " + self->state.address;
  m.state = self->state.closing ? "closing" : "listening";
  m.mailbox = self->mailbox().size();
  m.samples = {
    {"accepted_total", metric_type::counter, static_cast<double>(stats.accepted)},
    {"refused_total", metric_type::counter, static_cast<double>(stats.refused)},
    {"connections_open", metric_type::gauge, static_cast<double>(stats.open)},
    {"accepts_per_second", metric_type::detail, static_cast<double>(stats.accepts_per_second)},
  };
  return m;
}

void refuse(acceptor_broker* self, caf::io::connection_handle hdl) {
  auto& st = self->state;
  ++st.stats.refused;
  auto peer = self->remote_addr(hdl) + ":"
              + std::to_string(self->remote_port(hdl));
  auto& message = st.options.refusal_message;
  if (!message.empty() && !st.tls.ctx) {
    // A new socket takes a short message at once; closing sends it, then FIN.
    self->write(hdl, message.size(), message.data());
    self->flush(hdl);
  }
  self->close(hdl);
  if (st.options.observer)
    self->send(st.options.observer,
               peer_refused{peer, error_kind::too_many_connections,
                            "refused " + peer + ": max_connections ("
                              + std::to_string(st.options.max_connections)
                              + ") reached"});
}

void accept(acceptor_broker* self, caf::io::connection_handle hdl) {
  auto& st = self->state;
  if (st.closing) {
    self->close(hdl);
    return;
  }
  if (st.connections.size() >= st.options.max_connections) {
    refuse(self, hdl);
    return;
  }
  auto options = st.options.connection;
  options.id = new_connection_id(); // not the one of the options given
  auto conn = self->fork(detail::accepted_connection, hdl, std::move(options), st.tls);
  self->monitor(conn);
  st.connections.emplace(conn.id(), conn);
  auto subscriber = st.make_session(caf::actor_cast<connection_actor>(conn));
  if (!subscriber) {
    ++st.stats.refused;
    self->send(conn, abort_atom::value);
    return;
  }
  roll_second(st);
  ++st.stats.accepted;
  ++st.accepts_this_second;
  self->send(conn, subscribe_atom::value, std::move(subscriber));
}

void quit_when_done(acceptor_broker* self) {
  auto& st = self->state;
  if (!st.closing || !st.connections.empty())
    return;
  if (auto& registry = st.options.connection.metrics)
    self->send(registry, metrics_retire_atom_v, server_metrics(self));
  self->quit();
}

caf::behavior acceptor(acceptor_broker* self, int listener_fd, std::string address,
                       server_options options, session_factory make_session,
                       detail::tls_context tls) {
  auto& st = self->state;
  ignore_what_comes_back(self); // its observer's business
  st.address = std::move(address);
  st.options = std::move(options);
  if (auto& registry = st.options.connection.metrics) {
    self->send(registry, metrics_register_atom_v, caf::actor{self});
    // Its connections' series from the start, not from the first peer on.
    self->send(registry, metrics_declare_atom_v, detail::connection_metrics_at_zero());
  }
  st.tls = std::move(tls);
  st.make_session = std::move(make_session);
  // Our doorman: its peers get our TCP scribe (see tcp_scribe.hpp).
  auto doorman = detail::make_tcp_doorman(self, listener_fd);
  st.listener = doorman->hdl();
  self->add_doorman(std::move(doorman));
  self->set_down_handler([self](caf::down_msg& msg) {
    self->state.connections.erase(msg.source.id());
    quit_when_done(self);
  });
  return {
    [=](const caf::io::new_connection_msg& msg) { accept(self, msg.handle); },
    [=](const caf::io::acceptor_closed_msg&) { self->state.listener.reset(); },
    [=](const caf::io::acceptor_passivated_msg&) {},
    [=](close_atom) {
      auto& st = self->state;
      st.closing = true;
      if (st.listener)
        self->close(*st.listener);
      st.listener.reset();
      for (auto& entry : st.connections)
        self->send(entry.second, close_atom::value);
      if (!st.connections.empty())
        self->delayed_send(self, st.options.shutdown_grace,
                           detail::grace_over_atom_v);
      quit_when_done(self);
    },
    [=](stats_atom) { return current_stats(self); },
    [=](metrics_atom) { return server_metrics(self); },
    [=](detail::grace_over_atom) {
      // Still here after shutdown_grace: abort whoever is still flushing.
      for (auto& entry : self->state.connections)
        self->send(entry.second, abort_atom::value);
    },
  };
}

// The subscriber of connections whose inline session needs none: it drops
// their events (connections do not mind) and ends with the server, whose
// acceptor it is sent.
caf::behavior ignore_events(caf::io::broker* self) {
  self->set_default_handler(caf::drop);
  self->set_down_handler([self](caf::down_msg&) { self->quit(); });
  return {
    [self](caf::actor& acceptor) { self->monitor(acceptor); },
  };
}

} // namespace

caf::expected<server> listen(caf::actor_system& system, server_options options,
                        session_factory make_session) {
  if (!make_session)
    return caf::make_error(error_kind::invalid_argument,
                      "listen needs a session factory or subscriber");
  if (options.max_connections == 0)
    return caf::make_error(error_kind::invalid_argument,
                      "max_connections must be at least 1");
  if (options.backlog < 1 || options.backlog > 65535)
    return caf::make_error(error_kind::invalid_argument,
                           "backlog must be 1 to 65535, not " + std::to_string(options.backlog));
  // Certificates load here, on the calling thread, so a bad file is a
  // listen error rather than a failure of every connection.
  detail::tls_context tls;
  if (options.connection.tls.enabled) {
    auto made = detail::make_tls_context(options.connection.tls, detail::tls_role::server);
    if (!made)
      return made.error();
    tls = std::move(*made);
  }
  auto socket = detail::open_listener(options.bind_address, options.port, options.backlog);
  if (!socket)
    return socket.error();
  // Before the first peer: growing the table later stalls the multiplexer
  // (descriptor_table.hpp).
  detail::reserve_descriptors(socket->fd, options.max_connections);
  auto address = socket->address + ":" + std::to_string(socket->port);
  auto handle = system.middleman().spawn_broker(acceptor, socket->fd, std::move(address),
                                                std::move(options),
                                                std::move(make_session),
                                                std::move(tls));
  return server{caf::actor_cast<server_actor>(std::move(handle)),
                socket->address, socket->port};
}

caf::expected<server> listen(caf::actor_system& system, server_options options,
                        caf::actor subscriber) {
  if (!subscriber)
    return caf::make_error(error_kind::invalid_argument,
                      "listen needs a subscriber actor (with inline sessions too: it gets "
                      "connected, errors and disconnected; see server.hpp for one that "
                      "ignores them)");
  return listen(system, std::move(options),
                [subscriber](const connection_actor&) { return subscriber; });
}

caf::expected<server> listen(caf::actor_system& system, server_options options) {
  if (!options.connection.inline_session)
    return caf::make_error(error_kind::invalid_argument,
                           "listen without a subscriber needs connection.inline_session, "
                           "which answers the frames; otherwise pass a subscriber or a "
                           "session factory");
  auto ignoring = system.middleman().spawn_broker(ignore_events);
  auto srv = listen(system, std::move(options), ignoring);
  if (!srv) {
    caf::anon_send_exit(ignoring, caf::exit_reason::user_shutdown);
    return srv;
  }
  caf::anon_send(ignoring, caf::actor_cast<caf::actor>(srv->acceptor));
  return srv;
}

} // namespace actors
