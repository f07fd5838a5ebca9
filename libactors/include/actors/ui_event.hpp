#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <caf/meta/type_name.hpp>

#include "actors/connection_protocol.hpp"
#include "actors/udp_protocol.hpp"
#include "actors/direction.hpp"
#include "actors/error_kind.hpp"
#include "actors/wall_clock.hpp"

namespace actors {

/// Numbers a program's listeners 1, 2, ... (0: no listener).
using listener_id = std::uint64_t;

/// What a UI event reports.
enum class ui_event_kind : std::uint8_t {
  /// A connection is established; `address` is the peer ("address:port"),
  /// `message` says so ("connected to 127.0.0.1:7000", with TLS its version
  /// and cipher in parentheses).
  connected,
  /// A frame went in or out; `payload` is the frame, `dir` says which way.
  frame,
  /// Something went wrong; `error` and `message` say what.
  error,
  /// A connection lost its peer and retries; `attempt` is the next attempt.
  reconnecting,
  /// A connection is gone; `error` is the reason (none after a local close).
  disconnected,
  /// `dropped` events were dropped at this point because the UI fell behind.
  dropped,
  /// A message for people from any actor (app status, a log error, ...).
  message,
  /// A listener accepts peers: `address` is its "address:port", `listener`
  /// its number (peers it accepted carry that number in their `connected`).
  listening,
  /// The program was asked to stop (SIGINT or SIGTERM; `message` names the
  /// signal): the UI closes as if the user had closed it. The UI bridge
  /// never drops this event.
  stop_requested,
  /// A connection's peer finished sending (half-closed); `message` says so.
  /// The UI bridge then closes that connection (flushing what is queued),
  /// so `disconnected` follows.
  peer_finished,
  /// A UDP endpoint is open (nothing connects over UDP; datagrams may come
  /// and go): `address` is "udp://ADDRESS:PORT", its remote or else its
  /// local address, and `message` says so ("UDP on ...", "UDP to ... from ...").
  opened,
};

/// The number of `ui_event_kind` values, for tables indexed by kind.
constexpr std::size_t ui_event_kind_count = 11;

// A new kind goes last; this fails until the count above follows it.
static_assert(static_cast<std::size_t>(ui_event_kind::opened) + 1
                == ui_event_kind_count,
              "ui_event_kind_count must follow the last ui_event_kind");

/// Returns the stable, snake_case name of `kind` (e.g. "disconnected").
const char* to_string(ui_event_kind kind) noexcept;

/// Parses the names produced by `to_string(ui_event_kind)`.
std::optional<ui_event_kind> parse_ui_event_kind(std::string_view name) noexcept;

/// One thing for the UI to show. It carries values only (ids, numbers,
/// strings), never a pointer or reference into an actor or a widget, so it
/// can cross into the UI thread and live there as long as the UI likes.
struct ui_event {
  /// What happened; says which of the other fields are meaningful.
  ui_event_kind kind = ui_event_kind::message;
  /// The connection concerned; 0 when none.
  connection_id connection = 0;
  /// When it happened: system-clock time since the UNIX epoch. Zero means
  /// "now": the UI bridge stamps such events when they arrive.
  std::chrono::nanoseconds time{0};
  /// `frame`: which way it travelled; `event` for every other kind.
  direction dir = direction::event;
  /// `frame`: its payload (binary-safe).
  std::string payload;
  /// `connected`: the peer's "address:port" (a UDP endpoint's:
  /// "udp://address:port", its remote peer or else its own address);
  /// `listening`: the listener's own; `error` about a peer a server refused
  /// or a datagram: that peer's; `frame` of a UDP endpoint: the datagram's
  /// peer (empty for TCP).
  std::string address;
  /// `listening`: the listener's number (1, 2, ...); `connected`: the number
  /// of the listener that accepted the peer, 0 for connections this program
  /// opened.
  listener_id listener = 0;
  /// `reconnecting`: which attempt comes next (1 for the first retry).
  std::uint32_t attempt = 0;
  /// `dropped`: how many events the bridge dropped at this point.
  std::uint64_t dropped = 0;
  /// `connected` over TLS: protocol version and cipher suite
  /// ("TLSv1.3 TLS_AES_256_GCM_SHA384"); empty for plain TCP.
  std::string tls;
  /// `error` and `disconnected`: what went wrong (none after a local close).
  error_kind error = error_kind::none;
  /// Text for people: the error, the reason, or the message itself.
  std::string message;
};

/// Makes `ui_event` inspectable: CAF serializes and prints it with this.
/// @relates ui_event
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ui_event& x) {
  return f(caf::meta::type_name("ui_event"), x.kind, x.connection, x.time,
           x.dir, x.payload, x.address, x.listener, x.attempt, x.dropped,
           x.tls, x.error, x.message);
}

/// A `message` event with `text`, for any actor that wants to tell the user
/// something. Safe to call from any thread.
ui_event make_message_event(std::string text);

/// An `error` event, optionally about one connection. Safe to call from any
/// thread.
ui_event make_error_event(error_kind kind, std::string message,
                          connection_id connection = 0);

/// A `frame` event, e.g. for a frame the program sent (`direction::out`).
/// Safe to call from any thread.
ui_event make_frame_event(connection_id connection, direction dir,
                          std::string payload);

/// The UI event for a connection event: what the UI bridge posts for it.
/// Stamped with the current time. Safe to call from any thread.
ui_event to_ui_event(connected event);

/// @copydoc to_ui_event(connected)
ui_event to_ui_event(frame_received event);

/// @copydoc to_ui_event(connected)
ui_event to_ui_event(connection_error event);

/// @copydoc to_ui_event(connected)
ui_event to_ui_event(reconnecting event);

/// @copydoc to_ui_event(connected)
ui_event to_ui_event(disconnected event);

/// @copydoc to_ui_event(connected)
ui_event to_ui_event(peer_refused event);

/// @copydoc to_ui_event(connected)
ui_event to_ui_event(peer_finished event);

/// The UI event for a UDP endpoint's event: `udp_ready` is a `connected`
/// event (with "udp://" before the address and a message saying what it
/// is), a datagram is a `frame` whose `address` is its peer, `udp_error` an
/// `error`, `udp_closed` a `disconnected`. Stamped with the current time.
/// Safe to call from any thread.
ui_event to_ui_event(udp_ready event);

/// @copydoc to_ui_event(udp_ready)
ui_event to_ui_event(datagram event, udp_endpoint_id id, direction dir);

/// @copydoc to_ui_event(udp_ready)
ui_event to_ui_event(udp_error event);

/// @copydoc to_ui_event(udp_ready)
ui_event to_ui_event(udp_closed event);

} // namespace actors
