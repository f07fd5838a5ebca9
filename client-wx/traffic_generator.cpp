#include "traffic_generator.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <utility>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/connection_protocol.hpp"
#include "actors/error_kind.hpp"
#include "actors/event_source.hpp"
#include "actors/ui_event.hpp"
#include "message_template.hpp"

namespace client {

namespace {

using std::chrono::steady_clock;

// One batch at most this many frames or bytes: large enough to cost one
// message per batch, small enough to keep the write queue near its mark.
constexpr std::size_t batch_frames = 512;
constexpr std::size_t batch_bytes = 64 * 1024;

// How often a paced run sends what its rate allows.
constexpr std::chrono::milliseconds pace{5};

struct target {
  std::uint64_t id = 0;
  std::uint64_t sent = 0;
  bool waiting = false; // a batch is on its way, its drain not answered yet
  bool done = false;
};

struct generator_state {
  caf::actor relay;
  caf::actor bridge;
  GeneratorPlan plan;
  std::vector<target> targets;
  // The payload when the template has no fields: expanded once.
  std::optional<std::string> fixed;
  std::minstd_rand random{std::random_device{}()};
  steady_clock::time_point start;
  std::uint64_t sent = 0;
  std::uint64_t sent_at_last_report = 0;
  bool time_up = false;

  static inline const char* name = "client.traffic_generator";
};

using generator_actor = caf::stateful_actor<generator_state>;

void tell(generator_actor* self, const std::string& text) {
  self->send(self->state.bridge,
             actors::make_message_event(std::string{generator_prefix} + ": " + text));
}

double seconds_since_start(generator_actor* self) {
  return std::chrono::duration<double>(steady_clock::now() - self->state.start).count();
}

std::string summary(generator_actor* self) {
  auto seconds = seconds_since_start(self);
  auto rate = seconds > 0 ? static_cast<double>(self->state.sent) / seconds : 0.0;
  char text[160];
  std::snprintf(text, sizeof text, "%llu frames on %zu connection%s in %.1f s (%.0f frames/s)",
                static_cast<unsigned long long>(self->state.sent),
                self->state.targets.size(), self->state.targets.size() == 1 ? "" : "s",
                seconds, rate);
  return text;
}

void finish_if_done(generator_actor* self) {
  auto& st = self->state;
  bool busy = std::any_of(st.targets.begin(), st.targets.end(),
                          [](const target& t) { return !t.done; });
  if (busy)
    return;
  tell(self, "done: " + summary(self));
  self->quit();
}

// Frames target `t` may send now: what its count and its rate allow.
std::uint64_t frames_due(generator_actor* self, const target& t) {
  auto& plan = self->state.plan;
  auto due = std::numeric_limits<std::uint64_t>::max();
  if (plan.count > 0)
    due = plan.count - t.sent;
  if (plan.rate > 0) {
    auto allowed = static_cast<std::uint64_t>(std::floor(plan.rate * seconds_since_start(self)));
    due = std::min(due, allowed > t.sent ? allowed - t.sent : 0);
  }
  return due;
}

std::string payload_for(generator_actor* self, std::uint64_t counter) {
  auto& st = self->state;
  if (st.fixed)
    return *st.fixed;
  TemplateValues values;
  values.counter = counter;
  values.random = static_cast<std::uint32_t>(st.random() % 1'000'000'000);
  auto expanded = ExpandTemplate(st.plan.payload, values);
  return expanded ? std::move(*expanded) : std::string{}; // checked before the start
}

void pump(generator_actor* self, target& t);

// Sends target `t` its next batch, if anything is due; the relay answers
// once the connection's queue has drained to the mark.
void pump(generator_actor* self, target& t) {
  auto& st = self->state;
  if (t.waiting || t.done)
    return;
  if (st.plan.count > 0 && t.sent >= st.plan.count) {
    t.done = true;
    return finish_if_done(self);
  }
  auto due = std::min<std::uint64_t>(frames_due(self, t), batch_frames);
  if (due == 0)
    return; // the next tick comes back
  actors::frame_batch batch;
  for (std::uint64_t i = 0; i < due && batch.bytes() < batch_bytes; ++i)
    batch.add(payload_for(self, t.sent + i));
  t.sent += batch.size();
  st.sent += batch.size();
  t.waiting = true;
  auto id = t.id;
  auto frames = static_cast<std::uint64_t>(batch.size());
  self->request(st.relay, caf::infinite, generated_atom_v, id, std::move(batch))
    .then(
      [=](std::uint64_t) {
        for (auto& x : self->state.targets)
          if (x.id == id) {
            x.waiting = false;
            if (self->state.time_up)
              x.done = true, finish_if_done(self);
            else
              pump(self, x);
          }
      },
      [=](caf::error& err) {
        for (auto& x : self->state.targets)
          if (x.id == id) {
            x.waiting = false;
            x.done = true;
            x.sent -= frames; // refused, not sent
            self->state.sent -= frames;
          }
        tell(self, "connection " + std::to_string(id)
                     + " stopped taking frames: " + actors::message_of(err));
        finish_if_done(self);
      });
}

void tick(generator_actor* self) {
  auto& st = self->state;
  if (st.plan.duration.count() > 0 && steady_clock::now() - st.start >= st.plan.duration) {
    // Time is up: batches on their way still count; nothing more is sent.
    st.time_up = true;
    for (auto& t : st.targets)
      if (!t.waiting)
        t.done = true;
    return finish_if_done(self);
  }
  for (auto& t : st.targets)
    pump(self, t);
}

caf::behavior traffic_generator(generator_actor* self, caf::actor relay, caf::actor bridge,
                                GeneratorPlan plan) {
  actors::ignore_what_comes_back(self);
  auto& st = self->state;
  st.relay = std::move(relay);
  st.bridge = std::move(bridge);
  st.plan = std::move(plan);
  if (st.plan.payload.find("{{") == std::string::npos)
    if (auto expanded = ExpandTemplate(st.plan.payload, {}))
      st.fixed = std::move(*expanded);
  for (auto id : st.plan.targets)
    st.targets.push_back(target{id});
  st.start = steady_clock::now();
  tell(self, "sending on " + std::to_string(st.targets.size()) + " connection"
               + (st.targets.size() == 1 ? "" : "s"));
  // A paced run ticks often to keep its rate; an unpaced one sends again
  // as each drain answers, and ticks only for its duration.
  self->send(self, generator_tick_atom_v);
  self->delayed_send(self, std::chrono::seconds{1}, generator_tick_atom_v, true);
  return {
    [=](generator_tick_atom) {
      tick(self);
      if (self->state.plan.rate > 0 || self->state.plan.duration.count() > 0)
        self->delayed_send(self, self->state.plan.rate > 0 ? pace : std::chrono::milliseconds{20},
                           generator_tick_atom_v);
    },
    [=](generator_tick_atom, bool) {
      // Once a second: progress.
      auto& st = self->state;
      tell(self, std::to_string(st.sent) + " frames sent, "
                   + std::to_string(st.sent - st.sent_at_last_report) + " frames/s");
      st.sent_at_last_report = st.sent;
      self->delayed_send(self, std::chrono::seconds{1}, generator_tick_atom_v, true);
    },
    [=](stop_generator_atom) {
      tell(self, "stopped: " + summary(self));
      self->quit();
    },
  };
}

} // namespace

std::string CheckGeneratorPlan(const GeneratorPlan& plan) {
  if (plan.targets.empty())
    return "no connection to send on: open one, or select one in the sidebar";
  if (!(plan.rate >= 0) || !std::isfinite(plan.rate))
    return "the rate must be a number of frames per second, or 0 for as fast as the peer takes them";
  auto expanded = ExpandTemplate(plan.payload, {});
  if (!expanded)
    return "payload: " + actors::message_of(expanded.error());
  return {};
}

caf::actor spawn_traffic_generator(caf::actor_system& system, caf::actor relay,
                                   caf::actor bridge, GeneratorPlan plan) {
  return system.spawn(traffic_generator, std::move(relay), std::move(bridge), std::move(plan));
}

} // namespace client
