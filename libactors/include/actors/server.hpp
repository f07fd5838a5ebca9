#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include <caf/actor.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/connection_options.hpp"
#include "actors/connection_protocol.hpp"
#include "actors/error_kind.hpp"

namespace actors {

/// Everything that configures a listening server.
struct server_options {
  /// The local address to bind; loopback unless you ask for more.
  std::string bind_address = "127.0.0.1";
  /// The port to listen on; 0 picks a free one (see `server::port`).
  std::uint16_t port = 0;
  /// Peers beyond this many open connections are closed at once and
  /// reported to the observer as `peer_refused`. `listen` also grows the
  /// process's descriptor table to hold this many (up to the descriptor
  /// limit and 65,536), so that no `accept` waits for the kernel to grow it
  /// (10-15 ms each time in a process with threads).
  std::size_t max_connections = 1024;
  /// Written to a peer refused for `max_connections` before its connection
  /// closes, so that it learns why (an HTTP server's 503, a line
  /// protocol's "error: server full"). Empty: it is closed at once. A TLS
  /// server never writes it: it would reach the peer in the clear.
  std::string refusal_message;
  /// Connections the kernel completes and queues before we accept them
  /// (listen's backlog; Linux caps it at net.core.somaxconn, 4096 by
  /// default). Too small a queue drops the SYNs of a burst of connects,
  /// whose clients then wait a second to retry: 128 made accepting 1,000
  /// clients at once take a second.
  int backlog = 4096;
  /// After `close_atom`, connections still flushing after this long are
  /// aborted, so a server stops promptly even with stuck peers.
  std::chrono::milliseconds shutdown_grace{500};
  /// Options for every accepted connection (reconnect does not apply).
  connection_options connection;
  /// Receives server events (`peer_refused`); may be empty.
  caf::actor observer;
};

/// Chooses the subscriber for a newly accepted connection actor. It runs
/// inside the server's broker: return quickly (spawning an actor is fine).
/// Returning an invalid actor refuses the peer (its connection is aborted).
using session_factory
  = std::function<caf::actor(const connection_actor& connection)>;

/// A handle to a server's acceptor. Its command is `close_atom`: stop
/// accepting and close every connection it accepted (aborting those still
/// flushing after `shutdown_grace`); it exits when they are gone. It
/// answers `stats_atom` with its `server_stats` and `metrics_atom`. Like a
/// connection, the acceptor is a CAF broker, dynamically typed inside, and
/// this is the typed view of it that `listen` hands out.
using server_actor = caf::typed_actor<caf::reacts_to<close_atom>,
                                      caf::replies_to<stats_atom>::with<server_stats>,
                                      caf::replies_to<metrics_atom>::with<actor_metrics>>;

/// A listening server.
struct server {
  /// The acceptor actor; send it `close_atom` to stop (see `server_actor`).
  server_actor acceptor;
  /// The bound address, e.g. "127.0.0.1".
  std::string address;
  /// The bound port (the real one when 0 was requested).
  std::uint16_t port = 0;
};

/// Binds and listens, then accepts peers in an acceptor actor: each accepted
/// peer gets its own connection actor, whose subscriber `make_session`
/// returns; that subscriber then receives the events documented in
/// connection.hpp, starting with `connected`.
/// Binding happens on the calling thread (it does not wait for peers).
/// Errors: listen_failed, invalid_argument. Safe to call from any thread
/// except a broker's handler.
caf::expected<server> listen(caf::actor_system& system, server_options options,
                        session_factory make_session);

/// Like `listen`, with one subscriber shared by all connections. It may
/// not be empty: with `connection.inline_session` it still gets every event
/// but the frames (`connected`, errors, `disconnected`). One that ignores
/// them all:
///
///     auto ignore = system.spawn([](caf::event_based_actor* self) {
///       self->set_default_handler(caf::drop);
///       return caf::behavior{[](const actors::disconnected&) {}};
///     });
///
/// Connections do not mind events dropped so.
caf::expected<server> listen(caf::actor_system& system, server_options options,
                        caf::actor subscriber);

/// Like `listen`, for connections whose inline session
/// (`options.connection.inline_session`) is all they need: their other
/// events (`connected`, errors, `disconnected`) go to an actor that drops
/// them and ends with the server. Refused peers still reach
/// `options.observer`; to see a connection's errors (a session that threw),
/// pass a subscriber instead. Errors as above, and invalid_argument without
/// an inline session.
caf::expected<server> listen(caf::actor_system& system, server_options options);

} // namespace actors
