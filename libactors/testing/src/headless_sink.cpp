#include "actors/testing/headless_sink.hpp"

#include <algorithm>
#include <deque>
#include <utility>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/response_promise.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/type_id.hpp>

#include "actors/ui_protocol.hpp"

CAF_BEGIN_TYPE_ID_BLOCK(actors_testing_internal, caf::first_custom_type_id + 960)

  /// Timer: acknowledge batch `sequence` now (`delayed_ack_atom, uint64_t`).
  CAF_ADD_ATOM(actors_testing_internal, actors::testing, delayed_ack_atom, "ui_ack_dl")

CAF_END_TYPE_ID_BLOCK(actors_testing_internal)

namespace actors::testing {

namespace {

// A pending `await_atom` question: exactly one of the two is set.
struct waiter {
  std::optional<ui_condition> condition;
  std::optional<ui_event_query> query;
  caf::response_promise promise;
};

struct headless_ui_state {
  headless_sink_options options;
  caf::actor bridge;
  ui_record record;
  // The last max_recorded_events events; log.front() has index first_index.
  std::deque<ui_event> log;
  std::uint64_t first_index = 0;
  std::uint64_t last_sequence = 0;
  // The batch received and not acknowledged yet, if any.
  std::optional<std::uint64_t> unacked;
  bool ack_scheduled = false;
  bool stalled = false;
  caf::timespan delay{0};
  // Bounded by options.max_waiters.
  std::deque<waiter> waiters;

  static inline const char* name = "actors.headless_ui";
};

using headless_ui_actor = caf::stateful_actor<headless_ui_state>;

std::uint64_t& counter(headless_ui_state& st, ui_counter which) {
  return st.record.counters[static_cast<std::size_t>(which)];
}

std::optional<ui_counter> kind_counter(ui_event_kind kind) {
  switch (kind) {
    case ui_event_kind::connected: return ui_counter::connected;
    case ui_event_kind::frame: return ui_counter::frames;
    case ui_event_kind::error: return ui_counter::errors;
    case ui_event_kind::reconnecting: return ui_counter::reconnecting;
    case ui_event_kind::disconnected: return ui_counter::disconnected;
    case ui_event_kind::message: return ui_counter::messages;
    case ui_event_kind::listening: return ui_counter::listening;
    case ui_event_kind::stop_requested: return ui_counter::stop_requests;
    case ui_event_kind::peer_finished: return ui_counter::peer_finished;
    case ui_event_kind::opened: return ui_counter::opened;
    case ui_event_kind::dropped: return std::nullopt;
  }
  return std::nullopt;
}

void record_event(headless_ui_state& st, ui_event& event) {
  ++counter(st, ui_counter::events);
  if (auto which = kind_counter(event.kind))
    ++counter(st, *which);
  else
    counter(st, ui_counter::dropped) += event.dropped;
  st.log.push_back(std::move(event));
  if (st.log.size() > st.options.max_recorded_events) {
    st.log.pop_front();
    ++st.first_index;
    ++st.record.forgotten;
  }
}

indexed_ui_event find_event(const headless_ui_state& st,
                            const ui_event_query& query) {
  auto start = std::max(query.from, st.first_index) - st.first_index;
  for (auto i = start; i < st.log.size(); ++i)
    if (st.log[i].kind == query.kind)
      return indexed_ui_event{true, st.first_index + i, st.log[i]};
  return indexed_ui_event{};
}

void acknowledge(headless_ui_actor* self) {
  auto& st = self->state;
  self->send(st.bridge, ui_ack_atom::value, *st.unacked);
  st.unacked.reset();
}

// Acknowledges the batch in hand if the UI is attached and not stalled.
void maybe_ack(headless_ui_actor* self) {
  auto& st = self->state;
  if (!st.bridge || st.stalled || !st.unacked || st.ack_scheduled)
    return;
  if (st.delay.count() > 0) {
    st.ack_scheduled = true;
    self->delayed_send(self, st.delay, delayed_ack_atom_v, *st.unacked);
    return;
  }
  acknowledge(self);
}

// Answers every waiter whose condition now holds.
void notify_waiters(headless_ui_state& st) {
  for (auto i = st.waiters.begin(); i != st.waiters.end();) {
    if (i->condition && st.record.get(i->condition->counter) >= i->condition->at_least) {
      i->promise.deliver(st.record);
    } else if (i->query) {
      auto found = find_event(st, *i->query);
      if (!found.found) {
        ++i;
        continue;
      }
      i->promise.deliver(std::move(found));
    } else {
      ++i;
      continue;
    }
    i = st.waiters.erase(i);
  }
}

void add_waiter(headless_ui_actor* self, waiter w) {
  auto& st = self->state;
  if (st.waiters.size() >= st.options.max_waiters) {
    st.waiters.front().promise.deliver(
      caf::make_error(caf::sec::runtime_error, "headless UI: too many waiters"));
    st.waiters.pop_front();
  }
  w.promise = self->make_response_promise();
  st.waiters.push_back(std::move(w));
  notify_waiters(st);
}

void on_batch(headless_ui_actor* self, ui_batch& batch) {
  auto& st = self->state;
  if (st.unacked)
    ++counter(st, ui_counter::overlaps);
  if (batch.sequence != st.last_sequence + 1)
    ++counter(st, ui_counter::out_of_order);
  st.last_sequence = batch.sequence;
  ++counter(st, ui_counter::batches);
  auto& largest = counter(st, ui_counter::largest_batch);
  largest = std::max<std::uint64_t>(largest, batch.events.size());
  for (auto& event : batch.events)
    record_event(st, event);
  st.unacked = batch.sequence;
  maybe_ack(self);
  notify_waiters(st);
}

caf::behavior headless_ui(headless_ui_actor* self, headless_sink_options options) {
  self->state.options = options;
  return {
    [=](ui_batch& batch) { on_batch(self, batch); },
    [=](attach_atom, caf::actor& bridge) {
      self->state.bridge = std::move(bridge);
      maybe_ack(self);
    },
    [=](stall_atom) { self->state.stalled = true; },
    [=](resume_atom) {
      self->state.stalled = false;
      self->state.delay = caf::timespan{0};
      maybe_ack(self);
    },
    [=](slow_atom, caf::timespan delay) {
      self->state.delay = delay;
      maybe_ack(self);
    },
    [=](delayed_ack_atom, std::uint64_t sequence) {
      auto& st = self->state;
      st.ack_scheduled = false;
      if (st.unacked == sequence && !st.stalled && st.bridge)
        acknowledge(self);
      maybe_ack(self);
    },
    [=](record_atom) { return self->state.record; },
    [=](peek_atom, const ui_event_query& query) {
      return find_event(self->state, query);
    },
    [=](await_atom, const ui_condition& condition) {
      add_waiter(self, waiter{condition, std::nullopt, {}});
    },
    [=](await_atom, const ui_event_query& query) {
      add_waiter(self, waiter{std::nullopt, query, {}});
    },
    [=](log_atom) {
      auto& log = self->state.log;
      return std::vector<ui_event>(log.begin(), log.end());
    },
  };
}

} // namespace

const char* to_string(ui_counter counter) noexcept {
  switch (counter) {
    case ui_counter::events: return "events";
    case ui_counter::batches: return "batches";
    case ui_counter::frames: return "frames";
    case ui_counter::connected: return "connected";
    case ui_counter::disconnected: return "disconnected";
    case ui_counter::errors: return "errors";
    case ui_counter::reconnecting: return "reconnecting";
    case ui_counter::messages: return "messages";
    case ui_counter::listening: return "listening";
    case ui_counter::dropped: return "dropped";
    case ui_counter::largest_batch: return "largest_batch";
    case ui_counter::overlaps: return "overlaps";
    case ui_counter::out_of_order: return "out_of_order";
    case ui_counter::stop_requests: return "stop_requests";
    case ui_counter::peer_finished: return "peer_finished";
    case ui_counter::opened: return "opened";
  }
  return "unknown";
}

std::optional<ui_counter> parse_ui_counter(std::string_view name) noexcept {
  for (std::size_t i = 0; i < ui_counter_count; ++i) {
    auto counter = static_cast<ui_counter>(i);
    if (name == to_string(counter))
      return counter;
  }
  return std::nullopt;
}

headless_sink::headless_sink(caf::actor_system& system,
                             headless_sink_options options)
  : ui_(system.spawn(headless_ui, options)) {
  // nop
}

headless_sink::~headless_sink() {
  caf::anon_send_exit(ui_, caf::exit_reason::user_shutdown);
}

void headless_sink::post(ui_batch batch) {
  caf::anon_send(ui_, std::move(batch));
}

void headless_sink::attach(const caf::actor& bridge) {
  caf::anon_send(ui_, attach_atom::value, bridge);
}

void headless_sink::stall() {
  caf::anon_send(ui_, stall_atom::value);
}

void headless_sink::resume() {
  caf::anon_send(ui_, resume_atom::value);
}

void headless_sink::slow(std::chrono::milliseconds per_batch) {
  caf::anon_send(ui_, slow_atom::value,
                 std::chrono::duration_cast<caf::timespan>(per_batch));
}

} // namespace actors::testing
