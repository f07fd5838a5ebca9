#pragma once

// What a real-mode peer receives next: a frame, the end of the app's
// sending, or nothing in time. Internal to actors::testing.

#include <cstdint>
#include <string>

namespace actors::testing::detail {

/// What arrived.
enum class arrival_kind : std::uint8_t {
  /// A frame (`arrival::frame`).
  frame,
  /// The app finished sending (FIN or TLS close_notify).
  finished,
  /// The app reset the connection.
  reset,
  /// The stream broke: a frame too large, a TLS failure (`arrival::frame`
  /// says why).
  broken,
  /// Nothing arrived in time.
  timeout,
};

/// One arrival at a peer.
struct arrival {
  arrival_kind what = arrival_kind::timeout;
  /// The frame, or why the stream broke.
  std::string frame;
};

/// For messages: "frame \"x\"", "the end of the stream (FIN)", ...
std::string describe_arrival(const arrival& x);

} // namespace actors::testing::detail
