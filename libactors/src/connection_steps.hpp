#pragma once

// The steps of a connection actor's life, shared by the files that
// implement it: connection_broker.cpp (opening, commands, behaviors),
// connection_reading.cpp (reading by credit) and connection_ending.cpp
// (closing, half-close, losing the peer). Internal.

#include <cstdint>
#include <string>
#include <string_view>

#include <caf/io/connection_handle.hpp>
#include <caf/io/system_messages.hpp>

#include "actors/direction.hpp"
#include "actors/error_kind.hpp"
#include "actors/log_record.hpp"
#include "actors/metrics.hpp"
#include "connection_broker.hpp"

namespace actors::detail {

/// Sends a record to the connection's log writer, if it has one.
void log_traffic(connection_broker* self, direction dir, std::string_view payload,
                 log_level level = log_level::info);

/// Logs `msg` as an error and sends it to the subscriber as connection_error.
void notify_error(connection_broker* self, error_kind kind, std::string msg);

/// The connection's figures for a metrics registry (connection_metrics.cpp).
actor_metrics connection_metrics(connection_broker* self);

/// A connection's exported figures, all 0: what a server declares to its
/// registry so that the connection series exist before the first peer.
actor_metrics connection_metrics_at_zero();

/// Answers the drain_atom requests whose mark the write queue is down to.
void answer_drains(connection_broker* self);

/// Encodes `count` payloads into the write queue, all or none (`bytes`:
/// their sizes together); false (and the subscriber told why) if refused.
bool queue_payloads(connection_broker* self, const std::string_view* payloads, std::size_t count,
                    std::size_t bytes);

/// Writes what is queued, as far as the socket takes it: at once, or,
/// inside a read, at the end of the multiplexer's pass (then reported
/// through on_written).
void flush_queued(connection_broker* self);

/// The socket took bytes, `remaining` are still queued: counts the write
/// and answers the drains it satisfied.
void count_written(connection_broker* self, std::size_t remaining);

/// The socket took bytes; `remaining` are still queued. Answers drains,
/// resumes reading an inline session paused on its backlog, and ends a
/// closing connection once everything went out.
void on_written(connection_broker* self, std::size_t remaining);

/// on_written for our scribe, which calls it directly
/// (tcp_scribe::handle_writes_with).
void on_bytes_written(caf::io::abstract_broker* self, std::size_t remaining);

/// Our scribe of the open socket (`hdl`), or null if it is not ours.
tcp_scribe* open_scribe(connection_broker* self);

/// Takes ownership of a connected socket handle and announces it (after the
/// TLS handshake, with TLS).
void start(connection_broker* self, caf::io::connection_handle hdl);

// -- reading (connection_reading.cpp) -----------------------------------------

/// Starts reading (after credit arrived, or the write backlog of an inline
/// session went out) if it had stopped; reading then runs until the credit
/// runs out again.
void resume_reading(connection_broker* self);

/// Stops reading for good: the connection is ending.
void stop_reading(connection_broker* self);

/// Decodes what was read and delivers the frames against read credit; a
/// decoding error ends the connection on the next message.
void on_data(connection_broker* self, std::string_view bytes);

/// Line framing, at the peer's FIN: the last line, which the peer ended
/// without a delimiter, is delivered as a frame like the others.
void deliver_unterminated_line(connection_broker* self);

/// on_data for our scribe, which calls it for each read directly
/// (tcp_scribe::handle_reads_with).
void on_data_read(caf::io::abstract_broker* self, std::string_view bytes);

// -- ending (connection_ending.cpp) -------------------------------------------

/// Sends the final event (`disconnected`) and exits; after this the actor
/// handles nothing.
void end_connection(connection_broker* self, error_kind reason, std::string msg);

/// The connection is gone or never came up: retry if allowed, else end.
void lost(connection_broker* self, error_kind reason, std::string msg);

/// CAF closed the socket (a reset, or a failed write): lost, with the reason.
void on_closed(connection_broker* self);

/// `close_atom`: stop reading, write what is queued (at most close_timeout
/// long), then end.
void on_close(connection_broker* self);

/// The idle timer fired: close if nothing arrived for idle_timeout.
void on_idle_check(connection_broker* self);

/// The peer finished sending (FIN); every frame before it was delivered.
void on_read_closed(connection_broker* self);

/// The subscriber did not close within finish_timeout after peer_finished.
void on_finish_timeout(connection_broker* self);

/// Our half-close: send what is queued, then a FIN; go on reading.
void on_finish(connection_broker* self);

} // namespace actors::detail
