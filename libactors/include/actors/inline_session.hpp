#pragma once

// A session that runs inside its connection actor (operator fusion, as
// Akka Streams fuses stages): the frames of each read are handed to it by a
// plain call, and its replies go straight into the write queue, flushed once
// per read. No message per read, no mailbox, no scheduling: for sessions
// that answer frames from their own state (echo, request/response
// protocols), the fastest way the framework has.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include <caf/fwd.hpp>
#include <caf/io/fwd.hpp>

#include "actors/connection_protocol.hpp"

namespace actors {

namespace detail {
struct connection_state;
} // namespace detail

/// What an inline session may do with its connection. It is handed to the
/// session's callbacks and valid only during the call.
class session_output {
public:
  /// @private Made by the connection actor.
  using broker_type = caf::stateful_actor<detail::connection_state, caf::io::broker>;

  /// @private Made by the connection actor.
  explicit session_output(broker_type* self) : self_(self) {}

  /// Queues `payload` as one frame, encoded with the connection's framing;
  /// everything queued in one callback is written together after it. False
  /// if the frame was dropped (it does not fit the framing, the queue is over
  /// `write_high_water`, or `close` was called); the subscriber gets a
  /// `connection_error` saying why.
  bool send(std::string_view payload);

  /// Queues `payloads` as frames, in order, all or none: cheaper than one
  /// `send` each (the checks run once). False if none was queued, for the
  /// reasons `send` gives, naming the first frame that does not fit.
  bool send(const std::vector<std::string_view>& payloads);

  /// Closes the connection once what is queued is written; nothing more is
  /// read, delivered or sent.
  void close() noexcept { close_requested_ = true; }

  /// Bytes waiting to be written to the socket.
  std::size_t queued_bytes() const noexcept;

  /// The connection's id (as in its events).
  connection_id id() const noexcept;

  /// @private True once `close` was called.
  bool close_requested() const noexcept { return close_requested_; }

private:
  broker_type* self_;
  bool close_requested_ = false;
};

/// A session hosted by its connection actor: the connection calls it instead
/// of sending `frame_received` / `frames_received` to a subscriber (which,
/// if there is one, still gets every other event). It runs on the network
/// thread inside the connection's handler, so it must be quick and must
/// never block; anything slow belongs in an actor it sends messages to.
///
/// Frames it receives take no read credit. Instead, reading pauses while
/// more than half of `write_high_water` waits to be written, so a peer that
/// sends but does not read is pushed back by TCP, and memory stays bounded.
class inline_session {
public:
  virtual ~inline_session() = default;

  /// The frames of one read, in order: one call per read, not per frame
  /// (two when the read completes a frame begun in an earlier one: that
  /// frame comes first, on its own, so that no payload is copied). The views
  /// are valid only during the call. If it throws, its connection ends
  /// (`session_failed`, with the exception's message) once what it sent
  /// before is written; the rest of the read is dropped, and no other
  /// connection notices.
  virtual void on_frames(const std::vector<std::string_view>& frames,
                         session_output& out) = 0;

  /// The peer finished sending (FIN); every frame before it was delivered.
  /// By default the connection closes once the replies are written.
  virtual void on_peer_finished(session_output& out) { out.close(); }
};

/// Makes the inline session of each new connection actor (called once per
/// connection, on the network thread). Each connection owns its session:
/// nothing is shared between connections unless the factory shares it.
using inline_session_factory = std::function<std::unique_ptr<inline_session>()>;

} // namespace actors
