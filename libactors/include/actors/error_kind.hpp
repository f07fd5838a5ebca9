#pragma once

#include <cstdint>
#include <string>

#include <caf/error.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>
#include <caf/fwd.hpp>

namespace actors {

/// What went wrong, as a value a program can switch on. Every error event and
/// every failed operation in libactors carries one of these plus a message.
enum class error_kind : std::uint8_t {
  none = 0,
  /// A frame, or a frame's declared length, exceeds `max_frame_size`.
  frame_too_large,
  /// Input that the framing cannot decode, or a payload it cannot encode.
  malformed_frame,
  /// The decoder failed earlier and refuses input until `reset()`.
  decoder_failed,
  /// The peer actively refused the TCP connection.
  connection_refused,
  /// The host name did not resolve to any address.
  host_unresolved,
  /// Connecting took longer than `connect_timeout`.
  connect_timeout,
  /// Nothing was received for longer than `idle_timeout`.
  idle_timeout,
  /// The peer reset the connection (TCP RST).
  peer_reset,
  /// The peer closed the connection in an orderly way, or finished sending
  /// (`peer_finished`) before we closed.
  peer_closed,
  /// A command needs an established connection, and there is none (yet).
  not_connected,
  /// A `send` would push the write queue past `write_high_water`.
  write_buffer_full,
  /// The server refused a peer because `max_connections` was reached.
  too_many_connections,
  /// Binding or listening on a local address failed.
  listen_failed,
  /// A file could not be opened, written, synced or rotated.
  io_failure,
  /// An argument or option is out of its valid range.
  invalid_argument,
  /// The peer finished sending in the middle of a length-prefixed frame:
  /// the partial frame was not delivered. (With line framing, a last line
  /// without its delimiter is delivered as a frame.)
  truncated_frame,
  /// The TLS handshake failed: the peer's certificate did not verify, the
  /// peer does not speak TLS, the handshake timed out, ...
  tls_handshake_failed,
  /// TLS failed after the handshake (a corrupt record, a bad alert), or
  /// TLS could not be set up (a certificate or key file that does not load).
  tls_error,
  /// A datagram exceeds `udp_options::max_datagram_size` (or what UDP can
  /// carry): refused when sending, dropped and counted when receiving.
  datagram_too_large,
  /// A configured limit (of rooms, entries, ...) is reached; for
  /// connections, see too_many_connections.
  limit_reached,
  /// An inline session threw an exception: the connection it served ended
  /// (the message names the exception).
  session_failed,
  /// An error of another category (CAF's own, e.g. a request timeout):
  /// what `kind_of` says of an error that is not ours.
  other,
};


/// Returns the stable, snake_case name of `kind` (e.g. "frame_too_large").
const char* to_string(error_kind kind) noexcept;

/// The CAF error category of `error_kind`: `caf::make_error(kind, message)`
/// makes a `caf::error` with this category, the kind as its code and the
/// message (one sentence for people, naming the values involved) as its
/// context. Every failed operation and reply in libactors is such an error.
inline constexpr caf::atom_value error_category = caf::atom("actors");

/// The kind of `err`: `none` for no error, `other` for another category.
error_kind kind_of(const caf::error& err) noexcept;

/// The sentence for people that `err` carries; for errors of other
/// categories, CAF's rendering of it.
std::string message_of(const caf::error& err);

/// "kind: message", e.g. "listen_failed: cannot bind 127.0.0.1:80 (...)".
std::string describe(const caf::error& err);

/// Registers the category with CAF, so `actor_system::render` names our
/// kinds. `actors::system_config` does this already.
void add_error_category(caf::actor_system_config& cfg);

} // namespace actors

CAF_ERROR_CODE_ENUM(actors::error_kind, "actors")
