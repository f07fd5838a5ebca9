#pragma once

// The receive buffer the examples ask for on their UDP sockets.

#include <cstddef>

namespace examples {

/// SO_RCVBUF for the examples' UDP sockets: 4 MiB, where the system's
/// default (208 KiB on Linux) holds only about 270 small datagrams, so a
/// burst sent back to back (`seq 1 1000 | line_client --udp`) lost most of
/// itself on loopback. Linux caps it at net.core.rmem_max.
constexpr std::size_t udp_receive_buffer = 4 * 1024 * 1024;

} // namespace examples
