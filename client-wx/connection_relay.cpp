#include "connection_relay.hpp"

#include "actors/udp_options.hpp"
#include "actors/udp_protocol.hpp"
#include "reply_rules.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/event_source.hpp"
#include "actors/log_writer.hpp"
#include "actors/metrics.hpp"
#include "actors/ui_event.hpp"
#include "session_recorder.hpp"
#include "sequence_runner.hpp"
#include "session_script.hpp"
#include "traffic_generator.hpp"
#include "workbench.hpp"

namespace client {

namespace {

struct relay_state {
  caf::actor bridge;
  std::map<actors::connection_id, actors::connection_actor> connections;
  // Open UDP endpoints, and the remote peer of each for plain sends
  // ("address:port"; empty if it has none).
  std::map<actors::udp_endpoint_id, std::pair<actors::udp_endpoint_actor, std::string>>
    endpoints;
  // Connections a listener accepted, until their `connected` arrives.
  std::map<caf::actor_addr, actors::listener_id> accepted_by;
  actors::log_writer_actor log;
  // Auto-reply rules, applied to every frame and datagram received.
  std::vector<ReplyRule> rules;
  // For rules limited to a port: each listener's port, and the service
  // port of each connection and endpoint (see ReplyScope).
  std::map<actors::listener_id, std::uint16_t> listener_ports;
  std::map<actors::connection_id, std::uint16_t> service_ports;
  // The session recorder while recording (File > Record session), and per
  // connection the frames it got one by one (the rest it gets as counts).
  caf::actor recorder;
  std::map<actors::connection_id, std::uint64_t> recorded_in;
  // The framing of each connection the workbench opened (by name).
  std::map<actors::connection_id, std::string> framings;
  // Running sequences, which get a copy of every frame (sequence_runner.hpp):
  // usually one, briefly two while a new run replaces an old one.
  std::vector<caf::actor> taps;
  // Delayed replies scheduled and not sent yet; bounded, so a flood that
  // matches a delayed rule cannot grow memory without end.
  std::size_t pending_replies = 0;
  // Delayed replies refused at the bound since it was last reported.
  std::uint64_t refused_replies = 0;

  static inline const char* name = "client.connection_relay";
};

using relay_actor = caf::stateful_actor<relay_state>;

// The most delayed replies that may wait at once.
constexpr std::size_t max_pending_replies = 10'000;

// A connection's name in log records.
std::string log_source(actors::connection_id id) {
  return "conn " + std::to_string(id);
}

void log_frame(relay_actor* self, actors::connection_id id, actors::direction dir,
               std::string_view payload) {
  auto& st = self->state;
  if (st.log)
    self->send(st.log, actors::make_log_record(log_source(id), dir, std::string{payload}));
}

// As the library's UDP endpoints log one: "udp 4 127.0.0.1:5353", with the
// peer (none for a send to the endpoint's remote peer).
void log_datagram(relay_actor* self, actors::udp_endpoint_id id, actors::direction dir,
                  const std::string& payload, const std::string& peer) {
  auto& st = self->state;
  if (st.log)
    self->send(st.log, actors::make_log_record("udp " + std::to_string(id)
                                                 + (peer.empty() ? "" : " " + peer),
                                               dir, payload));
}

// An event as the window shows it, to the log too: every line of the
// window is in the file, errors and state changes as well as frames. An
// endpoint's events are logged while it is among the open endpoints.
void log_shown(relay_actor* self, const actors::ui_event& shown) {
  auto& st = self->state;
  if (!st.log)
    return;
  bool udp = st.endpoints.count(shown.connection) > 0;
  auto source = shown.connection == 0 ? std::string{"client"}
                : udp                 ? "udp " + std::to_string(shown.connection)
                                      : log_source(shown.connection);
  auto level = shown.kind == actors::ui_event_kind::error ? actors::log_level::error
                                                          : actors::log_level::info;
  self->send(st.log, actors::make_log_record(std::move(source), actors::direction::event,
                                             shown.message, level));
}

// A line of the relay's own (an error, a note) to the window and the log.
void show_event(relay_actor* self, actors::ui_event event) {
  log_shown(self, event);
  self->send(self->state.bridge, std::move(event));
}

// Logs a connection's or endpoint's event (a copy: the event goes on).
template <class Event>
void log_event(relay_actor* self, const Event& ev) {
  if (self->state.log)
    log_shown(self, actors::to_ui_event(Event{ev}));
}

// Sends the recorder (if recording) what connection `id` received: each
// payload up to the script's limit, then counts.
template <class Payloads>
void record_in(relay_actor* self, actors::connection_id id, const Payloads& payloads,
               std::size_t count) {
  auto& st = self->state;
  if (!st.recorder)
    return;
  auto& recorded = st.recorded_in[id];
  std::size_t i = 0;
  for (; i < count && recorded < SessionScript::frames_per_connection; ++i, ++recorded)
    self->send(st.recorder, rec_in_atom_v, std::uint64_t{id}, std::string{payloads[i]});
  if (i < count)
    self->send(st.recorder, rec_more_atom_v, std::uint64_t{id},
               static_cast<std::uint64_t>(count - i));
}

// Copies frames to a running sequence, if any.
template <class Payloads>
void tap_frames(relay_actor* self, actors::connection_id id, const Payloads& payloads,
                std::size_t count) {
  for (auto& tap : self->state.taps)
    for (std::size_t i = 0; i < count; ++i)
      self->send(tap, tap_atom_v, id, std::string{payloads[i]});
}

// Tells the recorder (if recording) `xs`.
template <class... Ts>
void record(relay_actor* self, Ts&&... xs) {
  if (self->state.recorder)
    self->send(self->state.recorder, std::forward<Ts>(xs)...);
}

// Starts recording to `path` (stopping a recording under way); an empty
// path only stops.
void record_to(relay_actor* self, const std::string& path) {
  auto& st = self->state;
  if (st.recorder)
    self->send(std::exchange(st.recorder, nullptr), actors::close_atom_v);
  st.recorded_in.clear();
  if (path.empty())
    return;
  st.recorder = spawn_session_recorder(self->system(), path, st.bridge);
  for (auto& conn : st.connections)
    self->send(st.recorder, rec_open_atom_v, std::uint64_t{conn.first});
}

// A rule's answer to a frame or datagram, to send once the frame is shown.
struct rule_reply {
  actors::connection_id id;
  std::string peer; // empty for a connection; the sender for a datagram
  std::string payload;
  std::chrono::milliseconds delay;
};

// Adds the answer of the first rule that `frame` (from `peer`, for a
// datagram) matches to `replies`.
void add_reply(relay_actor* self, actors::connection_id id, const std::string& peer,
               std::string_view frame, std::vector<rule_reply>& replies) {
  if (self->state.rules.empty())
    return;
  auto& st = self->state;
  auto port = st.service_ports.find(id);
  ReplyScope where{id, port == st.service_ports.end() ? std::uint16_t{0} : port->second};
  if (auto reply = ReplyTo(st.rules, frame, where))
    replies.push_back(rule_reply{id, peer, std::move(reply->first), reply->second});
}

void send_replies(relay_actor* self, std::vector<rule_reply>& replies);

// The log must hold every line the window shows, even when the window is
// faster than the disk. So the records of a read go to the log writer as a
// request, which waits for room instead of being dropped, and the read goes
// on to the bridge (as if from its connection, so credit flows back there)
// only once the log has it. `await` holds back the relay's other messages
// meanwhile, which keeps every connection's events in order; the
// connection's read credit bounds what piles up.
void log_then_show(relay_actor* self, actors::frames_received ev,
                   std::vector<rule_reply> replies) {
  std::vector<actors::log_record> records;
  records.reserve(ev.frames.size());
  auto source = log_source(ev.id);
  for (std::size_t i = 0; i < ev.frames.size(); ++i)
    records.push_back(
      actors::make_log_record(source, actors::direction::in, std::string{ev.frames[i]}));
  auto conn = caf::actor_cast<caf::actor>(self->current_sender());
  auto read = std::make_shared<actors::frames_received>(std::move(ev));
  auto answers = std::make_shared<std::vector<rule_reply>>(std::move(replies));
  auto show = [=] {
    caf::send_as(conn, self->state.bridge, std::move(*read));
    send_replies(self, *answers);
  };
  self->request(self->state.log, caf::infinite, std::move(records))
    .await([=](actors::log_ack_atom) { show(); },
           // The log was replaced or stopped, or its file is failing (the
           // records were dropped and counted): show the lines anyway.
           [=](caf::error&) { show(); });
}

// Sends one datagram from endpoint `id` to `peer` (empty: its remote peer).
void send_datagram(relay_actor* self, actors::udp_endpoint_id id, const std::string& peer,
                   const std::string& payload) {
  auto& st = self->state;
  auto i = st.endpoints.find(id);
  if (i == st.endpoints.end() || (peer.empty() && i->second.second.empty())) {
    auto why = i == st.endpoints.end()
                 ? "UDP endpoint " + std::to_string(id) + " is not open"
                 : "UDP endpoint " + std::to_string(id)
                     + " has no remote peer: select a datagram it received to answer its sender";
    show_event(self, actors::make_error_event(actors::error_kind::not_connected, why, id));
    return;
  }
  // The client opens every endpoint with the default bound. The endpoint
  // would refuse a larger datagram after the view showed it as sent.
  if (auto limit = actors::udp_options{}.max_datagram_size; payload.size() > limit) {
    show_event(self, actors::make_error_event(
                            actors::error_kind::frame_too_large,
                            "a datagram of " + std::to_string(payload.size())
                              + " bytes exceeds max_datagram_size (" + std::to_string(limit)
                              + " bytes); not sent",
                            id));
    return;
  }
  if (peer.empty())
    self->send(i->second.first, actors::send_atom_v, payload);
  else
    self->send(i->second.first, actors::send_to_atom_v, peer, payload);
  // Shown and logged with where it went, the remote peer included.
  auto& to = peer.empty() ? i->second.second : peer;
  log_datagram(self, id, actors::direction::out, payload, to);
  self->send(st.bridge, actors::to_ui_event(actors::datagram{to, payload}, id,
                                            actors::direction::out));
}

void send_to(relay_actor* self, actors::connection_id id, const std::string& payload) {
  auto& st = self->state;
  if (st.endpoints.count(id) > 0) {
    send_datagram(self, id, {}, payload);
    return;
  }
  auto i = st.connections.find(id);
  if (i == st.connections.end()) {
    show_event(self, actors::make_error_event(actors::error_kind::not_connected,
                                                   "connection " + std::to_string(id)
                                                     + " is not open",
                                                   id));
    return;
  }
  self->send(i->second, actors::send_atom::value, payload);
  log_frame(self, id, actors::direction::out, payload);
  record(self, rec_sent_atom_v, std::uint64_t{id}, payload);
  self->send(st.bridge, actors::make_frame_event(id, actors::direction::out, payload));
}

// The port in "host:port" (or "[v6]:port"), or 0.
std::uint16_t port_of(const std::string& address) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos)
    return 0;
  unsigned long port = std::strtoul(address.c_str() + colon + 1, nullptr, 10);
  return port <= 65535 ? static_cast<std::uint16_t>(port) : 0;
}

void on_connected(relay_actor* self, actors::connected& ev) {
  auto& st = self->state;
  st.connections[ev.id] = ev.handle;
  auto accepted
    = st.accepted_by.find(caf::actor_cast<caf::actor_addr>(self->current_sender()));
  st.service_ports[ev.id] = accepted == st.accepted_by.end()
                              ? port_of(ev.peer)
                              : st.listener_ports[accepted->second];
  st.recorded_in[ev.id] = 0;
  auto framing = st.framings.find(ev.id);
  record(self, rec_up_atom_v, std::uint64_t{ev.id}, ev.peer,
         accepted != st.accepted_by.end(), !ev.tls_version.empty(),
         framing == st.framings.end() ? std::string{"line"} : framing->second);
  if (accepted == st.accepted_by.end()) {
    self->delegate(st.bridge, std::move(ev));
    return;
  }
  auto event = actors::to_ui_event(std::move(ev));
  event.listener = accepted->second;
  st.accepted_by.erase(accepted);
  self->send(st.bridge, std::move(event));
}

// Schedules a rule's delayed reply, unless max_pending_replies wait already:
// then the reply is refused, and the UI hears once how many were.
void delay_reply(relay_actor* self, actors::connection_id id, const std::string& peer,
                 std::string payload, std::chrono::milliseconds delay) {
  auto& st = self->state;
  if (st.pending_replies >= max_pending_replies) {
    if (st.refused_replies++ == 0)
      show_event(self,
                 actors::make_error_event(
                   actors::error_kind::limit_reached,
                   "reply rules: " + std::to_string(max_pending_replies)
                     + " delayed replies are waiting; further ones are dropped until "
                       "some are sent",
                   id));
    return;
  }
  ++st.pending_replies;
  self->delayed_send(self, delay, delayed_reply_atom_v, id, peer, std::move(payload));
}

// Sends the rules' answers, after the frames they answer went to the UI
// (so the window shows each reply after its cause).
void send_replies(relay_actor* self, std::vector<rule_reply>& replies) {
  for (auto& reply : replies) {
    if (reply.delay.count() > 0)
      delay_reply(self, reply.id, reply.peer, std::move(reply.payload), reply.delay);
    else if (reply.peer.empty())
      send_to(self, reply.id, reply.payload);
    else
      send_datagram(self, reply.id, reply.peer, reply.payload);
  }
}

// Sends the traffic generator's batch on connection `id` as the send bar's
// frames go (logged, recorded, shown), and answers the generator once the
// connection's write queue is down to the mark.
caf::response_promise send_generated(relay_actor* self, actors::connection_id id,
                                     actors::frame_batch& batch) {
  auto& st = self->state;
  auto promise = self->make_response_promise();
  auto i = st.connections.find(id);
  if (i == st.connections.end()) {
    promise.deliver(caf::make_error(actors::error_kind::not_connected,
                                    st.endpoints.count(id) > 0
                                      ? std::to_string(id)
                                          + " is a UDP endpoint: the generator sends on "
                                            "TCP connections"
                                      : "connection " + std::to_string(id) + " is not open"));
    return promise;
  }
  // One message each to the bridge and the log for the whole batch.
  std::vector<actors::ui_event> shown;
  shown.reserve(batch.size());
  std::vector<actors::log_record> logged;
  for (std::size_t k = 0; k < batch.size(); ++k) {
    std::string payload{batch[k]};
    if (st.log)
      logged.push_back(actors::make_log_record(log_source(id), actors::direction::out, payload));
    record(self, rec_sent_atom_v, std::uint64_t{id}, payload);
    shown.push_back(actors::make_frame_event(id, actors::direction::out, std::move(payload)));
  }
  if (!logged.empty()) // a batch is a request: the log acknowledges it
    self->request(st.log, caf::infinite, std::move(logged))
      .then([](actors::log_ack_atom) {}, [](caf::error&) {});
  self->send(st.bridge, std::move(shown));
  self->send(i->second, actors::send_atom_v, std::move(batch));
  // After the send, from the same sender: the drain sees the batch queued.
  promise.delegate(i->second, actors::drain_atom_v, generator_queue_mark);
  return promise;
}

// Aborts every connection and closes the log (fsynced); answers when done.
caf::result<bool> shut_down(relay_actor* self) {
  auto& st = self->state;
  // The script ends before the aborts below, which are not the session's.
  record_to(self, {});
  for (auto& conn : st.connections)
    self->send(conn.second, actors::abort_atom::value);
  for (auto& endpoint : st.endpoints)
    self->send(endpoint.second.first, actors::close_atom_v);
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

caf::behavior connection_relay(relay_actor* self, caf::actor bridge, caf::actor metrics) {
  // One message it did not expect, or an error sent back, must not end
  // every connection: it hosts them all.
  actors::ignore_what_comes_back(self);
  self->state.bridge = std::move(bridge);
  if (metrics)
    self->send(metrics, actors::metrics_register_atom_v, caf::actor{self});
  auto pass = [=](auto& ev) { self->delegate(self->state.bridge, std::move(ev)); };
  return {
    [=](accepted_atom, actors::listener_id listener, const caf::actor_addr& conn) {
      self->state.accepted_by[conn] = listener;
    },
    [=](actors::connected& ev) {
      log_event(self, ev);
      on_connected(self, ev);
    },
    // The workbench's word about a connection (that it connects), passed on
    // in order with the connection's own events, which come here too.
    [=](actors::ui_event& ev) {
      log_shown(self, ev);
      pass(ev);
    },
    [=](actors::frames_received& ev) {
      record_in(self, ev.id, ev.frames, ev.frames.size());
      tap_frames(self, ev.id, ev.frames, ev.frames.size());
      std::vector<rule_reply> replies;
      for (std::size_t i = 0; i < ev.frames.size(); ++i)
        add_reply(self, ev.id, {}, ev.frames[i], replies);
      if (self->state.log) {
        log_then_show(self, std::move(ev), std::move(replies));
      } else {
        pass(ev);
        send_replies(self, replies);
      }
    },
    [=](actors::frame_received& ev) {
      record_in(self, ev.id, &ev.payload, 1);
      tap_frames(self, ev.id, &ev.payload, 1);
      std::vector<rule_reply> replies;
      add_reply(self, ev.id, {}, ev.payload, replies);
      log_frame(self, ev.id, actors::direction::in, ev.payload);
      pass(ev);
      send_replies(self, replies);
    },
    [=](actors::connection_error& ev) {
      log_event(self, ev);
      // A sequence fails at once on an error of a connection it uses (a
      // frame the connection refused), rather than at its next timeout.
      for (auto& tap : self->state.taps)
        self->send(tap, ev);
      pass(ev);
    },
    [=](actors::reconnecting& ev) {
      log_event(self, ev);
      pass(ev);
    },
    [=](actors::peer_refused& ev) {
      log_event(self, ev);
      pass(ev);
    },
    [=](actors::peer_finished& ev) {
      log_event(self, ev);
      record(self, rec_fin_atom_v, std::uint64_t{ev.id});
      pass(ev);
    },
    [=](actors::disconnected& ev) {
      log_event(self, ev);
      self->state.connections.erase(ev.id);
      self->state.recorded_in.erase(ev.id);
      self->state.service_ports.erase(ev.id);
      self->state.framings.erase(ev.id);
      record(self, rec_gone_atom_v, std::uint64_t{ev.id}, ev.reason);
      for (auto& tap : self->state.taps)
        self->send(tap, ev);
      pass(ev);
    },
    [=](actors::udp_ready& ev) {
      self->state.endpoints[ev.id] = {ev.handle, ev.remote};
      log_event(self, ev);
      self->state.service_ports[ev.id] = port_of(ev.remote.empty() ? ev.local : ev.remote);
      pass(ev);
    },
    [=](actors::datagrams_received& ev) {
      std::vector<rule_reply> replies;
      for (auto& d : ev.datagrams) {
        add_reply(self, ev.id, d.peer, d.payload, replies);
        tap_frames(self, ev.id, &d.payload, 1);
        log_datagram(self, ev.id, actors::direction::in, d.payload, d.peer);
      }
      pass(ev);
      send_replies(self, replies);
    },
    [=](actors::udp_error& ev) {
      log_event(self, ev);
      pass(ev);
    },
    [=](actors::udp_closed& ev) {
      log_event(self, ev);
      self->state.endpoints.erase(ev.id);
      self->state.service_ports.erase(ev.id);
      pass(ev);
    },
    [=](actors::send_atom, actors::connection_id id, const std::string& payload) {
      send_to(self, id, payload);
    },
    [=](udp_reply_atom, actors::udp_endpoint_id id, const std::string& peer,
        const std::string& payload) { send_datagram(self, id, peer, payload); },
    [=](send_all_atom, const std::string& payload) {
      for (auto& conn : self->state.connections)
        send_to(self, conn.first, payload);
    },
    [=](generated_atom, actors::connection_id id, actors::frame_batch& batch) {
      return send_generated(self, id, batch);
    },
    [=](actors::close_atom, actors::connection_id id) {
      auto i = self->state.connections.find(id);
      if (i != self->state.connections.end()) {
        record(self, rec_close_atom_v, std::uint64_t{id});
        self->send(i->second, actors::close_atom::value);
      }
      auto j = self->state.endpoints.find(id);
      if (j != self->state.endpoints.end())
        self->send(j->second.first, actors::close_atom_v);
    },
    [=](framing_of_atom, actors::connection_id id, std::string& framing) {
      self->state.framings[id] = std::move(framing);
    },
    [=](listener_port_atom, actors::listener_id listener, std::uint16_t port) {
      self->state.listener_ports[listener] = port;
    },
    [=](reply_rules_atom, std::vector<ReplyRule>& rules) {
      self->state.rules = std::move(rules);
    },
    [=](delayed_reply_atom, actors::connection_id id, const std::string& peer,
        const std::string& payload) {
      auto& st = self->state;
      --st.pending_replies;
      if (st.pending_replies == 0 && st.refused_replies > 0) {
        show_event(self,
                   actors::make_message_event("reply rules: "
                                              + std::to_string(st.refused_replies)
                                              + " delayed replies were dropped"));
        st.refused_replies = 0;
      }
      if (peer.empty())
        send_to(self, id, payload);
      else
        send_datagram(self, id, peer, payload);
    },
    [=](use_log_atom, actors::log_writer_actor& next) {
      auto& st = self->state;
      if (st.log) // a failing file's close says what it could not write
        self->request(st.log, caf::infinite, actors::close_atom::value)
          .then([](actors::log_ack_atom) {},
                [=](caf::error& err) {
                  self->send(self->state.bridge,
                             actors::make_message_event("log: " + actors::message_of(err)));
                });
      st.log = std::move(next);
    },
    [=](record_atom, const std::string& path) { record_to(self, path); },
    [=](tap_atom, caf::actor& runner) {
      // A runner taps when it starts and untaps itself (a null actor) when
      // it ends; two runners start in either order.
      auto& taps = self->state.taps;
      auto sender = self->current_sender();
      taps.erase(std::remove_if(taps.begin(), taps.end(),
                                [&](const caf::actor& tap) {
                                  return caf::actor_cast<caf::actor_addr>(tap) == sender;
                                }),
                 taps.end());
      if (runner)
        taps.push_back(std::move(runner));
    },
    [=](bool) {}, // a closed recorder's answer
    [=](actors::metrics_atom) {
      auto& st = self->state;
      actors::actor_metrics m;
      m.kind = "client";
      m.name = "connection relay";
      m.id = self->id();
      m.state = st.recorder ? "recording" : st.log ? "logging" : "relaying";
      m.mailbox = self->mailbox().size();
      m.samples = {
        {"connections", actors::metric_type::gauge, static_cast<double>(st.connections.size())},
        {"udp_endpoints", actors::metric_type::gauge, static_cast<double>(st.endpoints.size())},
        {"delayed_replies", actors::metric_type::gauge, static_cast<double>(st.pending_replies)},
      };
      return m;
    },
    [=](shutdown_atom) { return shut_down(self); },
  };
}

} // namespace

caf::actor spawn_connection_relay(caf::actor_system& system, caf::actor bridge,
                                  caf::actor metrics) {
  return system.spawn(connection_relay, std::move(bridge), std::move(metrics));
}

} // namespace client
