#pragma once

// A plain blocking TCP client for tests: a peer that is not built on
// libactors, so tests see our actors from the outside.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace testing_support {

/// How long a call in tests/support waits at most unless told otherwise: a
/// test whose peer stopped reading or writing fails instead of hanging.
constexpr std::chrono::milliseconds io_timeout{30'000};

/// The result of `raw_socket::write_draining`.
struct drained_write {
  /// Bytes the kernel took.
  std::size_t written = 0;
  /// Bytes read (and discarded) meanwhile.
  std::size_t read = 0;
  /// True if every byte was written.
  bool complete = false;
  /// True if the peer closed or reset the connection first (false after a
  /// write that ended at its deadline).
  bool closed_by_peer = false;
};

/// A loopback client socket whose every call has a deadline. Move-only; closes on destruction.
class raw_socket {
public:
  /// Connects to 127.0.0.1:port within `timeout`; throws
  /// std::runtime_error on failure.
  explicit raw_socket(std::uint16_t port, std::chrono::milliseconds timeout = io_timeout);
  raw_socket(raw_socket&& other) noexcept;
  raw_socket& operator=(raw_socket&&) = delete;
  ~raw_socket();

  /// Writes all of `bytes` within `timeout`; returns false if the peer is
  /// gone or stopped taking bytes (TCP pushed back) until the deadline.
  bool write_all(const std::string& bytes, std::chrono::milliseconds timeout = io_timeout);

  /// Writes all of `bytes` within `timeout` while reading and discarding
  /// what the peer sends meanwhile, so a peer that answers (an echo) cannot
  /// block both sides once the socket buffers are full.
  drained_write write_draining(const std::string& bytes,
                               std::chrono::milliseconds timeout = io_timeout);

  /// Reads until `count` bytes arrived or `timeout` passed; returns them.
  std::string read_exactly(std::size_t count, std::chrono::milliseconds timeout);

  /// Reads lines until `count` arrived or `timeout` passed.
  std::string read_lines(std::size_t count, std::chrono::milliseconds timeout);

  /// Reads until the text read so far contains `needle`, or `timeout`
  /// passed; returns everything read.
  std::string read_until(const std::string& needle,
                         std::chrono::milliseconds timeout);

  /// True if the peer closed (read returns 0 or an error) within `timeout`.
  bool closed_by_peer(std::chrono::milliseconds timeout);

  /// Half-closes: sends a FIN (shutdown SHUT_WR); reading goes on.
  void finish();

  /// Sends an RST instead of a FIN: SO_LINGER 0, then close.
  void reset();

  /// The file descriptor (for tests that need non-blocking writes).
  int fd() const noexcept { return fd_; }

private:
  int fd_ = -1;
};

/// A listener whose backlog is full and that never accepts: connecting to
/// it hangs until the client's timeout.
class saturated_listener {
public:
  saturated_listener();
  ~saturated_listener();
  saturated_listener(const saturated_listener&) = delete;
  saturated_listener& operator=(const saturated_listener&) = delete;

  /// The port to connect to.
  std::uint16_t port() const noexcept { return port_; }

private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
  int filler_ = -1;
};

/// Writes 64-byte lines, up to `limit` bytes without blocking, until the socket accepted
/// nothing for `stall`. Returns how many bytes the kernel took.
std::size_t flood(raw_socket& sock, std::size_t limit,
                  std::chrono::milliseconds stall);

/// A port on 127.0.0.1 that refuses connections for as long as this object
/// lives: a socket bound to port 0 (the kernel picks a free port) that never
/// listens, so nothing else can take the port meanwhile.
class refused_port {
public:
  refused_port();
  ~refused_port();
  refused_port(const refused_port&) = delete;
  refused_port& operator=(const refused_port&) = delete;

  /// The port; connecting to it is refused.
  std::uint16_t port() const noexcept { return port_; }

private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

/// The resident set size of this process in bytes (from /proc/self/statm).
std::size_t resident_memory();

} // namespace testing_support
