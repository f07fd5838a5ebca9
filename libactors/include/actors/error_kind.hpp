#pragma once

#include <cstdint>
#include <string>

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
  /// The peer closed the connection in an orderly way.
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
};

/// Returns the stable, snake_case name of `kind` (e.g. "frame_too_large").
const char* to_string(error_kind kind) noexcept;

/// An error as a value: a kind to switch on and a message for a person.
struct error_info {
  /// What went wrong.
  error_kind kind = error_kind::none;
  /// A human-readable explanation, including the values involved.
  std::string message;
};

/// Renders an error as "kind: message".
std::string to_string(const error_info& err);

} // namespace actors
