#pragma once

#include <cstdint>

namespace actors {

/// Which way data went, seen from this program, or that it was no data but
/// an event (a state change, an error, a note). Log records and UI events
/// both carry one.
enum class direction : std::uint8_t {
  /// Received from a peer.
  in,
  /// Sent to a peer.
  out,
  /// Not a frame: anything else.
  event,
};

/// Returns "in", "out" or "event" (the log file's DIRECTION field).
const char* to_string(direction dir) noexcept;

} // namespace actors
