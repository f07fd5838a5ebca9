#include "sequence_runner.hpp"

#include <chrono>
#include <deque>
#include <map>
#include <set>
#include <utility>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/connection_protocol.hpp"
#include "actors/error_kind.hpp"
#include "actors/event_source.hpp"
#include "actors/testing/scenario.hpp"
#include "actors/ui_event.hpp"

namespace client {

namespace {

using actors::testing::frame_pattern;
using actors::testing::script_step;
using actors::testing::step_kind;

// Frames that may wait for an expectation, per connection; more means the
// sequence is not reading what arrives.
constexpr std::size_t max_waiting_frames = 100'000;

// Why a sequence cannot run `step`, or nothing if it can.
std::optional<std::string> unsupported(const script_step& step) {
  switch (step.kind) {
    case step_kind::setup:
    case step_kind::send:
    case step_kind::close:
    case step_kind::wait:
    case step_kind::expect_frame:
    case step_kind::await_frame:
    case step_kind::expect_frames:
    case step_kind::expect_silent:
      return std::nullopt;
    default:
      return "a sequence runs send, wait, close, and expect or await NAME frame, "
             "frames and silent on the open connections (c<id>); run the rest "
             "with actors-scenario";
  }
}

// Whether a connection reports `kind` for a frame it would not send.
bool refuses_a_frame(actors::error_kind kind) {
  return kind == actors::error_kind::malformed_frame || kind == actors::error_kind::frame_too_large
         || kind == actors::error_kind::write_buffer_full;
}

// "c12" -> 12.
std::uint64_t connection_of(const std::string& peer) {
  return std::stoull(peer.substr(1));
}

struct runner_state {
  caf::actor relay;
  caf::actor bridge;
  std::vector<script_step> steps;
  std::size_t index = 0;
  std::map<std::string, std::string> variables;
  // Frames that arrived and no step took yet.
  std::map<std::uint64_t, std::deque<std::string>> waiting;
  std::map<std::uint64_t, bool> closed;
  // The connections the steps name: an error on one fails the sequence.
  std::set<std::uint64_t> used;
  // The last send step run on each connection: what a refused frame blames.
  std::map<std::uint64_t, script_step> last_send;
  // The step under way, with its variables filled in.
  script_step step;
  bool waiting_for_time = false;
  // expect NAME frames N: how many are still to come.
  std::uint64_t frames_left = 0;
  // await: frames skipped so far.
  std::uint64_t skipped = 0;

  static inline const char* name = "client.sequence_runner";
};

using runner_actor = caf::stateful_actor<runner_state>;

void tell(runner_actor* self, const std::string& text) {
  self->send(self->state.bridge,
             actors::make_message_event(std::string{sequence_prefix} + text));
}

void finish(runner_actor* self, const std::string& verdict) {
  tell(self, verdict);
  self->send(self->state.relay, tap_atom_v, caf::actor{});
  self->quit();
}

void fail_at(runner_actor* self, const script_step& step, const std::string& why) {
  finish(self, " failed at line " + std::to_string(step.line) + " (" + step.source + "): " + why);
}

void fail(runner_actor* self, const std::string& why) {
  fail_at(self, self->state.step, why);
}

void run_steps(runner_actor* self);

void next(runner_actor* self) {
  auto& st = self->state;
  ++st.index;
  st.waiting_for_time = false;
  run_steps(self);
}

std::string quoted(const std::string& text) {
  return "\"" + text + "\"";
}

// Tries the step under way against the frames waiting; advances or fails
// as they allow, or leaves it waiting for more.
void try_frames(runner_actor* self) {
  auto& st = self->state;
  auto& step = st.step;
  auto id = connection_of(step.peer);
  auto& frames = st.waiting[id];
  frame_pattern pattern{step.text, step.regex};
  while (!frames.empty()) {
    auto frame = std::move(frames.front());
    frames.pop_front();
    if (step.kind == step_kind::expect_frames) {
      if (--st.frames_left == 0)
        return next(self);
      continue;
    }
    if (step.kind == step_kind::expect_silent)
      return fail(self, step.peer + " received frame " + quoted(frame)
                          + ", expected nothing");
    std::string captured;
    if (actors::testing::frame_matches(pattern, frame, &captured)) {
      if (!step.variable.empty())
        st.variables[step.variable] = std::move(captured);
      return next(self);
    }
    if (step.kind == step_kind::expect_frame)
      return fail(self, step.peer + " received frame " + quoted(frame) + ", expected "
                          + actors::testing::to_string(pattern));
    ++st.skipped;
  }
  if (st.closed[id] && step.kind != step_kind::expect_silent)
    fail(self, step.peer + "'s connection closed");
}

// Runs steps until one has to wait (for frames or time) or all are done.
void run_steps(runner_actor* self) {
  auto& st = self->state;
  while (st.index < st.steps.size()) {
    auto step = st.steps[st.index];
    if (!step.literal)
      step.text = actors::testing::substitute_variables(step.text, st.variables);
    st.step = step;
    if (step.kind == step_kind::setup) {
      ++st.index;
      continue;
    }
    tell(self, ": line " + std::to_string(step.line) + ": " + step.source);
    auto timeout = step.timeout.value_or(std::chrono::milliseconds{2'000});
    switch (step.kind) {
      case step_kind::send: {
        if (st.closed[connection_of(step.peer)])
          return fail(self, step.peer + "'s connection is closed");
        self->send(st.relay, actors::send_atom_v, connection_of(step.peer),
                   actors::testing::send_payload(step));
        st.last_send[connection_of(step.peer)] = step;
        ++st.index;
        continue;
      }
      case step_kind::close:
        self->send(st.relay, actors::close_atom_v, connection_of(step.peer));
        ++st.index;
        continue;
      case step_kind::wait:
      case step_kind::expect_silent:
        st.waiting_for_time = true;
        self->delayed_send(self, step.duration, step_due_atom_v, st.index);
        if (step.kind == step_kind::expect_silent)
          try_frames(self);
        return;
      default: // expect or await a frame, or frames
        st.frames_left = step.number;
        st.skipped = 0;
        self->delayed_send(self, timeout, step_due_atom_v, st.index);
        if (step.kind == step_kind::expect_frames && step.number == 0)
          return next(self);
        try_frames(self);
        return;
    }
  }
  finish(self, " passed (" + std::to_string(st.steps.size()) + " steps)");
}

caf::behavior sequence_runner(runner_actor* self, caf::actor relay, caf::actor bridge,
                              actors::testing::script script) {
  actors::ignore_what_comes_back(self);
  auto& st = self->state;
  st.relay = std::move(relay);
  st.bridge = std::move(bridge);
  st.steps = std::move(script.steps);
  for (auto& step : st.steps)
    if (!step.peer.empty())
      st.used.insert(connection_of(step.peer));
  self->send(st.relay, tap_atom_v, caf::actor{self});
  // After the tap: the relay copies every frame that arrives from now on.
  self->send(self, step_due_atom_v, std::size_t{st.steps.size() + 1});
  return {
    [=](tap_atom, actors::connection_id id, std::string& payload) {
      auto& st = self->state;
      auto& frames = st.waiting[id];
      if (frames.size() >= max_waiting_frames)
        return fail(self, std::to_string(max_waiting_frames) + " frames of c"
                            + std::to_string(id) + " wait unread");
      frames.push_back(std::move(payload));
      if (st.index < st.steps.size() && !st.waiting_for_time
          && connection_of(st.step.peer.empty() ? "c0" : st.step.peer) == id)
        try_frames(self);
      else if (st.waiting_for_time && st.step.kind == step_kind::expect_silent
               && connection_of(st.step.peer) == id)
        try_frames(self);
    },
    [=](const actors::disconnected& ev) {
      self->state.closed[ev.id] = true;
      auto& step = self->state.step;
      if (!step.peer.empty() && connection_of(step.peer) == ev.id
          && !self->state.waiting_for_time)
        try_frames(self);
    },
    // An error on a connection the steps use ends the run at once, with the
    // connection's reason; a frame it refused blames the send that made it.
    [=](const actors::connection_error& ev) {
      auto& st = self->state;
      if (st.used.count(ev.id) == 0)
        return;
      auto why = "c" + std::to_string(ev.id) + ": " + ev.message;
      auto sent = st.last_send.find(ev.id);
      if (sent != st.last_send.end() && refuses_a_frame(ev.kind))
        fail_at(self, sent->second, why);
      else
        fail(self, why);
    },
    [=](step_due_atom, std::size_t index) {
      auto& st = self->state;
      if (index == st.steps.size() + 1) // the start
        return run_steps(self);
      if (index != st.index)
        return; // a step that ended before its time was up
      auto& step = st.step;
      auto ms = std::to_string(step.timeout.value_or(std::chrono::milliseconds{2'000}).count());
      switch (step.kind) {
        case step_kind::wait:
        case step_kind::expect_silent: return next(self);
        case step_kind::expect_frames:
          return fail(self, step.peer + " received "
                              + std::to_string(step.number - st.frames_left) + " of "
                              + std::to_string(step.number) + " frames within " + ms
                              + " ms");
        case step_kind::await_frame:
          return fail(self, step.peer + " skipped " + std::to_string(st.skipped)
                              + " frame(s) and received no "
                              + actors::testing::to_string(frame_pattern{step.text,
                                                                         step.regex})
                              + " within " + ms + " ms");
        default:
          return fail(self, step.peer + " received nothing within " + ms + " ms, expected "
                              + actors::testing::to_string(frame_pattern{step.text,
                                                                         step.regex}));
      }
    },
    [=](stop_sequence_atom) {
      if (self->state.step.line == 0)
        finish(self, " failed: stopped before its first step");
      else
        fail(self, "stopped");
    },
  };
}

} // namespace

actors::testing::script_parse_result ParseSequence(const std::string& text,
                                                   const std::vector<std::uint64_t>& open) {
  actors::testing::script_parse_options options;
  for (auto id : open)
    options.peers.push_back("c" + std::to_string(id));
  options.connect_needs_server = false; // refused below, with a pointer to actors-scenario
  auto result = actors::testing::parse_script(text, options);
  if (!result)
    return result;
  for (auto& step : result.value.steps)
    if (auto why = unsupported(step)) {
      result.error = actors::testing::script_error{step.file, step.line, *why, {}};
      return result;
    }
  return result;
}

caf::actor spawn_sequence_runner(caf::actor_system& system, caf::actor relay,
                                 caf::actor bridge, actors::testing::script script) {
  return system.spawn(sequence_runner, std::move(relay), std::move(bridge),
                      std::move(script));
}

} // namespace client
