#pragma once

// The connection actor: one CAF broker per TCP connection. Internal; the
// public entry points are connect() (connection.hpp) and listen() (server.hpp).

#include <chrono>
#include <cstdint>
#include <memory>
#include <string_view>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <caf/type_id.hpp>
#include <caf/io/broker.hpp>
#include <caf/io/connection_handle.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/connection_options.hpp"
#include "actors/connection_protocol.hpp"
#include "actors/framing.hpp"
#include "tcp_scribe.hpp"
#include "tls_context.hpp"

namespace actors::detail {

/// Where reading stands on the current socket. Reading runs until the
/// connection halts it (credit ran out); our scribe (tcp_scribe.hpp) applies
/// a halt at once, even inside a read, and takes a trigger in the same
/// multiplexer iteration. `configure_read` waits until there is credit.
enum class read_state : std::uint8_t {
  /// No socket yet, or `configure_read` not called on it yet.
  unconfigured,
  /// Reading runs.
  reading,
  /// Reading halted (no credit, or an inline session's write backlog): a
  /// trigger restarts it.
  paused,
  /// The peer finished sending (FIN): nothing more to read; writing goes on.
  peer_finished,
  /// Closing for good: nothing is read any more.
  closing,
};

struct connection_state {
  ~connection_state();

  connection_options options;
  caf::actor subscriber;
  frame_decoder decoder;
  std::optional<caf::io::connection_handle> hdl;
  // The scribe of `hdl`, found once per socket (open_scribe); reset with
  // `hdl`, since it holds the socket open.
  caf::intrusive_ptr<tcp_scribe> scribe;
  std::string peer;
  std::int64_t credit = 0;
  read_state reading = read_state::unconfigured;
  // Bytes asked of the socket per read: grows while reads fill it.
  std::size_t read_chunk = 0;
  std::size_t queued_bytes = 0;
  // Reads the socket gave us, and times it took bytes (count_written): the
  // batching of each side, for metrics.
  std::uint64_t socket_reads = 0;
  std::uint64_t socket_writes = 0;
  // drain_atom requests waiting for queued_bytes to fall to their mark.
  std::vector<std::pair<std::uint64_t, caf::typed_response_promise<std::uint64_t>>> drains;
  // Our side sent its FIN (finish_atom): nothing more may be sent.
  bool write_finished = false;
  // A close waits for the queue to go out (on_close); the end comes with
  // the write that empties it. Not set while a failure ends the connection.
  bool close_after_queue = false;
  // What `disconnected` says after a close: none and "closed", unless the
  // peer finished sending first.
  error_kind close_reason = error_kind::none;
  std::string close_message = "closed";
  connection_stats stats;
  // The inline session (options.inline_session), if any, and the views of
  // one read's frames handed to it (kept to reuse their allocation).
  std::unique_ptr<inline_session> session;
  std::vector<std::string_view> inline_frames;
  // The bytes of the read whose frames the session is handed; empty
  // between reads.
  std::string_view inline_read;
  std::chrono::steady_clock::time_point last_read;
  // When the socket last took bytes (on_written).
  std::chrono::steady_clock::time_point last_write;
  // The TLS version once the handshake is done ("TLSv1.3"); empty otherwise.
  std::string tls_version;
  // TLS: the context (null for plain TCP), and whether the current socket's
  // handshake is done; `socket_serial` tells a stale handshake timer.
  tls_context tls;
  bool secured = false;
  std::uint64_t socket_serial = 0;
  // Client connections only.
  std::string host;
  std::uint16_t port = 0;
  std::uint32_t failed_attempts = 0;
  std::minstd_rand rng;

  /// True once a close, an abort or a fatal error started the end.
  bool closing() const noexcept { return reading == read_state::closing; }

  /// Reading goes on while the subscriber has credit and, with an inline
  /// session, while at most half of write_high_water waits to be written.
  bool may_read() const noexcept {
    return credit > 0 && (!session || queued_bytes <= options.write_high_water / 2);
  }

  static inline const char* name = "actors.connection";
};

using connection_broker = caf::stateful_actor<connection_state, caf::io::broker>;

/// Behavior of a client connection that connects to `host:port`.
caf::behavior client_connection(connection_broker* self, std::string host,
                                std::uint16_t port, caf::actor subscriber,
                                connection_options options);

/// Behavior of a connection forked by a server for an accepted peer. It
/// starts reading once it receives `subscribe_atom` with its subscriber.
caf::behavior accepted_connection(connection_broker* self,
                                  caf::io::connection_handle hdl,
                                  connection_options options, tls_context tls);

} // namespace actors::detail

// The private messages of connections and acceptors: to themselves (timers, a
// deferred failure) and from a connection's connector. None is a public event, so a subscriber's or
// stranger's message can never be taken for one of these commands.
CAF_BEGIN_TYPE_ID_BLOCK(actors_connection_internal, caf::first_custom_type_id + 900)

  /// Connector -> connection: adopt this connected socket
  /// (`adopt_atom, int fd, tls_context`; the context is null without TLS).
  CAF_ADD_ATOM(actors_connection_internal, actors::detail, adopt_atom, "adopt")
  /// Connector -> connection: connecting failed
  /// (`connect_failed_atom, caf::error`).
  CAF_ADD_ATOM(actors_connection_internal, actors::detail, connect_failed_atom, "conn_fail")
  /// Timer: try connecting again.
  CAF_ADD_ATOM(actors_connection_internal, actors::detail, retry_atom, "retry")
  /// Timer: check for idleness.
  CAF_ADD_ATOM(actors_connection_internal, actors::detail, idle_atom, "idle")
  /// Self-message: finish with this error (`fail_atom, caf::error`). Messages carry
  /// errors as `caf::error`: CAF converts an `error_kind` element into one.
  CAF_ADD_ATOM(actors_connection_internal, actors::detail, fail_atom, "fail")
  /// Timer: the TLS handshake of socket number N had `handshake_timeout`
  /// (`tls_timeout_atom, uint64_t N`).
  CAF_ADD_ATOM(actors_connection_internal, actors::detail, tls_timeout_atom, "tls_tmo")
  /// Timer: the subscriber had `finish_timeout` to close after peer_finished.
  CAF_ADD_ATOM(actors_connection_internal, actors::detail, finish_timeout_atom, "fin_tmo")
  /// Timer, acceptor -> itself: `shutdown_grace` is over; abort whoever is
  /// still flushing.
  CAF_ADD_ATOM(actors_connection_internal, actors::detail, grace_over_atom, "grace_over")

CAF_END_TYPE_ID_BLOCK(actors_connection_internal)
