// The UDP endpoint actor: one CAF broker per UDP socket, over our own
// datagram servant (udp_servant.hpp), and `udp_open`.

#include "actors/udp.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <caf/actor_cast.hpp>
#include <caf/io/broker.hpp>
#include <caf/io/middleman.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/connection.hpp"
#include "actors/connection_protocol.hpp"
#include "actors/event_source.hpp"
#include "actors/log_writer.hpp"
#include "socket_address.hpp"
#include "udp_servant.hpp"
#include "udp_socket.hpp"

namespace actors {

namespace {

using detail::udp_failure;

struct udp_state {
  udp_options options;
  caf::actor subscriber;
  caf::intrusive_ptr<detail::udp_servant> servant;
  std::string local;
  std::string remote;
  std::int64_t credit = 0;
  udp_stats stats;
  // The counts when the subscriber was last told of drops, and when.
  udp_stats told;
  std::chrono::steady_clock::time_point drops_told_at;

  static inline const char* name = "actors.udp";
};

using udp_broker = caf::stateful_actor<udp_state, caf::io::broker>;

void log_event(udp_broker* self, direction dir, const std::string& peer,
               std::string text, log_level level = log_level::info) {
  auto& st = self->state;
  if (!st.options.log)
    return;
  auto source = "udp " + std::to_string(st.stats.id);
  if (!peer.empty())
    source += " " + peer;
  self->send(st.options.log, make_log_record(std::move(source), dir,
                                             std::move(text), level));
}

void report(udp_broker* self, udp_failure failure) {
  auto& st = self->state;
  if (failure.peer.empty())
    failure.peer = st.remote;
  log_event(self, direction::event, failure.peer, failure.message, log_level::error);
  self->send(st.subscriber, udp_error{st.stats.id, failure.kind,
                                      std::move(failure.message),
                                      std::move(failure.peer)});
}

// Datagrams the subscriber still takes.
std::uint64_t credit_left(const udp_state& st) {
  return st.credit > 0 ? static_cast<std::uint64_t>(st.credit) : 0;
}

udp_stats current_stats(udp_broker* self) {
  auto stats = self->state.stats;
  stats.queued_bytes = self->state.servant ? self->state.servant->queued_bytes() : 0;
  return stats;
}

// The endpoint's figures for the metrics registry.
actor_metrics udp_metrics(udp_broker* self, const char* state) {
  auto& st = self->state;
  auto stats = current_stats(self);
  actor_metrics m;
  m.kind = "udp";
  m.id = stats.id;
  m.name = "udp " + std::to_string(stats.id) + " " + st.local
           + (st.remote.empty() ? "" : " -> " + st.remote);
  m.state = state;
  m.mailbox = self->mailbox().size();
  m.add("datagrams_received_total", metric_type::counter, stats.datagrams_in);
  m.add("bytes_received_total", metric_type::counter, stats.bytes_in);
  m.add("datagrams_sent_total", metric_type::counter, stats.datagrams_out);
  m.add("bytes_sent_total", metric_type::counter, stats.bytes_out);
  m.add("datagrams_dropped_total", metric_type::counter, stats.dropped);
  m.add("datagrams_dropped_by_kernel_total", metric_type::counter, stats.dropped_by_kernel);
  m.add("datagrams_too_large_total", metric_type::counter, stats.too_large);
  m.add("bytes_queued", metric_type::gauge, stats.queued_bytes);
  m.add("read_credit", metric_type::gauge, credit_left(st));
  return m;
}

const char* state_name(const udp_state& st) {
  return st.credit > 0 ? "open" : "waiting for credit";
}

void end(udp_broker* self, error_kind reason, std::string message) {
  auto& st = self->state;
  auto stats = current_stats(self);
  if (st.options.metrics)
    self->send(st.options.metrics, metrics_retire_atom_v, udp_metrics(self, "closed"));
  // The servant sends what is queued, then closes the socket.
  self->close_all();
  st.servant.reset();
  log_event(self, direction::event, {}, "closed: " + message);
  self->send(st.subscriber, udp_closed{st.stats.id, reason, std::move(message), stats});
  self->quit();
}

// Tells the servant how many datagrams are wanted: past the credit, it
// counts them instead of copying each to be dropped here.
void tell_wanted(udp_broker* self) {
  auto& st = self->state;
  if (st.servant)
    st.servant->set_wanted(credit_left(st));
}

// How often, at most, the subscriber hears that datagrams were dropped:
// once per episode at a slow pace, once a second under a flood.
constexpr std::chrono::seconds drops_told_every{1};

// "N datagrams" with the right number.
std::string datagrams(std::uint64_t count) {
  return std::to_string(count) + (count == 1 ? " datagram" : " datagrams");
}

// Tells the subscriber of datagrams dropped for want of credit, or by the
// kernel, since it was last told: it would not see them otherwise (UDP has
// no push-back).
void tell_drops(udp_broker* self) {
  auto& st = self->state;
  auto unwanted = st.stats.dropped - st.told.dropped;
  auto by_kernel = st.stats.dropped_by_kernel - st.told.dropped_by_kernel;
  if (unwanted == 0 && by_kernel == 0)
    return; // the common case: no clock read on every read
  auto now = std::chrono::steady_clock::now();
  if (now - st.drops_told_at < drops_told_every)
    return;
  st.told = st.stats;
  st.drops_told_at = now;
  std::string message;
  if (unwanted > 0)
    message = datagrams(unwanted) + " dropped: they came faster than they were taken (no "
                                    "read credit left)";
  if (by_kernel > 0)
    message += (message.empty() ? "" : "; ") + datagrams(by_kernel)
               + " dropped by the kernel: they came faster than they were read (the "
                 "socket's receive buffer was full)";
  report(self, {error_kind::limit_reached, std::move(message), {}});
}

// Hands `all` to the subscriber, each taking a unit of credit.
void deliver(udp_broker* self, std::vector<datagram>& all) {
  auto& st = self->state;
  if (all.empty())
    return;
  st.credit -= static_cast<std::int64_t>(all.size());
  tell_wanted(self);
  st.stats.datagrams_in += all.size();
  for (auto& d : all) {
    st.stats.bytes_in += d.payload.size();
    log_event(self, direction::in, d.peer, d.payload);
  }
  if (st.options.batch_datagrams) {
    self->send(st.subscriber, datagrams_received{st.stats.id, std::move(all)});
    return;
  }
  for (auto& d : all)
    self->send(st.subscriber, datagram_received{st.stats.id, std::move(d.peer),
                                                std::move(d.payload)});
}

// Delivers what the credit allows; the rest is dropped and counted.
void on_read(udp_broker* self, detail::udp_read_msg& msg) {
  auto& st = self->state;
  st.stats.dropped += msg.unwanted;
  st.stats.dropped_by_kernel += msg.dropped_by_kernel;
  if (msg.too_large > 0) {
    st.stats.too_large += msg.too_large;
    report(self, {error_kind::datagram_too_large,
                  std::to_string(msg.too_large) + " datagram(s) larger than "
                    "max_datagram_size (" + std::to_string(st.options.max_datagram_size)
                    + " bytes) dropped, the last of "
                    + std::to_string(msg.too_large_size) + " bytes",
                  msg.too_large_peer});
  }
  auto& all = msg.datagrams;
  auto delivered = static_cast<std::size_t>(
    std::clamp<std::int64_t>(st.credit, 0, static_cast<std::int64_t>(all.size())));
  st.stats.dropped += all.size() - delivered;
  all.resize(delivered);
  deliver(self, all);
  tell_drops(self); // after what was delivered, which came first
}

// Sends one datagram to `to` (the remote peer if null) within the limits.
void send_datagram(udp_broker* self, const detail::socket_address* to,
                   const std::string& peer, std::string payload) {
  auto& st = self->state;
  if (payload.size() > st.options.max_datagram_size) {
    report(self, {error_kind::datagram_too_large,
                  "a datagram of " + std::to_string(payload.size())
                    + " bytes exceeds max_datagram_size ("
                    + std::to_string(st.options.max_datagram_size)
                    + " bytes); not sent",
                  peer});
    return;
  }
  if (st.servant->queued_bytes() + payload.size() > st.options.send_queue_limit) {
    report(self, {error_kind::write_buffer_full,
                  "the send queue holds " + std::to_string(st.servant->queued_bytes())
                    + " bytes (send_queue_limit "
                    + std::to_string(st.options.send_queue_limit)
                    + "); datagram not sent",
                  peer});
    return;
  }
  log_event(self, direction::out, peer, payload);
  auto size = payload.size();
  auto failure = st.servant->send(to, std::move(payload));
  // A refusal reported now (ICMP) was for an earlier datagram: this one went.
  if (!failure || failure->kind == error_kind::connection_refused) {
    ++st.stats.datagrams_out;
    st.stats.bytes_out += size;
  }
  if (failure)
    report(self, std::move(*failure));
}

caf::behavior endpoint(udp_broker* self, detail::opened_udp_socket opened,
                       caf::actor subscriber, udp_options options) {
  auto& st = self->state;
  st.options = std::move(options);
  st.subscriber = std::move(subscriber);
  st.local = std::move(opened.local);
  st.remote = std::move(opened.remote);
  st.credit = st.options.read_credit;
  st.stats.id = new_connection_id();
  st.servant = detail::make_udp_servant(self, opened.fd, st.options.max_datagram_size);
  self->add_datagram_servant(st.servant);
  tell_wanted(self);
  st.servant->launch(); // a no-op if adding it launched it
  ignore_what_comes_back(self);
  self->monitor(st.subscriber);
  self->set_down_handler([self](caf::down_msg& msg) {
    if (msg.source == self->state.subscriber)
      end(self, error_kind::none, "subscriber terminated");
  });
  if (st.options.metrics)
    self->send(st.options.metrics, metrics_register_atom_v, caf::actor{self});
  log_event(self, direction::event, st.remote, "open on " + st.local);
  self->send(st.subscriber, udp_ready{st.stats.id, st.local, st.remote,
                                      caf::actor_cast<udp_endpoint_actor>(self)});
  return {
    [=](detail::udp_read_msg& msg) { on_read(self, msg); },
    [=](detail::udp_failure_msg& msg) { report(self, std::move(msg.failure)); },
    [=](send_to_atom, const std::string& peer, std::string& payload) {
      auto to = detail::parse_endpoint(peer);
      if (!to) {
        report(self, {error_kind::invalid_argument,
                      "'" + peer + "' is not a numeric address:port"
                      " (IPv6 as [address]:port); datagram not sent",
                      peer});
        return;
      }
      send_datagram(self, &*to, peer, std::move(payload));
    },
    [=](send_atom, std::string& payload) {
      if (self->state.remote.empty()) {
        report(self, {error_kind::not_connected,
                      "send needs a remote peer (udp_options::remote_host); "
                      "use send_to with an address",
                      {}});
        return;
      }
      send_datagram(self, nullptr, self->state.remote, std::move(payload));
    },
    [=](credit_atom, std::uint32_t frames) {
      self->state.credit += frames;
      tell_wanted(self);
    },
    [=](subscribe_atom, caf::actor& next) {
      if (!next)
        return;
      self->demonitor(self->state.subscriber);
      self->state.subscriber = std::move(next);
      self->monitor(self->state.subscriber);
    },
    [=](join_atom, const multicast_group& group) {
      if (auto err = detail::change_membership(self->state.servant->fd(), group, true))
        report(self, {kind_of(err), message_of(err), {}});
    },
    [=](leave_atom, const multicast_group& group) {
      if (auto err = detail::change_membership(self->state.servant->fd(), group, false))
        report(self, {kind_of(err), message_of(err), {}});
    },
    [=](stats_atom) { return current_stats(self); },
    [=](metrics_atom) { return udp_metrics(self, state_name(self->state)); },
    [=](close_atom) { end(self, error_kind::none, "closed by its owner (close_atom)"); },
  };
}

} // namespace

caf::expected<udp_endpoint> udp_open(caf::actor_system& system,
                                     const std::string& bind_address,
                                     std::uint16_t port, caf::actor subscriber,
                                     udp_options options) {
  if (!subscriber)
    return caf::make_error(error_kind::invalid_argument,
                           "udp_open needs a subscriber actor");
  auto opened = detail::open_udp_socket(bind_address, port, options);
  if (!opened)
    return opened.error();
  auto [address, bound_port] = detail::split_endpoint(opened->local);
  auto handle = system.middleman().spawn_broker(endpoint, std::move(*opened),
                                                std::move(subscriber),
                                                std::move(options));
  return udp_endpoint{caf::actor_cast<udp_endpoint_actor>(std::move(handle)),
                      std::move(address), bound_port};
}

} // namespace actors
