#include "workbench.hpp"

#include "actors/udp.hpp"
#include "reply_rules.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/command_line.hpp"
#include "actors/connection.hpp"
#include "actors/connection_protocol.hpp"
#include "actors/event_source.hpp"
#include "actors/framing.hpp"
#include "actors/log_writer.hpp"
#include "actors/metrics.hpp"
#include "actors/server.hpp"
#include "actors/ui_event.hpp"
#include "connection_relay.hpp"
#include "sequence_runner.hpp"
#include "session_recorder.hpp"
#include "traffic_generator.hpp"

namespace client {

namespace {

struct workbench_state {
  caf::actor bridge;
  // Subscriber of every connection; runs the per-connection commands.
  caf::actor relay;
  std::vector<actors::server_actor> listeners;
  // The sequence under way, if any.
  caf::actor sequence;
  // The traffic generator's run under way, if any.
  caf::actor generator;
  // The metrics registry, or none.
  caf::actor metrics;

  static inline const char* name = "client.workbench";
};

using workbench_actor = caf::stateful_actor<workbench_state>;

void tell_ui(workbench_actor* self, std::string text) {
  self->send(self->state.bridge, actors::make_message_event(std::move(text)));
}

void report_error(workbench_actor* self, const caf::error& err) {
  self->send(self->state.bridge,
             actors::make_error_event(actors::kind_of(err), actors::message_of(err)));
}

// Starts or stops logging: the relay switches to the new writer (closing
// the old one), whose failures come here as events for the UI.
void log_to(workbench_actor* self, const std::string& path) {
  if (path.empty()) {
    self->send(self->state.relay, use_log_atom::value, actors::log_writer_actor{});
    tell_ui(self, "logging stopped");
    return;
  }
  actors::log_writer_options opts;
  opts.path = path;
  opts.metrics = self->state.metrics;
  auto log = actors::spawn_log_writer(self->system(), opts);
  self->send(log, actors::log_subscribe_atom::value, caf::actor{self});
  self->send(self->state.relay, use_log_atom::value, std::move(log));
  tell_ui(self, "logging to " + path + " (" + actors::describe_rotation(opts, path) + ")");
}

// Listens; each accepted peer is announced to the relay, with the
// listener's number, before its connection reports to the relay.
void listen_on(workbench_actor* self, const std::string& bind, std::uint16_t port,
               actors::connection_options options) {
  auto& st = self->state;
  actors::server_options opts;
  opts.bind_address = bind;
  opts.port = port;
  opts.connection = std::move(options);
  opts.connection.metrics = st.metrics;
  auto number = static_cast<actors::listener_id>(st.listeners.size() + 1);
  auto relay = st.relay;
  auto srv = actors::listen(self->system(), opts,
                            [relay, number](const actors::connection_actor& conn) {
                              caf::anon_send(relay, accepted_atom::value, number,
                                             conn.address());
                              return relay;
                            });
  if (!srv) {
    report_error(self, srv.error());
    return;
  }
  st.listeners.push_back(srv->acceptor);
  self->send(st.relay, listener_port_atom_v, number, srv->port);
  actors::ui_event event;
  event.kind = actors::ui_event_kind::listening;
  event.address = srv->address + ":" + std::to_string(srv->port);
  event.listener = number;
  event.message = "listening on " + event.address;
  self->send(st.bridge, std::move(event));
}

// Stops listener `number` (its acceptor closes what it accepted, then
// exits) and tells the UI, naming the listener so its row shows it.
void unlisten(workbench_actor* self, actors::listener_id number) {
  auto& st = self->state;
  if (number == 0 || number > st.listeners.size() || !st.listeners[number - 1])
    return;
  self->send(std::exchange(st.listeners[number - 1], nullptr), actors::close_atom::value);
  auto event = actors::make_message_event("L" + std::to_string(number) + " stopped listening");
  event.listener = number;
  self->send(st.bridge, std::move(event));
}

// Opens a UDP endpoint whose events go to the relay. In a detached actor:
// udp_open resolves names, which may wait on DNS.
void open_udp(workbench_actor* self, const std::string& bind, std::uint16_t port,
              actors::udp_options options) {
  options.batch_datagrams = true;
  options.metrics = self->state.metrics;
  auto relay = self->state.relay;
  auto bridge = self->state.bridge;
  auto* system = &self->system();
  self->spawn<caf::detached>([=] {
    auto opened = actors::udp_open(*system, bind, port, relay, options);
    if (!opened)
      caf::anon_send(bridge, actors::make_error_event(actors::kind_of(opened.error()),
                                                      actors::message_of(opened.error())));
  });
}

// Closes the listeners, then has the relay abort the connections and close
// the log; answers when all is done.
caf::result<bool> shut_down(workbench_actor* self) {
  for (auto& listener : self->state.listeners)
    if (listener) // not stopped before
      self->send(listener, actors::close_atom::value);
  // A sequence waiting on a step would otherwise keep the system alive.
  if (self->state.sequence)
    self->send(std::exchange(self->state.sequence, nullptr), stop_sequence_atom_v);
  if (self->state.generator)
    self->send(std::exchange(self->state.generator, nullptr), stop_generator_atom_v);
  auto promise = self->make_response_promise<bool>();
  self->request(self->state.relay, std::chrono::seconds{10}, shutdown_atom::value)
    .then([=](bool) mutable { promise.deliver(true); self->quit(); },
          [=](caf::error&) mutable { promise.deliver(true); self->quit(); });
  return promise;
}

caf::behavior workbench(workbench_actor* self, caf::actor bridge, caf::actor metrics) {
  actors::ignore_what_comes_back(self);
  self->state.bridge = bridge;
  self->state.metrics = metrics;
  self->state.relay = spawn_connection_relay(self->system(), std::move(bridge), metrics);
  if (metrics)
    self->send(metrics, actors::metrics_register_atom_v, caf::actor{self});
  self->link_to(self->state.relay); // neither outlives the other
  auto relay = [=](auto&&... xs) {
    self->delegate(self->state.relay, std::forward<decltype(xs)>(xs)...);
  };
  return {
    // Each read arrives as one frames_received: one message per read instead
    // of one per line on the way to the bridge, which splits it for the UI.
    [=](connect_atom, const std::string& host, std::uint16_t port,
        actors::connection_options options) {
      options.batch_frames = true;
      options.metrics = self->state.metrics;
      options.id = actors::new_connection_id(); // known before its first event
      // The sidebar shows the connection from now on, with the address
      // asked for: a connect or a TLS handshake that takes long, or fails,
      // is not a row without a peer. Through the relay, which the
      // connection reports to: sent before the connection exists, it
      // reaches the window before the connection's events.
      auto address = actors::format_host_port(host, port);
      auto connecting = actors::make_message_event(
        (options.tls.enabled ? "connecting (TLS) to " : "connecting to ") + address);
      connecting.connection = options.id;
      connecting.address = std::move(address);
      self->send(self->state.relay, std::move(connecting));
      self->send(self->state.relay, framing_of_atom_v, options.id,
                 std::string{actors::to_string(options.framing.kind)});
      actors::connect(self->system(), host, port, self->state.relay, std::move(options));
    },
    [=](listen_atom, const std::string& bind, std::uint16_t port,
        actors::connection_options options) {
      options.batch_frames = true;
      listen_on(self, bind, port, std::move(options));
    },
    [=](udp_open_atom, const std::string& bind, std::uint16_t port,
        actors::udp_options options) { open_udp(self, bind, port, std::move(options)); },
    [=](udp_reply_atom reply, actors::connection_id id, std::string& peer,
        std::string& payload) { relay(reply, id, std::move(peer), std::move(payload)); },
    [=](reply_rules_atom set, std::vector<ReplyRule>& rules) { relay(set, std::move(rules)); },
    [=](actors::send_atom send, actors::connection_id id, std::string& payload) {
      relay(send, id, std::move(payload));
    },
    [=](send_all_atom send_all, std::string& payload) { relay(send_all, std::move(payload)); },
    [=](actors::close_atom close, actors::connection_id id) { relay(close, id); },
    [=](unlisten_atom, actors::listener_id number) { unlisten(self, number); },
    [=](log_to_atom, const std::string& path) { log_to(self, path); },
    [=](record_atom set, std::string& path) { relay(set, std::move(path)); },
    [=](run_sequence_atom, actors::testing::script& script) {
      auto& st = self->state;
      if (st.sequence)
        self->send(st.sequence, stop_sequence_atom_v);
      st.sequence = spawn_sequence_runner(self->system(), st.relay, st.bridge,
                                          std::move(script));
    },
    [=](stop_sequence_atom stop) {
      if (self->state.sequence)
        self->send(std::exchange(self->state.sequence, nullptr), stop);
    },
    [=](generate_atom, GeneratorPlan& plan) {
      auto& st = self->state;
      if (st.generator)
        self->send(st.generator, stop_generator_atom_v);
      st.generator = spawn_traffic_generator(self->system(), st.relay, st.bridge,
                                             std::move(plan));
    },
    [=](stop_generator_atom stop) {
      if (self->state.generator)
        self->send(std::exchange(self->state.generator, nullptr), stop);
    },
    [=](const actors::log_error& err) {
      self->send(self->state.bridge, actors::make_error_event(actors::error_kind::io_failure,
                                                              log_failing_prefix + err.message));
    },
    [=](const actors::log_recovered& ok) {
      tell_ui(self, log_recovered_prefix + ("writing " + ok.path + " again"));
    },
    [=](const actors::log_dropped& d) {
      self->send(self->state.bridge,
                 actors::make_error_event(actors::error_kind::io_failure,
                                          "log: " + std::to_string(d.count)
                                            + " records dropped (disk too slow)"));
    },
    [=](actors::metrics_atom) {
      actors::actor_metrics m;
      m.kind = "client";
      m.name = "workbench";
      m.id = self->id();
      m.state = self->state.generator ? "generating" : self->state.sequence ? "running a sequence" : "idle";
      m.mailbox = self->mailbox().size();
      auto& listeners = self->state.listeners;
      auto listening = std::count_if(listeners.begin(), listeners.end(),
                                     [](const actors::server_actor& l) { return l != nullptr; });
      m.samples = {{"listeners", actors::metric_type::gauge, static_cast<double>(listening)}};
      return m;
    },
    [=](shutdown_atom) { return shut_down(self); },
  };
}

} // namespace

caf::actor spawn_workbench(caf::actor_system& system, caf::actor bridge, caf::actor metrics) {
  return system.spawn(workbench, std::move(bridge), std::move(metrics));
}

} // namespace client
