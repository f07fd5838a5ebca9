#pragma once

// Plain POSIX socket calls that CAF 0.17 does not offer without blocking the
// multiplexer: resolving and connecting with a timeout (run only in detached
// actors), binding a listener to a chosen address, and telling a peer's reset
// from its orderly close. Internal to libactors.

#include <chrono>
#include <cstdint>
#include <string>

#include <caf/expected.hpp>

#include "actors/error_kind.hpp"

namespace actors::detail {

/// A connected, non-blocking TCP socket and its peer's "address:port".
struct connected_socket {
  int fd = -1;
  std::string peer;
};

/// A listening, non-blocking TCP socket and the address it is bound to.
struct listening_socket {
  int fd = -1;
  std::string address;
  std::uint16_t port = 0;
};

/// Resolves `host` and connects within `timeout`. Blocks: call it only from
/// a detached actor. Errors: host_unresolved, connection_refused,
/// connect_timeout, io_failure.
caf::expected<connected_socket> connect_with_timeout(const std::string& host,
                                                std::uint16_t port,
                                                std::chrono::milliseconds timeout);

/// Binds and listens on `address:port` (port 0 picks a free one).
/// Error: listen_failed with the reason.
caf::expected<listening_socket> open_listener(const std::string& address,
                                         std::uint16_t port, int backlog);

/// Returns "address:port" of the peer of `fd`, or "?" if unknown.
std::string peer_name(int fd);

/// Makes `fd` non-blocking and disables Nagle's algorithm.
void tune_socket(int fd);

/// True if the connection behind `fd` ended with a reset rather than an
/// orderly close. Only meaningful after the peer's side has ended.
bool was_reset(int fd);

/// Shuts both directions of `fd` down; pending and later writes fail.
void shutdown_socket(int fd) noexcept;

/// Closes `fd` if it is valid and sets it to -1.
void close_socket(int& fd) noexcept;

} // namespace actors::detail
