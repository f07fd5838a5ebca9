#pragma once

// A scripted TCP client for real-mode scenarios: plain POSIX sockets (with
// TLS through libactors' memory-buffer TLS stage when asked), not a
// libactors connection, so scenarios see the app from the outside. Used only
// by the scenario's thread; every wait has a timeout. Internal to
// actors::testing.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "actors/framing.hpp"
#include "actors/tls_options.hpp"
#include "peer_arrival.hpp"

namespace actors::detail {
class tls_stage;
} // namespace actors::detail

namespace actors::testing::detail {

/// The result of `tcp_peer::flood`.
struct flood_result {
  /// Whole frames handed to the kernel (plain TCP; under TLS, frames
  /// encrypted and handed over).
  std::uint64_t sent = 0;
  /// True if TCP stopped taking data before all frames were sent.
  bool blocked = false;
};

/// A connected client. Neither copied nor moved; closes on destruction.
class tcp_peer {
public:
  /// Connects to host:port (a name or a numeric address) within `timeout`,
  /// and runs the TLS handshake when `tls.enabled`. Errors:
  /// connection_refused, connect_timeout, host_unresolved, io_failure, tls_handshake_failed,
  /// tls_error.
  static caf::expected<std::unique_ptr<tcp_peer>>
  connect(const std::string& host, std::uint16_t port, framing_options framing,
          const tls_options& tls, std::chrono::milliseconds timeout);

  ~tcp_peer();

  tcp_peer(const tcp_peer&) = delete;
  tcp_peer& operator=(const tcp_peer&) = delete;

  /// Sends one frame, waiting up to `timeout` for TCP to take it.
  caf::error send(const std::string& payload, std::chrono::milliseconds timeout);

  /// Sends frames "prefix0", "prefix1", ... until `count` are sent or TCP
  /// takes nothing for `stall`. Bytes of a frame cut short go out first on
  /// the next send.
  flood_result flood(const std::string& prefix, std::uint64_t count,
                     std::chrono::milliseconds stall);

  /// The next frame from the app, or how its sending ended, waiting up to
  /// `timeout`.
  arrival next(std::chrono::milliseconds timeout);

  /// Sends what is queued, then finishes sending (TLS close_notify, then
  /// FIN); reading goes on.
  caf::error finish(std::chrono::milliseconds timeout);

  /// Closes in an orderly way (FIN).
  void close();

  /// Closes with a reset (RST).
  void reset();

  /// True while this side may still send.
  bool can_send() const noexcept;

private:
  tcp_peer(int fd, framing_options framing);

  // Runs the TLS handshake until it is done or `deadline` passes.
  caf::error handshake(std::chrono::steady_clock::time_point deadline);

  // Queues bytes for the app: encrypted under TLS, as they are otherwise.
  caf::error queue(const std::vector<char>& plain);

  // Writes `unsent_` until done; false once TCP took nothing for `stall`.
  bool drain(std::chrono::milliseconds stall);

  // Reads once, waiting until `deadline`; false on timeout or end.
  bool read_some(std::chrono::steady_clock::time_point deadline);

  // Hands bytes read from the socket to TLS (if any) and the decoder.
  void take_in(const char* data, std::size_t size);

  int fd_ = -1;
  framing_options framing_;
  frame_decoder decoder_;
  std::unique_ptr<actors::detail::tls_stage> tls_;
  // Frames read but not consumed: at most one read's worth.
  std::deque<std::string> frames_;
  // Bytes for TCP, from unsent_pos_ on: at most one flood chunk.
  std::vector<char> unsent_;
  std::size_t unsent_pos_ = 0;
  // How the app's sending ended, once it did.
  arrival_kind end_ = arrival_kind::timeout;
  // Why the stream broke (a bad frame, a TLS failure), for `next`.
  std::string broken_;
  // True after finish, close or reset: nothing more is sent.
  bool send_done_ = false;
};

} // namespace actors::testing::detail
