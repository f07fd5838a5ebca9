#pragma once

// The message vocabulary of connection and server actors: what you can send
// them (commands) and what they send their subscriber (events).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <caf/actor.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/type_id.hpp>
#include <caf/typed_actor.hpp>

#include "actors/error_kind.hpp"
#include "actors/metrics.hpp"

namespace actors {

/// Identifies a connection for its whole life, across reconnects: 1, 2,
/// 3, ... in the order connections and UDP endpoints come in this process
/// (`new_connection_id`, connection.hpp). Not the connection actor's id.
using connection_id = std::uint64_t;

/// Several frames in one buffer: what one read delivers with
/// `connection_options::batch_frames`, and what `send_atom` accepts to send
/// many frames in one message. One allocation for all payloads.
class frame_batch {
public:
  /// Appends one frame.
  void add(std::string_view payload) {
    data_.append(payload.data(), payload.size());
    ends_.push_back(static_cast<std::uint32_t>(data_.size()));
  }

  /// The number of frames.
  std::size_t size() const noexcept { return ends_.size(); }

  /// True if there are no frames.
  bool empty() const noexcept { return ends_.empty(); }

  /// Frame `i` (0-based); valid while the batch lives and is not modified.
  std::string_view operator[](std::size_t i) const noexcept {
    auto begin = i == 0 ? 0 : ends_[i - 1];
    return std::string_view{data_}.substr(begin, ends_[i] - begin);
  }

  /// Total payload bytes.
  std::size_t bytes() const noexcept { return data_.size(); }

  /// Removes all frames, keeping the allocation.
  void clear() noexcept {
    data_.clear();
    ends_.clear();
  }

  /// @private
  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, frame_batch& x) {
    return f(caf::meta::type_name("frame_batch"), x.data_, x.ends_);
  }

private:
  std::string data_;
  std::vector<std::uint32_t> ends_;
};

/// Traffic counters of one connection.
struct connection_stats {
  /// The connection's id.
  connection_id id = 0;
  /// Frames delivered to the subscriber.
  std::uint64_t frames_in = 0;
  /// Bytes read from the socket.
  std::uint64_t bytes_in = 0;
  /// Frames accepted by `send`.
  std::uint64_t frames_out = 0;
  /// Bytes (with framing) handed to the socket.
  std::uint64_t bytes_out = 0;
};

/// Counters of one server (its acceptor's `stats_atom`).
struct server_stats {
  /// Peers accepted since the server started.
  std::uint64_t accepted = 0;
  /// Peers refused: over max_connections, or no session for them.
  std::uint64_t refused = 0;
  /// Accepted connections still open.
  std::uint64_t open = 0;
  /// Peers accepted in the last whole second.
  std::uint64_t accepts_per_second = 0;
};

/// Makes `server_stats` inspectable.
/// @relates server_stats
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, server_stats& x) {
  return f(caf::meta::type_name("server_stats"), x.accepted, x.refused, x.open,
           x.accepts_per_second);
}

// Declared here, defined below: the type-ID block names them, and the
// typed handle `connection_actor` (which `connected` carries) needs the atoms.
struct connected;
struct frame_received;
struct frames_received;
struct connection_error;
struct reconnecting;
struct peer_finished;
struct disconnected;
struct peer_refused;

} // namespace actors

CAF_BEGIN_TYPE_ID_BLOCK(actors_connection, caf::first_custom_type_id)

  CAF_ADD_TYPE_ID(actors_connection, (actors::connected))
  CAF_ADD_TYPE_ID(actors_connection, (actors::frame_received))
  CAF_ADD_TYPE_ID(actors_connection, (actors::frame_batch))
  CAF_ADD_TYPE_ID(actors_connection, (actors::frames_received))
  CAF_ADD_TYPE_ID(actors_connection, (actors::connection_error))
  CAF_ADD_TYPE_ID(actors_connection, (actors::reconnecting))
  CAF_ADD_TYPE_ID(actors_connection, (actors::peer_finished))
  CAF_ADD_TYPE_ID(actors_connection, (actors::connection_stats))
  CAF_ADD_TYPE_ID(actors_connection, (actors::disconnected))
  CAF_ADD_TYPE_ID(actors_connection, (actors::peer_refused))

  /// Command: send one frame (`send_atom, std::string payload`) or several
  /// (`send_atom, frame_batch`).
  CAF_ADD_ATOM(actors_connection, actors, send_atom, "send")
  /// Command: close after flushing what was queued.
  CAF_ADD_ATOM(actors_connection, actors, close_atom, "close")
  /// Command: half-close; send what is queued, then a FIN (the peer sees
  /// the end of the stream), and go on reading until the peer closes.
  CAF_ADD_ATOM(actors_connection, actors, finish_atom, "finish")
  /// Command: close at once, dropping what was queued.
  CAF_ADD_ATOM(actors_connection, actors, abort_atom, "abort")
  /// Command: grant read credit (`credit_atom, uint32_t frames`). The count
  /// must be a `std::uint32_t` (`1u`, not `1`): an `int` fails to compile
  /// with CAF's "receiver does not accept given message".
  CAF_ADD_ATOM(actors_connection, actors, credit_atom, "credit")
  /// Command: route events to another actor (`subscribe_atom, caf::actor`).
  CAF_ADD_ATOM(actors_connection, actors, subscribe_atom, "subscribe")
  /// Request: reply with the current `connection_stats`.
  CAF_ADD_ATOM(actors_connection, actors, stats_atom, "stats")
  /// Request: answer once at most N bytes wait to be written
  /// (`drain_atom, uint64_t N` -> the bytes still waiting): at once if that
  /// holds already, else as the socket takes them; an error (not_connected)
  /// if the connection ends first. A producer that sends a batch, then waits
  /// for this, never makes the write queue grow past N plus one batch.
  CAF_ADD_ATOM(actors_connection, actors, drain_atom, "drain")
  CAF_ADD_TYPE_ID(actors_connection, (actors::server_stats))

CAF_END_TYPE_ID_BLOCK(actors_connection)

namespace actors {

/// A handle to a connection actor: every command above, checked by the
/// compiler at each send. The connection is a CAF broker, which is dynamically
/// typed inside (its socket events and private timers are not part of the
/// interface; a CAF 0.17 typed actor can have no handler outside it), so
/// `connect` and servers hand out this view of it through `caf::actor_cast`.
/// Subscribers stay `caf::actor`: they are your actors, with behaviors of
/// their own, and need handle only the events they care about.
using connection_actor = caf::typed_actor<
  caf::reacts_to<send_atom, std::string>,
  caf::reacts_to<send_atom, frame_batch>,
  caf::reacts_to<close_atom>,
  caf::reacts_to<finish_atom>,
  caf::reacts_to<abort_atom>,
  caf::reacts_to<credit_atom, std::uint32_t>,
  caf::reacts_to<subscribe_atom, caf::actor>,
  caf::replies_to<stats_atom>::with<connection_stats>,
  caf::replies_to<drain_atom, std::uint64_t>::with<std::uint64_t>,
  caf::replies_to<metrics_atom>::with<actor_metrics>>;

/// Event: the connection is established (again, after a reconnect).
struct connected {
  /// The connection's id.
  connection_id id = 0;
  /// The peer as "address:port".
  std::string peer;
  /// The connection actor; send commands here.
  connection_actor handle;
  /// With TLS: the protocol version, e.g. "TLSv1.3"; empty without TLS.
  std::string tls_version;
  /// With TLS: the cipher suite, e.g. "TLS_AES_256_GCM_SHA384".
  std::string tls_cipher;
};

/// Event: one whole frame arrived. Consumes one unit of read credit.
struct frame_received {
  /// The connection's id.
  connection_id id = 0;
  /// The frame's payload (binary-safe; framing bytes removed).
  std::string payload;
};

/// Event: the frames of one read, with `connection_options::batch_frames`.
/// Consumes one unit of read credit per frame.
struct frames_received {
  /// The connection's id.
  connection_id id = 0;
  /// The frames, in order.
  frame_batch frames;
};

/// Event: something went wrong on this connection; only this one is affected.
struct connection_error {
  /// The connection's id.
  connection_id id = 0;
  /// What went wrong, for programs.
  error_kind kind = error_kind::none;
  /// What went wrong, for people.
  std::string message;
};

/// Event: a client connection lost its peer and will try again after a delay.
struct reconnecting {
  /// The connection's id.
  connection_id id = 0;
  /// Which attempt comes next (1 for the first retry).
  std::uint32_t attempt = 0;
  /// Milliseconds until that attempt.
  std::uint64_t delay_ms = 0;
};

/// Event: the peer finished sending (it half-closed: a FIN). Every frame it
/// sent came before this event (with line framing, a last line it did not
/// end with the delimiter too); nothing more is read. Our side stays open
/// for writing: answer, then `close_atom` (which flushes). A connection its
/// subscriber leaves open closes itself after `finish_timeout`. After our
/// own `finish_atom`, this is followed by `disconnected` at once.
struct peer_finished {
  /// The connection's id.
  connection_id id = 0;
};

/// Event: the connection is gone for good; the actor exits after this.
struct disconnected {
  /// The connection's id.
  connection_id id = 0;
  /// Why: none after a local `close` (or `finish`) we began, peer_closed
  /// after a close that followed `peer_finished`, another kind after errors.
  error_kind reason = error_kind::none;
  /// Why, for people.
  std::string message;
  /// The final counters.
  connection_stats stats;
};

/// Event from a server: it refused an accepted peer (too many connections).
struct peer_refused {
  /// The peer as "address:port".
  std::string peer;
  /// Why.
  error_kind reason = error_kind::none;
  /// Why, for people.
  std::string message;
};

/// Makes `connected` inspectable: CAF serializes and prints it with this.
/// @relates connected
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, connected& x) {
  return f(caf::meta::type_name("connected"), x.id, x.peer, x.handle,
           x.tls_version, x.tls_cipher);
}

/// Makes `frame_received` inspectable: CAF serializes and prints it with this.
/// @relates frame_received
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, frame_received& x) {
  return f(caf::meta::type_name("frame_received"), x.id, x.payload);
}

/// Makes `frames_received` inspectable: CAF serializes and prints it with this.
/// @relates frames_received
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, frames_received& x) {
  return f(caf::meta::type_name("frames_received"), x.id, x.frames);
}

/// Makes `connection_error` inspectable: CAF serializes and prints it with this.
/// @relates connection_error
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, connection_error& x) {
  return f(caf::meta::type_name("connection_error"), x.id, x.kind, x.message);
}

/// Makes `reconnecting` inspectable: CAF serializes and prints it with this.
/// @relates reconnecting
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, reconnecting& x) {
  return f(caf::meta::type_name("reconnecting"), x.id, x.attempt, x.delay_ms);
}

/// Makes `peer_finished` inspectable: CAF serializes and prints it with this.
/// @relates peer_finished
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, peer_finished& x) {
  return f(caf::meta::type_name("peer_finished"), x.id);
}

/// Makes `connection_stats` inspectable: CAF serializes and prints it with this.
/// @relates connection_stats
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, connection_stats& x) {
  return f(caf::meta::type_name("connection_stats"), x.id, x.frames_in,
           x.bytes_in, x.frames_out, x.bytes_out);
}

/// Makes `disconnected` inspectable: CAF serializes and prints it with this.
/// @relates disconnected
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, disconnected& x) {
  return f(caf::meta::type_name("disconnected"), x.id, x.reason, x.message,
           x.stats);
}

/// Makes `peer_refused` inspectable: CAF serializes and prints it with this.
/// @relates peer_refused
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, peer_refused& x) {
  return f(caf::meta::type_name("peer_refused"), x.peer, x.reason, x.message);
}

} // namespace actors
