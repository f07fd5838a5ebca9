#pragma once

// The message vocabulary of UDP endpoints (udp.hpp): what you can send them
// (commands) and what they send their subscriber (events).

#include <cstdint>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/type_id.hpp>
#include <caf/typed_actor.hpp>

#include "actors/connection_protocol.hpp"
#include "actors/error_kind.hpp"
#include "actors/metrics.hpp"
#include "actors/udp_options.hpp"

namespace actors {

/// Identifies a UDP endpoint for its whole life.
using udp_endpoint_id = std::uint64_t;

/// One datagram and who sent it.
struct datagram {
  /// The sender as "address:port" ("[address]:port" for IPv6): pass it to
  /// `send_to_atom` to answer.
  std::string peer;
  /// The payload, binary-safe.
  std::string payload;
};

/// Counters of one UDP endpoint.
struct udp_stats {
  /// The endpoint's id.
  udp_endpoint_id id = 0;
  /// Datagrams delivered to the subscriber.
  std::uint64_t datagrams_in = 0;
  /// Payload bytes delivered to the subscriber.
  std::uint64_t bytes_in = 0;
  /// Datagrams handed to the socket.
  std::uint64_t datagrams_out = 0;
  /// Payload bytes handed to the socket.
  std::uint64_t bytes_out = 0;
  /// Datagrams read while the subscriber had no credit, and dropped.
  std::uint64_t dropped = 0;
  /// Datagrams the kernel dropped because the socket's receive buffer was
  /// full (SO_RXQ_OVFL), as far as it reported them with a later datagram.
  std::uint64_t dropped_by_kernel = 0;
  /// Datagrams received larger than `max_datagram_size`, and dropped.
  std::uint64_t too_large = 0;
  /// Payload bytes waiting for the socket.
  std::uint64_t queued_bytes = 0;
};

struct udp_ready;
struct datagram_received;
struct datagrams_received;
struct udp_error;
struct udp_closed;

} // namespace actors

CAF_BEGIN_TYPE_ID_BLOCK(actors_udp, caf::first_custom_type_id + 400)

  CAF_ADD_TYPE_ID(actors_udp, (actors::udp_ready))
  CAF_ADD_TYPE_ID(actors_udp, (actors::datagram))
  CAF_ADD_TYPE_ID(actors_udp, (actors::datagram_received))
  CAF_ADD_TYPE_ID(actors_udp, (actors::datagrams_received))
  CAF_ADD_TYPE_ID(actors_udp, (actors::udp_error))
  CAF_ADD_TYPE_ID(actors_udp, (actors::udp_closed))
  CAF_ADD_TYPE_ID(actors_udp, (actors::udp_stats))
  CAF_ADD_TYPE_ID(actors_udp, (actors::multicast_group))

  /// Command: send one datagram to a peer
  /// (`send_to_atom, std::string peer, std::string payload`); the peer is a
  /// numeric "address:port" or "[IPv6 address]:port".
  CAF_ADD_ATOM(actors_udp, actors, send_to_atom, "send_to")
  /// Command: join a multicast group (`join_atom, multicast_group`).
  CAF_ADD_ATOM(actors_udp, actors, join_atom, "join")
  /// Command: leave a multicast group (`leave_atom, multicast_group`).
  CAF_ADD_ATOM(actors_udp, actors, leave_atom, "leave")

CAF_END_TYPE_ID_BLOCK(actors_udp)

namespace actors {

/// A handle to a UDP endpoint actor, checked by the compiler at each send:
/// - `send_to_atom, peer, payload`: one datagram to that peer;
/// - `send_atom, payload`: one datagram to the remote peer (connected use);
/// - `close_atom`: send what is queued, then close (`udp_closed` follows);
/// - `credit_atom, n`: the subscriber may receive n more datagrams;
/// - `subscribe_atom, actor`: route events to another actor;
/// - `join_atom` / `leave_atom, multicast_group`;
/// - `stats_atom`: replies the current `udp_stats`;
/// - `metrics_atom`: replies its `actor_metrics` (kind "udp").
/// Problems with a command arrive as `udp_error` events; the endpoint stays.
using udp_endpoint_actor = caf::typed_actor<
  caf::reacts_to<send_to_atom, std::string, std::string>,
  caf::reacts_to<send_atom, std::string>,
  caf::reacts_to<close_atom>,
  caf::reacts_to<credit_atom, std::uint32_t>,
  caf::reacts_to<subscribe_atom, caf::actor>,
  caf::reacts_to<join_atom, multicast_group>,
  caf::reacts_to<leave_atom, multicast_group>,
  caf::replies_to<stats_atom>::with<udp_stats>,
  caf::replies_to<metrics_atom>::with<actor_metrics>>;

/// Event: the endpoint is open; the first event it sends.
struct udp_ready {
  /// The endpoint's id.
  udp_endpoint_id id = 0;
  /// The bound local address as "address:port" (the real port when 0 was
  /// asked for).
  std::string local;
  /// Connected use: the remote peer as "address:port"; empty otherwise.
  std::string remote;
  /// The endpoint actor; send commands here.
  udp_endpoint_actor handle;
};

/// Event: one datagram arrived. Consumes one unit of read credit.
struct datagram_received {
  /// The endpoint's id.
  udp_endpoint_id id = 0;
  /// The sender as "address:port".
  std::string peer;
  /// The payload, binary-safe.
  std::string payload;
};

/// Event: the datagrams of one read, with `udp_options::batch_datagrams`.
/// Consumes one unit of read credit per datagram.
struct datagrams_received {
  /// The endpoint's id.
  udp_endpoint_id id = 0;
  /// The datagrams, in arrival order.
  std::vector<datagram> datagrams;
};

/// Event: something went wrong with one datagram or command; the endpoint
/// goes on. Kinds: datagram_too_large, write_buffer_full, invalid_argument,
/// not_connected, connection_refused (connected use: the peer's port is
/// closed), io_failure.
struct udp_error {
  /// The endpoint's id.
  udp_endpoint_id id = 0;
  /// What went wrong, for programs.
  error_kind kind = error_kind::none;
  /// What went wrong, for people.
  std::string message;
  /// The peer involved ("address:port"), if any.
  std::string peer;
};

/// Event: the endpoint is closed; the actor exits after this.
struct udp_closed {
  /// The endpoint's id.
  udp_endpoint_id id = 0;
  /// Why: none after `close_atom`, another kind after a failure.
  error_kind reason = error_kind::none;
  /// Why, for people.
  std::string message;
  /// The final counters.
  udp_stats stats;
};

/// Makes `multicast_group` inspectable: CAF serializes and prints it with this.
/// @relates multicast_group
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, multicast_group& x) {
  return f(caf::meta::type_name("multicast_group"), x.group, x.interface);
}

/// Makes `datagram` inspectable: CAF serializes and prints it with this.
/// @relates datagram
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, datagram& x) {
  return f(caf::meta::type_name("datagram"), x.peer, x.payload);
}

/// Makes `udp_stats` inspectable: CAF serializes and prints it with this.
/// @relates udp_stats
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, udp_stats& x) {
  return f(caf::meta::type_name("udp_stats"), x.id, x.datagrams_in, x.bytes_in,
           x.datagrams_out, x.bytes_out, x.dropped, x.dropped_by_kernel,
           x.too_large, x.queued_bytes);
}

/// Makes `udp_ready` inspectable: CAF serializes and prints it with this.
/// @relates udp_ready
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, udp_ready& x) {
  return f(caf::meta::type_name("udp_ready"), x.id, x.local, x.remote, x.handle);
}

/// Makes `datagram_received` inspectable: CAF serializes and prints it with this.
/// @relates datagram_received
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, datagram_received& x) {
  return f(caf::meta::type_name("datagram_received"), x.id, x.peer, x.payload);
}

/// Makes `datagrams_received` inspectable: CAF serializes and prints it with this.
/// @relates datagrams_received
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, datagrams_received& x) {
  return f(caf::meta::type_name("datagrams_received"), x.id, x.datagrams);
}

/// Makes `udp_error` inspectable: CAF serializes and prints it with this.
/// @relates udp_error
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, udp_error& x) {
  return f(caf::meta::type_name("udp_error"), x.id, x.kind, x.message, x.peer);
}

/// Makes `udp_closed` inspectable: CAF serializes and prints it with this.
/// @relates udp_closed
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, udp_closed& x) {
  return f(caf::meta::type_name("udp_closed"), x.id, x.reason, x.message,
           x.stats);
}

} // namespace actors
