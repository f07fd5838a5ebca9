#pragma once

// A plain blocking UDP socket for tests: a peer that is not built on
// libactors, so tests see UDP endpoints from the outside.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace testing_support {

/// One datagram a `udp_peer` received and who sent it ("address:port").
struct received_datagram {
  std::string peer;
  std::string payload;
};

/// A UDP socket bound to 127.0.0.1 (or ::1) on a free port. Move-only;
/// closes on destruction.
class udp_peer {
public:
  /// Binds to `address` ("127.0.0.1" or "::1") and `port` (0: a free one);
  /// throws std::runtime_error on failure.
  explicit udp_peer(const std::string& address = "127.0.0.1", std::uint16_t port = 0);
  udp_peer(udp_peer&& other) noexcept;
  udp_peer& operator=(udp_peer&&) = delete;
  ~udp_peer();

  /// The bound port.
  std::uint16_t port() const noexcept { return port_; }

  /// Sends one datagram to `address:port`; false if the kernel refused it.
  bool send_to(std::uint16_t port, const std::string& payload,
               const std::string& address = "127.0.0.1");

  /// Receives one datagram within `timeout`.
  std::optional<received_datagram> receive(std::chrono::milliseconds timeout);

private:
  int fd_ = -1;
  int family_ = 0;
  std::uint16_t port_ = 0;
};

/// A `udp_peer` on a port whose TCP twin is free now: a server given that
/// port fails on UDP alone (other tests' connections use TCP ports too).
udp_peer udp_port_taken_tcp_free();

} // namespace testing_support
