#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include <caf/actor.hpp>

#include "actors/framing.hpp"
#include "actors/inline_session.hpp"
#include "actors/log_protocol.hpp"
#include "actors/tls_options.hpp"

namespace actors {

/// When and how often a client connection tries again after losing its peer
/// or failing to connect. Delays grow exponentially with random jitter.
struct reconnect_policy {
  /// Off by default: a lost connection ends with `disconnected`.
  bool enabled = false;
  /// The delay before the first retry.
  std::chrono::milliseconds initial_delay{100};
  /// The largest delay between two attempts.
  std::chrono::milliseconds max_delay{10'000};
  /// Each delay is the previous one times this factor.
  double multiplier = 2.0;
  /// Each delay is varied randomly by up to this fraction (0.2 = ±20%).
  double jitter = 0.2;
  /// Gives up after this many retries in a row; 0 retries forever.
  std::uint32_t max_attempts = 0;
};

/// Everything that configures one connection actor.
struct connection_options {
  /// How the byte stream is cut into frames, and the frame size bound.
  framing_options framing;
  /// Frames the subscriber may receive before it must grant more credit
  /// (`credit_atom`). Reading stops at zero, so TCP pushes back on the peer.
  /// At most one read chunk of frames can arrive beyond the credit.
  std::uint32_t read_credit = 1024;
  /// Deliver the frames of each read as one `frames_received` event instead
  /// of one `frame_received` per frame: far fewer messages under load.
  bool batch_frames = false;
  /// Runs a session inside the connection actor (inline_session.hpp): each
  /// read's frames go to it by a plain call instead of a message to the
  /// subscriber. Empty by default.
  inline_session_factory inline_session;
  /// A log writer (log_writer.hpp), or none. When set, the connection logs
  /// every frame in and out and its connects, errors and disconnect, as
  /// records from source "conn ID".
  log_writer_actor log;
  /// A metrics registry (metrics.hpp), or none. When set, the connection
  /// registers itself, answers `metrics_atom` and hands the registry its
  /// last counters when it ends. A server registers itself with the
  /// registry of its `connection` options.
  caf::actor metrics;
  /// Largest number of bytes taken from the socket per read. Each connection
  /// starts with a read buffer of `initial_read_chunk_size` bytes and doubles
  /// it, up to this, whenever a read fills it: idle connections stay small
  /// (a read buffer never shrinks) and busy ones get large reads.
  std::size_t read_chunk_size = 64 * 1024;
  /// The read buffer of a new connection; see `read_chunk_size`.
  std::size_t initial_read_chunk_size = 2 * 1024;
  /// `send` is refused with write_buffer_full while more than this many bytes
  /// wait to be written to the socket.
  std::size_t write_high_water = 4 * 1024 * 1024;
  /// Resolving plus connecting must finish within this time.
  std::chrono::milliseconds connect_timeout{5'000};
  /// `close_atom` waits at most this long for queued bytes to be written,
  /// then aborts: a peer that stopped reading cannot hold a close forever.
  std::chrono::milliseconds close_timeout{2'000};
  /// After the peer finished sending (`peer_finished`), the connection
  /// closes itself (flushing what is queued) if its subscriber has not
  /// closed it within this time, so half-open sockets cannot pile up; zero
  /// waits forever.
  std::chrono::milliseconds finish_timeout{10'000};
  /// Closes the connection after this long without receiving anything;
  /// zero disables the check.
  std::chrono::milliseconds idle_timeout{0};
  /// Client connections only: what happens after the peer is lost.
  reconnect_policy reconnect;
  /// TLS on this connection; off by default (see tls_options.hpp).
  tls_options tls;
  /// Client connections only: the connection's id, from
  /// `new_connection_id()`, to know it before the first event; 0 (the
  /// default) takes a new one. A server gives each accepted connection a
  /// new one whatever this says.
  connection_id id = 0;
};

} // namespace actors
