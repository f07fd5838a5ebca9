#pragma once

#include <cstdint>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/expected.hpp>

#include "actors/udp_options.hpp"
#include "actors/udp_protocol.hpp"

namespace actors {

/// An open UDP endpoint.
struct udp_endpoint {
  /// The endpoint actor; send commands here (see `udp_endpoint_actor`).
  udp_endpoint_actor handle;
  /// The bound address, e.g. "127.0.0.1".
  std::string address;
  /// The bound port (the real one when 0 was requested).
  std::uint16_t port = 0;
};

/// Opens a UDP socket bound to `bind_address:port` (port 0 picks a free
/// one) and returns its endpoint actor, one actor per socket.
///
/// The subscriber receives, in order: `udp_ready` (the bound address), then
/// `datagram_received` for each datagram (one unit of read credit each; or
/// `datagrams_received` per read with `batch_datagrams`), `udp_error` for
/// every problem (the endpoint goes on), and exactly one `udp_closed` as the
/// last event, after which the actor exits. UDP has no push-back: what
/// arrives without credit is dropped and counted (`udp_stats::dropped`,
/// and `dropped_by_kernel` for what the socket's buffer could not hold),
/// and the subscriber hears of it by a `udp_error` (limit_reached, with the
/// counts) at most once a second: grant credit sooner, or raise
/// `udp_options::receive_buffer_size`.
///
/// An empty `bind_address` binds the wildcard address of the remote peer's
/// family (IPv4 without one). Names are resolved on the calling thread: pass
/// numeric addresses where that must not wait. Reading and writing run in
/// CAF's multiplexer and never block it. The endpoint closes if its
/// subscriber terminates.
/// Errors: listen_failed (binding, naming the address), host_unresolved
/// (the remote peer), invalid_argument (an option out of range, a group
/// that is not multicast), io_failure.
///
/// A responder that answers each datagram to its sender. The events carry
/// no handle: keep the one from `udp_ready`. Each datagram uses one unit of
/// credit, so grant it back, or the endpoint goes deaf after `read_credit`
/// (1024) datagrams, dropping and counting the rest (and saying so):
///
///     auto responder = system.spawn([](caf::event_based_actor* self) {
///       auto endpoint = std::make_shared<actors::udp_endpoint_actor>();
///       return caf::behavior{
///         [=](const actors::udp_ready& ready) { *endpoint = ready.handle; },
///         [=](actors::datagram_received& d) {
///           self->send(*endpoint, actors::send_to_atom_v, d.peer, "got " + d.payload);
///           self->send(*endpoint, actors::credit_atom_v, std::uint32_t{1});
///         },
///         [](const actors::udp_error&) {},
///         [](const actors::udp_closed&) {},
///       };
///     });
///     auto opened = actors::udp_open(system, "127.0.0.1", 9999, responder);
caf::expected<udp_endpoint> udp_open(caf::actor_system& system,
                                     const std::string& bind_address,
                                     std::uint16_t port, caf::actor subscriber,
                                     udp_options options = {});

} // namespace actors
