#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <caf/meta/type_name.hpp>

#include "actors/connection_protocol.hpp"
#include "actors/error_kind.hpp"

namespace actors {

/// What a UI event reports.
enum class ui_event_kind : std::uint8_t {
  /// A connection is established; `payload` is the peer ("address:port").
  connected,
  /// A frame went in or out; `payload` is the frame, `dir` says which way.
  frame,
  /// Something went wrong; `error` and `message` say what.
  error,
  /// A connection lost its peer and retries; `count` is the next attempt.
  reconnecting,
  /// A connection is gone; `error` is the reason (none after a local close).
  disconnected,
  /// `count` events were dropped at this point because the UI fell behind.
  dropped,
  /// A message for people from any actor (app status, a log error, ...).
  message,
  /// A listener accepts peers: `payload` is its "address:port", `count` its
  /// number (peers it accepted carry that number in their `connected` event).
  listening,
  /// The program was asked to stop (SIGINT or SIGTERM; `message` names the
  /// signal): the UI closes as if the user had closed it. The UI bridge
  /// never drops this event.
  stop_requested,
};

/// The number of `ui_event_kind` values, for tables indexed by kind.
constexpr std::size_t ui_event_kind_count = 9;

// A new kind goes last; this fails until the count above follows it.
static_assert(static_cast<std::size_t>(ui_event_kind::stop_requested) + 1
                == ui_event_kind_count,
              "ui_event_kind_count must follow the last ui_event_kind");

/// Returns the stable, snake_case name of `kind` (e.g. "disconnected").
const char* to_string(ui_event_kind kind) noexcept;

/// Parses the names produced by `to_string(ui_event_kind)`.
std::optional<ui_event_kind> parse_ui_event_kind(std::string_view name) noexcept;

/// Which way a frame travelled, seen from this program.
enum class direction : std::uint8_t {
  /// Not a frame.
  none,
  /// Received from the peer.
  inbound,
  /// Sent to the peer.
  outbound,
};

/// Returns "none", "inbound" or "outbound".
const char* to_string(direction dir) noexcept;

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
  /// Which way a frame travelled; `none` for other kinds.
  direction dir = direction::none;
  /// The frame's payload (binary-safe), or the peer for `connected`.
  std::string payload;
  /// What went wrong, for `error` and `disconnected`.
  error_kind error = error_kind::none;
  /// Text for people: the error, the reason, or the message itself.
  std::string message;
  /// The number of dropped events, the reconnect attempt, or the listener
  /// (for `listening`, and for `connected` when a listener accepted the peer;
  /// 0 for connections this program opened).
  std::uint64_t count = 0;
};

/// Makes `ui_event` inspectable: CAF serializes and prints it with this.
/// @relates ui_event
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ui_event& x) {
  return f(caf::meta::type_name("ui_event"), x.kind, x.connection, x.time,
           x.dir, x.payload, x.error, x.message, x.count);
}

/// The current system-clock time as stored in `ui_event::time`.
std::chrono::nanoseconds ui_clock_now() noexcept;

/// A `message` event with `text`, for any actor that wants to tell the user
/// something. Safe to call from any thread.
ui_event make_message_event(std::string text);

/// An `error` event, optionally about one connection. Safe to call from any
/// thread.
ui_event make_error_event(error_kind kind, std::string message,
                          connection_id connection = 0);

/// A `frame` event, e.g. for a frame the program sent (`direction::outbound`).
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

} // namespace actors
