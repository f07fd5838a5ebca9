#include "simulated_connection.hpp"

#include <deque>
#include <utility>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/connection_protocol.hpp"

namespace actors::testing::detail {

namespace {

// Frames the peer sent that wait for credit: one `send`, or the rest of one
// `flood` (generated on delivery, so a long flood costs no memory).
struct backlog_item {
  std::string text;
  bool flood = false;
  std::uint64_t next = 0;
  std::uint64_t end = 1;
};

struct simulated_state {
  caf::actor subscriber;
  std::string peer;
  std::int64_t credit = 0;
  // Bounded by max_backlog_steps.
  std::deque<backlog_item> backlog;
  connection_stats stats;

  static inline const char* name = "actors.simulated_connection";
};

using simulated_actor = caf::stateful_actor<simulated_state>;

std::string take_frame(backlog_item& item) {
  auto index = item.next++;
  return item.flood ? item.text + std::to_string(index) : std::move(item.text);
}

// Hands frames to the subscriber while there is credit.
void deliver(simulated_actor* self) {
  auto& st = self->state;
  while (st.credit > 0 && !st.backlog.empty()) {
    auto& item = st.backlog.front();
    auto frame = take_frame(item);
    if (item.next == item.end)
      st.backlog.pop_front();
    --st.credit;
    ++st.stats.frames_in;
    st.stats.bytes_in += frame.size();
    self->send(st.subscriber, frame_received{st.stats.id, std::move(frame)});
  }
}

void enqueue(simulated_actor* self, backlog_item item) {
  auto& st = self->state;
  if (st.backlog.size() >= max_backlog_steps) {
    self->send(st.subscriber,
               connection_error{st.stats.id, error_kind::write_buffer_full,
                                "simulated backlog full: frames dropped"});
    return;
  }
  st.backlog.push_back(std::move(item));
  deliver(self);
}

void finish(simulated_actor* self, error_kind reason, std::string message) {
  auto& st = self->state;
  if (reason != error_kind::none && reason != error_kind::peer_closed)
    self->send(st.subscriber, connection_error{st.stats.id, reason, message});
  self->send(st.subscriber,
             disconnected{st.stats.id, reason, std::move(message), st.stats});
  self->quit();
}

std::uint64_t backlog_frames(const simulated_state& st) {
  std::uint64_t result = 0;
  for (auto& item : st.backlog)
    result += item.end - item.next;
  return result;
}

caf::behavior simulated_connection(simulated_actor* self, caf::actor subscriber,
                                   std::string name, std::uint32_t read_credit) {
  auto& st = self->state;
  st.subscriber = std::move(subscriber);
  st.peer = "simulated:" + name;
  st.credit = read_credit;
  st.stats.id = self->id();
  self->send(st.subscriber, connected{st.stats.id, st.peer,
                                      caf::actor_cast<connection_actor>(self), {}, {}});
  return {
    [=](peer_send_atom, std::string& payload) {
      enqueue(self, backlog_item{std::move(payload), false, 0, 1});
    },
    [=](peer_flood_atom, std::string& prefix, std::uint64_t count) {
      if (count > 0)
        enqueue(self, backlog_item{std::move(prefix), true, 0, count});
    },
    [=](peer_close_atom) {
      finish(self, error_kind::peer_closed,
             "peer " + self->state.peer + " closed the connection");
    },
    [=](peer_reset_atom) {
      finish(self, error_kind::peer_reset,
             "connection reset by peer " + self->state.peer);
    },
    [=](backlog_atom) { return backlog_frames(self->state); },
    [=](credit_atom, std::uint32_t frames) {
      self->state.credit += frames;
      deliver(self);
    },
    [=](send_atom, const std::string& payload) {
      ++self->state.stats.frames_out;
      self->state.stats.bytes_out += payload.size();
    },
    [=](close_atom) { finish(self, error_kind::none, "closed"); },
    [=](abort_atom) { finish(self, error_kind::none, "aborted"); },
    [=](stats_atom) { return self->state.stats; },
  };
}

} // namespace

caf::actor spawn_simulated_connection(caf::actor_system& system,
                                      caf::actor subscriber, std::string name,
                                      std::uint32_t read_credit) {
  return system.spawn(simulated_connection, std::move(subscriber),
                      std::move(name), read_credit);
}

} // namespace actors::testing::detail
