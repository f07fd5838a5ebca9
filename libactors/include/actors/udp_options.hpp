#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <caf/actor.hpp>

#include "actors/log_protocol.hpp"

namespace actors {

/// A multicast group to join (IPv4 or IPv6) and the interface to join it on.
struct multicast_group {
  /// The group's address, e.g. "239.1.2.3" or "ff02::1:3".
  std::string group;
  /// The interface: a name ("eth0", "lo"), an address of it ("192.0.2.7"),
  /// or empty for the system's choice (IPv4) or the default (IPv6).
  std::string interface;
};

/// Everything that configures one UDP endpoint (`udp_open`).
struct udp_options {
  /// Datagrams larger than this are refused when sending and dropped (and
  /// counted, with a `datagram_too_large` error) when received. 65,507 is
  /// the most an IPv4 datagram can carry.
  std::size_t max_datagram_size = 65'507;
  /// Datagrams the subscriber may receive before it must grant more credit
  /// (`credit_atom`). UDP has no push-back: datagrams that arrive without
  /// credit are read and dropped, and `udp_stats::dropped` counts them.
  std::uint32_t read_credit = 1024;
  /// Deliver the datagrams of each read as one `datagrams_received` event
  /// instead of one `datagram_received` each: far fewer messages under load.
  bool batch_datagrams = false;
  /// The socket's receive buffer in bytes (SO_RCVBUF), which absorbs bursts
  /// the endpoint has not read yet; what overflows it the kernel drops and
  /// `udp_stats::dropped_by_kernel` counts. 0 keeps the system's default.
  /// Linux caps it at net.core.rmem_max (212,992 bytes unless raised).
  std::size_t receive_buffer_size = 0;
  /// `send_to` is refused with write_buffer_full while more than this many
  /// payload bytes wait for the socket.
  std::size_t send_queue_limit = 4 * 1024 * 1024;
  /// Connected use: the one peer (host name or address) this endpoint talks
  /// to, with `remote_port`. Then `send_atom` sends to it, only its
  /// datagrams arrive, and an ICMP "port unreachable" from it arrives as a
  /// `connection_refused` error. Empty: talk to anyone with `send_to_atom`.
  std::string remote_host;
  /// The remote peer's port (connected use).
  std::uint16_t remote_port = 0;
  /// Allow sending to broadcast addresses (SO_BROADCAST).
  bool broadcast = false;
  /// Groups joined when the endpoint opens; `join_atom` joins more later.
  std::vector<multicast_group> multicast_groups;
  /// Time to live (IPv4) or hop limit (IPv6) of unicast datagrams; 0 keeps
  /// the system's default.
  int ttl = 0;
  /// Time to live or hop limit of multicast datagrams sent (1 by default:
  /// the local network; 0 keeps them on this host).
  int multicast_ttl = 1;
  /// Whether multicast datagrams we send are also delivered to this host's
  /// members of the group (ours included).
  bool multicast_loop = true;
  /// The interface that multicast datagrams leave by (a name or an address
  /// of it); empty for the system's choice.
  std::string multicast_interface;
  /// A log writer (log_writer.hpp), or none. When set, the endpoint logs
  /// every datagram in and out, and its errors, as records from source
  /// "udp ID".
  log_writer_actor log;
  /// A metrics registry (metrics.hpp), or none. When set, the endpoint
  /// registers itself as kind "udp", answers `metrics_atom` and hands the
  /// registry its last counters when it closes.
  caf::actor metrics;
};

} // namespace actors
