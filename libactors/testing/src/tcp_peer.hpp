#pragma once

// A scripted TCP client for real-mode scenarios: plain POSIX sockets, not
// libactors, so scenarios see the app from the outside. Used only by the
// scenario's thread; every wait has a timeout. Internal to actors::testing.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "actors/framing.hpp"

namespace actors::testing::detail {

/// How a peer's connection ended, as seen by the peer.
enum class peer_end : std::uint8_t { open, closed, reset };

/// The result of `tcp_peer::flood`.
struct flood_result {
  /// Whole frames handed to the kernel.
  std::uint64_t sent = 0;
  /// True if TCP stopped taking data before all frames were sent.
  bool blocked = false;
};

/// A connected loopback client. Move-only; closes on destruction.
class tcp_peer {
public:
  /// Connects to 127.0.0.1:`port`. Errors: connection_refused, io_failure.
  static caf::expected<tcp_peer> connect(std::uint16_t port, framing_options framing);

  tcp_peer(tcp_peer&& other) noexcept;
  tcp_peer& operator=(tcp_peer&& other) noexcept;
  ~tcp_peer();

  /// Sends one frame, waiting up to `timeout` for TCP to take it.
  caf::error send(const std::string& payload, std::chrono::milliseconds timeout);

  /// Sends frames "prefix0", "prefix1", ... until `count` are sent or TCP
  /// takes nothing for `stall`. Bytes of a frame cut short go out first on
  /// the next send.
  flood_result flood(const std::string& prefix, std::uint64_t count,
                     std::chrono::milliseconds stall);

  /// The next frame from the app, if one arrives within `timeout`; sets
  /// `end` if the connection ended instead.
  std::optional<std::string> receive(std::chrono::milliseconds timeout,
                                     peer_end& end);

  /// Waits up to `timeout` for the app to end the connection, discarding
  /// frames; returns how it ended (`open` on timeout).
  peer_end await_end(std::chrono::milliseconds timeout);

  /// Closes in an orderly way (FIN).
  void close();

  /// Closes with a reset (RST).
  void reset();

  /// True until `close` or `reset`, or until the app ended the connection.
  bool is_open() const noexcept { return fd_ >= 0 && end_ == peer_end::open; }

private:
  tcp_peer(int fd, framing_options framing);

  // Writes `unsent_` until done; false once TCP took nothing for `stall`.
  bool drain(std::chrono::milliseconds stall);

  // Reads once, waiting until `deadline`; false on timeout or end.
  bool read_some(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  framing_options framing_;
  frame_decoder decoder_;
  // Frames read but not consumed: at most one read's worth.
  std::deque<std::string> frames_;
  // Encoded bytes for TCP, from unsent_pos_ on: at most one flood chunk.
  std::vector<char> unsent_;
  std::size_t unsent_pos_ = 0;
  peer_end end_ = peer_end::open;
};

} // namespace actors::testing::detail
