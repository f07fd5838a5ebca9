#include "actors/ui_bridge.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <limits>
#include <unordered_map>
#include <utility>
#include <vector>

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/connection_protocol.hpp"
#include "actors/metrics.hpp"

namespace actors {

namespace {

// Read credit the bridge withholds from one connection.
struct owed_credit {
  caf::actor connection;
  std::uint64_t frames = 0;
};

struct bridge_state {
  std::shared_ptr<ui_sink> sink;
  ui_bridge_options options;
  // Events for the next batch. Bounded: admit() never lets the buffer
  // (pending plus in flight) pass the hard limit, except for one `dropped`
  // marker and one event arriving at an empty buffer.
  std::deque<ui_event> pending;
  std::size_t pending_bytes = 0;
  // True while pending.back() is a marker that further drops may extend.
  bool marker_open = false;
  // The batch the UI has not acknowledged; sequence 0 means none.
  std::uint64_t in_flight_sequence = 0;
  std::size_t in_flight_events = 0;
  std::size_t in_flight_bytes = 0;
  std::uint64_t last_sequence = 0;
  std::chrono::steady_clock::time_point posted_at;
  // One entry per throttled connection, so bounded by their number.
  std::unordered_map<connection_id, owed_credit> owed;
  ui_bridge_stats stats;

  static inline const char* name = "actors.ui_bridge";
};

using bridge_actor = caf::stateful_actor<bridge_state>;

std::size_t event_bytes(const ui_event& event) {
  return event.payload.size() + event.address.size() + event.message.size();
}

std::size_t buffered_events(const bridge_state& st) {
  return st.pending.size() + st.in_flight_events;
}

std::size_t buffered_bytes(const bridge_state& st) {
  return st.pending_bytes + st.in_flight_bytes;
}

bool at_high_water(const bridge_state& st) {
  return buffered_events(st) >= st.options.high_water
         || buffered_bytes(st) >= st.options.high_water_bytes;
}

bool past_hard_limit(const bridge_state& st, std::size_t bytes) {
  auto factor = ui_bridge_hard_limit_factor;
  // An event arriving at an empty buffer is always kept, however large.
  return buffered_events(st) > 0
         && (buffered_events(st) + 1 > factor * st.options.high_water
             || buffered_bytes(st) + bytes > factor * st.options.high_water_bytes);
}

void count_drop(bridge_state& st) {
  ++st.stats.events_dropped;
  if (st.marker_open) {
    ++st.pending.back().dropped;
    return;
  }
  ui_event marker;
  marker.kind = ui_event_kind::dropped;
  marker.time = wall_clock_now();
  marker.dropped = 1;
  marker.message = "the UI fell behind; events were dropped here";
  st.pending_bytes += event_bytes(marker);
  st.pending.push_back(std::move(marker));
  st.marker_open = true;
}

// Buffers `event` or drops it, as the policy says; returns true if kept.
bool admit(bridge_state& st, ui_event event) {
  ++st.stats.events_received;
  auto bytes = event_bytes(event);
  // A stop request is one small event, and dropping it would leave the
  // program running: it passes every bound.
  bool drop = event.kind != ui_event_kind::stop_requested
              && (st.options.policy == overflow_policy::drop ? at_high_water(st)
                                                             : past_hard_limit(st, bytes));
  if (drop) {
    count_drop(st);
    return false;
  }
  if (event.time.count() == 0)
    event.time = wall_clock_now();
  st.pending.push_back(std::move(event));
  st.pending_bytes += bytes;
  st.marker_open = false;
  st.stats.peak_buffered = std::max<std::uint64_t>(st.stats.peak_buffered,
                                                   buffered_events(st));
  return true;
}

// Posts the next batch unless one is in flight or nothing waits.
void post_next(bridge_actor* self) {
  auto& st = self->state;
  if (st.in_flight_sequence != 0 || st.pending.empty())
    return;
  auto count = std::min(st.pending.size(), st.options.max_batch);
  ui_batch batch;
  batch.sequence = ++st.last_sequence;
  batch.events.reserve(count);
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < count; ++i) {
    bytes += event_bytes(st.pending.front());
    batch.events.push_back(std::move(st.pending.front()));
    st.pending.pop_front();
  }
  if (st.pending.empty())
    st.marker_open = false;
  st.pending_bytes -= bytes;
  st.in_flight_sequence = batch.sequence;
  st.in_flight_events = count;
  st.in_flight_bytes = bytes;
  ++st.stats.batches_posted;
  st.stats.events_posted += count;
  st.stats.largest_batch = std::max<std::uint64_t>(st.stats.largest_batch, count);
  st.posted_at = std::chrono::steady_clock::now();
  st.sink->post(std::move(batch));
}

void grant(bridge_actor* self, const caf::actor& connection,
           std::uint64_t frames) {
  while (frames > 0) {
    auto chunk = static_cast<std::uint32_t>(
      std::min<std::uint64_t>(frames, std::numeric_limits<std::uint32_t>::max()));
    self->send(connection, credit_atom::value, chunk);
    frames -= chunk;
  }
}

// Gives back the credit withheld while the buffer was at the mark.
void pay_owed(bridge_actor* self) {
  auto& st = self->state;
  if (st.owed.empty() || at_high_water(st))
    return;
  for (auto& entry : st.owed)
    grant(self, entry.second.connection, entry.second.frames);
  st.owed.clear();
}

// Each frame used one unit of its connection's credit: give it back, unless
// backpressure says the connection should slow down.
void return_credit(bridge_actor* self, connection_id id, std::uint64_t frames) {
  auto& st = self->state;
  auto connection = caf::actor_cast<caf::actor>(self->current_sender());
  if (!connection)
    return;
  if (st.options.policy == overflow_policy::backpressure && at_high_water(st)) {
    auto& entry = st.owed[id];
    entry.connection = std::move(connection);
    entry.frames += frames;
  } else {
    grant(self, connection, frames);
  }
}

void on_frame(bridge_actor* self, frame_received& frame) {
  auto id = frame.id;
  admit(self->state, to_ui_event(std::move(frame)));
  return_credit(self, id, 1);
  post_next(self);
}

// The frames of one read (connection_options::batch_frames): one UI event
// per frame, so the UI sees the same thing with or without batching.
void on_frames(bridge_actor* self, const frames_received& batch) {
  auto& frames = batch.frames;
  for (std::size_t i = 0; i < frames.size(); ++i)
    admit(self->state, make_frame_event(batch.id, direction::in,
                                        std::string{frames[i]}));
  return_credit(self, batch.id, frames.size());
  post_next(self);
}

// A UDP endpoint's datagrams, one UI event each; the credit goes back the
// same way as a connection's (withheld at the mark: the endpoint then drops
// and counts what arrives).
void on_datagrams(bridge_actor* self, datagrams_received& batch) {
  for (auto& d : batch.datagrams)
    admit(self->state, to_ui_event(std::move(d), batch.id, direction::in));
  return_credit(self, batch.id, batch.datagrams.size());
  post_next(self);
}

void on_ack(bridge_actor* self, std::uint64_t sequence) {
  auto& st = self->state;
  if (sequence == 0 || sequence != st.in_flight_sequence) {
    ++st.stats.stray_acks;
    return;
  }
  st.in_flight_sequence = 0;
  st.in_flight_events = 0;
  st.in_flight_bytes = 0;
  st.stats.ui_wait_ns += static_cast<std::uint64_t>(
    std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now()
                                                         - st.posted_at)
      .count());
  post_next(self);
  pay_owed(self);
}

ui_bridge_stats current_stats(const bridge_state& st) {
  auto result = st.stats;
  result.pending = st.pending.size();
  result.in_flight = st.in_flight_events;
  result.throttled_connections = st.owed.size();
  return result;
}

actor_metrics bridge_metrics(bridge_actor* self) {
  auto stats = current_stats(self->state);
  actor_metrics m;
  m.kind = "ui_bridge";
  m.id = self->id();
  m.name = "ui bridge " + std::to_string(self->id());
  m.state = self->state.in_flight_sequence != 0 ? "waiting for the UI" : "idle";
  m.mailbox = self->mailbox().size();
  m.add("events_received_total", metric_type::counter, stats.events_received);
  m.add("events_posted_total", metric_type::counter, stats.events_posted);
  m.add("events_dropped_total", metric_type::counter, stats.events_dropped);
  m.add("batches_posted_total", metric_type::counter, stats.batches_posted);
  m.add("ui_wait_seconds_total", metric_type::counter, static_cast<double>(stats.ui_wait_ns) / 1e9);
  m.add("events_pending", metric_type::gauge, stats.pending);
  m.add("events_in_flight", metric_type::gauge, stats.in_flight);
  m.add("throttled_connections", metric_type::gauge, stats.throttled_connections);
  m.add("largest_batch", metric_type::detail, stats.largest_batch);
  return m;
}

// Buffers a converted event and posts it if the UI is idle.
template <class Event>
void on_event(bridge_actor* self, Event& event) {
  admit(self->state, to_ui_event(std::move(event)));
  post_next(self);
}

caf::behavior ui_bridge(bridge_actor* self, std::shared_ptr<ui_sink> sink,
                        ui_bridge_options options) {
  options.high_water = std::max<std::size_t>(options.high_water, 1);
  options.high_water_bytes = std::max<std::size_t>(options.high_water_bytes, 1);
  options.max_batch = std::max<std::size_t>(options.max_batch, 1);
  self->state.sink = std::move(sink);
  self->state.options = options;
  if (options.metrics)
    self->send(options.metrics, metrics_register_atom_v, caf::actor{self});
  return {
    [=](ui_event& event) {
      admit(self->state, std::move(event));
      post_next(self);
    },
    [=](std::vector<ui_event>& events) {
      for (auto& event : events)
        admit(self->state, std::move(event));
      post_next(self);
    },
    [=](frame_received& frame) { on_frame(self, frame); },
    [=](const frames_received& batch) { on_frames(self, batch); },
    [=](connected& event) { on_event(self, event); },
    [=](connection_error& event) { on_event(self, event); },
    [=](reconnecting& event) { on_event(self, event); },
    [=](disconnected& event) {
      self->state.owed.erase(event.id);
      on_event(self, event);
    },
    [=](peer_refused& event) { on_event(self, event); },
    [=](udp_ready& event) { on_event(self, event); },
    [=](datagrams_received& batch) { on_datagrams(self, batch); },
    [=](datagram_received& d) {
      datagrams_received batch{d.id, {datagram{std::move(d.peer), std::move(d.payload)}}};
      on_datagrams(self, batch);
    },
    [=](udp_error& event) { on_event(self, event); },
    [=](udp_closed& event) {
      self->state.owed.erase(event.id);
      on_event(self, event);
    },
    [=](peer_finished& event) {
      // A UI cannot answer a half-close on its own: close (what is queued
      // is still sent), as ncat does; `disconnected` follows.
      if (auto conn = caf::actor_cast<connection_actor>(self->current_sender()))
        self->send(conn, close_atom_v);
      on_event(self, event);
    },
    [=](ui_ack_atom, std::uint64_t sequence) { on_ack(self, sequence); },
    [=](ui_stats_atom) { return current_stats(self->state); },
    [=](metrics_atom) { return bridge_metrics(self); },
    [=](close_atom) {
      if (auto& registry = self->state.options.metrics)
        self->send(registry, metrics_retire_atom_v, bridge_metrics(self));
      self->quit();
    },
  };
}

} // namespace

const char* to_string(overflow_policy policy) noexcept {
  switch (policy) {
    case overflow_policy::backpressure: return "backpressure";
    case overflow_policy::drop: return "drop";
  }
  return "unknown";
}

std::optional<overflow_policy> parse_overflow_policy(std::string_view name) noexcept {
  for (auto policy : {overflow_policy::backpressure, overflow_policy::drop})
    if (name == to_string(policy))
      return policy;
  return std::nullopt;
}

caf::actor spawn_ui_bridge(caf::actor_system& system,
                           std::shared_ptr<ui_sink> sink,
                           ui_bridge_options options) {
  return system.spawn(ui_bridge, std::move(sink), options);
}

} // namespace actors
