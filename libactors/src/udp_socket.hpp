#pragma once

// Opening a UDP socket with its options, and multicast membership: plain
// POSIX calls, none of which waits on the network (names are resolved with
// getaddrinfo, on the calling thread). Internal to libactors.

#include <cstdint>
#include <string>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "actors/udp_options.hpp"

namespace actors::detail {

/// A bound, non-blocking UDP socket.
struct opened_udp_socket {
  int fd = -1;
  /// The bound address as "address:port".
  std::string local;
  /// Connected use: the remote peer as "address:port"; empty otherwise.
  std::string remote;
};

/// Binds `bind_address:port`, applies `options` (broadcast, TTLs, multicast
/// groups, the remote peer). Errors: listen_failed naming the address,
/// host_unresolved, invalid_argument, io_failure.
caf::expected<opened_udp_socket> open_udp_socket(const std::string& bind_address,
                                                 std::uint16_t port,
                                                 const udp_options& options);

/// Joins (or leaves) `group` on socket `fd`. Errors: invalid_argument for
/// an address that is not a multicast group or an unknown interface,
/// io_failure when the kernel refuses.
caf::error change_membership(int fd, const multicast_group& group, bool join);

} // namespace actors::detail
