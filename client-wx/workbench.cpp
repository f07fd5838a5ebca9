#include "workbench.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/type_id.hpp>

#include "actors/connection.hpp"
#include "actors/connection_protocol.hpp"
#include "actors/log_writer.hpp"
#include "actors/server.hpp"
#include "actors/ui_event.hpp"

CAF_BEGIN_TYPE_ID_BLOCK(client_workbench_internal, caf::first_custom_type_id + 1450)

  CAF_ADD_ATOM(client_workbench_internal, client, accepted_atom, "wb_acc")

CAF_END_TYPE_ID_BLOCK(client_workbench_internal)

namespace client {

namespace {

// The subscriber of one listener's connections: it tags each `connected` with
// the listener's number and passes everything on with the sender kept.
caf::behavior listener_tag(caf::event_based_actor* self, caf::actor workbench,
                           std::uint64_t listener) {
  auto pass = [=](auto& event) { self->delegate(workbench, std::move(event)); };
  return {
    [=](actors::connected& ev) {
      self->delegate(workbench, accepted_atom::value, listener, std::move(ev));
    },
    [=](actors::frame_received& ev) { pass(ev); },
    [=](actors::frames_received& ev) { pass(ev); },
    [=](actors::connection_error& ev) { pass(ev); },
    [=](actors::disconnected& ev) { pass(ev); },
    [=](actors::peer_refused& ev) { pass(ev); },
  };
}

struct workbench_state {
  caf::actor bridge;
  std::map<actors::connection_id, caf::actor> connections;
  std::vector<caf::actor> listeners;
  std::vector<caf::actor> listener_tags;
  actors::log_writer_actor log;

  static inline const char* name = "client.workbench";
};

using workbench_actor = caf::stateful_actor<workbench_state>;

void tell_ui(workbench_actor* self, std::string text) {
  self->send(self->state.bridge, actors::make_message_event(std::move(text)));
}

// A connection's name in log records.
std::string log_source(actors::connection_id id) {
  return "conn " + std::to_string(id);
}

void log_frame(workbench_actor* self, actors::connection_id id,
               actors::direction dir, std::string_view payload) {
  auto& st = self->state;
  if (st.log)
    self->send(st.log, actors::make_log_record(log_source(id), dir, std::string{payload}));
}

// The log must hold every line the window shows, even when the window is
// faster than the disk. So the records of a read go to the log writer as a
// request, which waits for room instead of being dropped, and the read goes
// on to the bridge (as if from its connection, so credit flows back there)
// only once the log has it. `await` holds back the workbench's other
// messages meanwhile, which keeps every connection's events in order; the
// connection's read credit bounds what piles up.
void log_then_show(workbench_actor* self, actors::frames_received ev) {
  std::vector<actors::log_record> records;
  records.reserve(ev.frames.size());
  auto source = log_source(ev.id);
  for (std::size_t i = 0; i < ev.frames.size(); ++i)
    records.push_back(
      actors::make_log_record(source, actors::direction::in, std::string{ev.frames[i]}));
  auto conn = caf::actor_cast<caf::actor>(self->current_sender());
  auto read = std::make_shared<actors::frames_received>(std::move(ev));
  auto show = [=] { caf::send_as(conn, self->state.bridge, std::move(*read)); };
  self->request(self->state.log, caf::infinite, std::move(records))
    .await([=](actors::log_ack_atom) { show(); },
           // The log was replaced or stopped, or its file is failing (the
           // records were dropped and counted): show the lines anyway.
           [=](caf::error&) { show(); });
}

void send_to(workbench_actor* self, actors::connection_id id, const std::string& payload) {
  auto& st = self->state;
  auto i = st.connections.find(id);
  if (i == st.connections.end()) {
    self->send(st.bridge, actors::make_error_event(actors::error_kind::not_connected,
                                                   "connection " + std::to_string(id)
                                                     + " is not open",
                                                   id));
    return;
  }
  self->send(i->second, actors::send_atom::value, payload);
  log_frame(self, id, actors::direction::out, payload);
  self->send(st.bridge, actors::make_frame_event(id, actors::direction::out, payload));
}

// Starts or stops logging; the writer's failures become UI errors.
void log_to(workbench_actor* self, const std::string& path) {
  auto& st = self->state;
  if (st.log)
    self->send(st.log, actors::close_atom::value);
  st.log = nullptr;
  if (path.empty()) {
    tell_ui(self, "logging stopped");
    return;
  }
  actors::log_writer_options opts;
  opts.path = path;
  st.log = actors::spawn_log_writer(self->system(), opts);
  self->send(st.log, actors::log_subscribe_atom::value, caf::actor{self});
  tell_ui(self, "logging to " + path);
}

void listen_on(workbench_actor* self, const std::string& bind, std::uint16_t port,
               actors::connection_options options) {
  actors::server_options opts;
  opts.bind_address = bind;
  opts.port = port;
  opts.connection = std::move(options);
  auto& st = self->state;
  auto number = static_cast<std::uint64_t>(st.listener_tags.size() + 1);
  auto tag = self->spawn(listener_tag, caf::actor{self}, number);
  auto srv = actors::listen(self->system(), opts, tag);
  if (!srv) {
    self->send_exit(tag, caf::exit_reason::user_shutdown);
    self->send(st.bridge, actors::make_error_event(actors::kind_of(srv.error()), actors::message_of(srv.error())));
    return;
  }
  st.listeners.push_back(srv->acceptor);
  st.listener_tags.push_back(tag);
  actors::ui_event event;
  event.kind = actors::ui_event_kind::listening;
  event.address = srv->address + ":" + std::to_string(srv->port);
  event.listener = number;
  event.message = "listening on " + event.address;
  self->send(st.bridge, std::move(event));
}

// Closes listeners, connections and the log; answers when all is done.
caf::result<bool> shut_down(workbench_actor* self) {
  auto& st = self->state;
  for (auto& listener : st.listeners)
    self->send(listener, actors::close_atom::value);
  for (auto& conn : st.connections)
    self->send(conn.second, actors::abort_atom::value);
  for (auto& tag : st.listener_tags)
    self->send_exit(tag, caf::exit_reason::user_shutdown);
  auto promise = self->make_response_promise<bool>();
  auto done = [=]() mutable {
    promise.deliver(true);
    self->quit();
  };
  if (!st.log) {
    done();
    return promise;
  }
  self->request(st.log, std::chrono::seconds{5}, actors::close_atom::value)
    .then([=](actors::log_ack_atom) mutable { done(); },
          [=](caf::error&) mutable { done(); });
  return promise;
}

caf::behavior workbench(workbench_actor* self, caf::actor bridge) {
  self->state.bridge = std::move(bridge);
  // Connection events go on to the bridge with their sender kept, so the
  // bridge grants read credit straight to the connection.
  return {
    [=](actors::connected& ev) {
      self->state.connections[ev.id] = ev.handle;
      self->delegate(self->state.bridge, std::move(ev));
    },
    [=](accepted_atom, std::uint64_t listener, actors::connected& ev) {
      self->state.connections[ev.id] = ev.handle;
      auto event = actors::to_ui_event(std::move(ev));
      event.listener = listener;
      self->send(self->state.bridge, std::move(event));
    },
    [=](actors::frames_received& ev) {
      if (!self->state.log) {
        self->delegate(self->state.bridge, std::move(ev));
        return;
      }
      log_then_show(self, std::move(ev));
    },
    [=](actors::frame_received& ev) {
      log_frame(self, ev.id, actors::direction::in, ev.payload);
      self->delegate(self->state.bridge, std::move(ev));
    },
    [=](actors::connection_error& ev) { self->delegate(self->state.bridge, std::move(ev)); },
    [=](actors::reconnecting& ev) { self->delegate(self->state.bridge, std::move(ev)); },
    [=](actors::peer_refused& ev) { self->delegate(self->state.bridge, std::move(ev)); },
    [=](actors::disconnected& ev) {
      self->state.connections.erase(ev.id);
      self->delegate(self->state.bridge, std::move(ev));
    },
    // Each read arrives as one frames_received: one message per read instead
    // of one per line on the way to the bridge, which splits it for the UI.
    [=](connect_atom, const std::string& host, std::uint16_t port,
        actors::connection_options options) {
      options.batch_frames = true;
      actors::connect(self->system(), host, port, caf::actor{self}, std::move(options));
    },
    [=](listen_atom, const std::string& bind, std::uint16_t port,
        actors::connection_options options) {
      options.batch_frames = true;
      listen_on(self, bind, port, std::move(options));
    },
    [=](actors::send_atom, actors::connection_id id, const std::string& payload) {
      send_to(self, id, payload);
    },
    [=](send_all_atom, const std::string& payload) {
      for (auto& conn : self->state.connections)
        send_to(self, conn.first, payload);
    },
    [=](actors::close_atom, actors::connection_id id) {
      auto i = self->state.connections.find(id);
      if (i != self->state.connections.end())
        self->send(i->second, actors::close_atom::value);
    },
    [=](log_to_atom, const std::string& path) { log_to(self, path); },
    [=](const actors::log_error& err) {
      self->send(self->state.bridge,
                 actors::make_error_event(actors::error_kind::io_failure, "log: " + err.message));
    },
    [=](const actors::log_recovered& ok) { tell_ui(self, "log: writing " + ok.path + " again"); },
    [=](const actors::log_dropped& d) {
      self->send(self->state.bridge,
                 actors::make_error_event(actors::error_kind::io_failure,
                                          "log: " + std::to_string(d.count)
                                            + " records dropped (disk too slow)"));
    },
    [=](actors::log_ack_atom) {}, // a closed writer's answer
    [=](shutdown_atom) { return shut_down(self); },
  };
}

} // namespace

caf::actor spawn_workbench(caf::actor_system& system, caf::actor bridge) {
  return system.spawn(workbench, std::move(bridge));
}

} // namespace client
