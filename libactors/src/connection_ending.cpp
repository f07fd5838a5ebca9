#include "connection_steps.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>

#include "tcp_scribe.hpp"
#include "tcp_socket.hpp"

namespace actors::detail {

namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

milliseconds backoff_delay(connection_state& st) {
  auto& policy = st.options.reconnect;
  auto base = static_cast<double>(policy.initial_delay.count())
              * std::pow(policy.multiplier, st.failed_attempts - 1.0);
  base = std::min(base, static_cast<double>(policy.max_delay.count()));
  std::uniform_real_distribution<double> spread(-policy.jitter, policy.jitter);
  return milliseconds{static_cast<std::int64_t>(base * (1.0 + spread(st.rng)))};
}

} // namespace

// Sends the final event and exits; after this the actor handles nothing.
void end_connection(connection_broker* self, error_kind reason, std::string msg) {
  auto& st = self->state;
  if (st.hdl) {
    // CAF's close waits for queued bytes to drain, forever if the peer stopped
    // reading. Shutting the socket down makes that write fail at once.
    if (st.queued_bytes > 0)
      shutdown_socket(static_cast<int>(st.hdl->id()));
    self->close(*st.hdl);
  }
  st.hdl.reset();
  st.scribe.reset();
  for (auto& drain : st.drains)
    drain.second.deliver(caf::make_error(error_kind::not_connected,
                                         "the connection ended: " + msg));
  st.drains.clear();
  log_traffic(self, direction::event, "disconnected: " + msg);
  if (st.options.metrics)
    self->send(st.options.metrics, metrics_retire_atom_v, connection_metrics(self));
  self->send(st.subscriber,
             disconnected{st.stats.id, reason, std::move(msg), st.stats});
  self->quit();
}

// The connection is gone or never came up: retry if allowed, else finish.
void lost(connection_broker* self, error_kind reason, std::string msg) {
  auto& st = self->state;
  st.hdl.reset();
  st.scribe.reset();
  if (!st.closing())
    st.reading = read_state::unconfigured;
  auto& policy = st.options.reconnect;
  bool client = !st.host.empty();
  bool may_retry = client && policy.enabled && !st.closing()
                   && (policy.max_attempts == 0
                       || st.failed_attempts < policy.max_attempts);
  if (!may_retry) {
    end_connection(self, reason, std::move(msg));
    return;
  }
  // What was queued went with the socket.
  st.queued_bytes = 0;
  answer_drains(self);
  ++st.failed_attempts;
  auto delay = backoff_delay(st);
  self->send(st.subscriber, reconnecting{st.stats.id, st.failed_attempts,
                                         static_cast<std::uint64_t>(delay.count())});
  self->delayed_send(self, delay, retry_atom::value);
}

void on_closed(connection_broker* self) {
  auto& st = self->state;
  if (st.closing()) {
    end_connection(self, self->state.close_reason, self->state.close_message);
    return;
  }
  // CAF delivers connection_closed_msg synchronously from its failed read,
  // while its scribe (and so the socket) still exists: the socket's TCP
  // state tells a reset from an orderly close. No second descriptor needed.
  if (st.hdl && was_reset(static_cast<int>(st.hdl->id()))) {
    notify_error(self, error_kind::peer_reset,
                 "connection reset by peer " + st.peer);
    lost(self, error_kind::peer_reset, "connection reset by peer " + st.peer);
    return;
  }
  std::string msg = "peer " + st.peer + " closed the connection";
  if (st.decoder.buffered() > 0)
    msg += " mid-frame; " + std::to_string(st.decoder.buffered())
           + " bytes of an incomplete frame were discarded";
  lost(self, error_kind::peer_closed, std::move(msg));
}

void on_close(connection_broker* self) {
  auto& st = self->state;
  stop_reading(self);
  if (!st.hdl) {
    end_connection(self, self->state.close_reason, self->state.close_message);
    return;
  }
  if (st.queued_bytes == 0) {
    end_connection(self, self->state.close_reason, self->state.close_message);
  } else {
    st.close_after_queue = true;
    self->delayed_send(self, st.options.close_timeout, abort_atom::value);
  }
}

void on_idle_check(connection_broker* self) {
  auto& st = self->state;
  if (!st.hdl || st.reading == read_state::peer_finished)
    return; // nothing more can arrive: finish_timeout takes over
  auto idle = std::chrono::duration_cast<milliseconds>(steady_clock::now()
                                                        - st.last_read);
  if (idle < st.options.idle_timeout) {
    self->delayed_send(self, st.options.idle_timeout - idle, idle_atom::value);
    return;
  }
  auto msg = "nothing received from " + st.peer + " for "
             + std::to_string(idle.count()) + " ms (idle_timeout)";
  notify_error(self, error_kind::idle_timeout, msg);
  self->close(*st.hdl);
  lost(self, error_kind::idle_timeout, std::move(msg));
}

// The peer finished sending (FIN); every frame before it was delivered.
void on_read_closed(connection_broker* self) {
  auto& st = self->state;
  if (st.closing() || !st.hdl)
    return;
  // A last line without its delimiter is still a line (as Go's
  // bufio.Scanner and Python's readline take it): `printf 'hello' | ncat`
  // loses nothing. A partial length-prefixed frame is cut short.
  if (st.decoder.buffered() > 0 && st.options.framing.kind == framing_kind::line) {
    deliver_unterminated_line(self);
    if (st.closing())
      return;
  }
  if (auto partial = st.decoder.buffered(); partial > 0) {
    notify_error(self, error_kind::truncated_frame,
                 "peer " + st.peer + " finished sending mid-frame; "
                   + std::to_string(partial)
                   + " bytes of an incomplete frame were discarded");
    st.decoder.reset();
  }
  st.reading = read_state::peer_finished;
  log_traffic(self, direction::event, "peer " + st.peer + " finished sending");
  self->send(st.subscriber, peer_finished{st.stats.id});
  if (!st.write_finished) {
    // The peer ended the conversation; whoever closes now follows it (an
    // inline session's close below too).
    st.close_reason = error_kind::peer_closed;
    st.close_message = "peer " + st.peer + " finished sending; closed";
  }
  if (st.session) {
    session_output out{self};
    st.session->on_peer_finished(out);
    flush_queued(self);
    if (out.close_requested()) {
      on_close(self);
      return;
    }
  }
  if (st.write_finished) {
    on_close(self); // both directions are done, ours first
    return;
  }
  if (!st.host.empty() && st.options.reconnect.enabled) {
    // A reconnecting client takes the FIN as the end of this socket: what
    // is queued still goes out (the scribe flushes before its FIN), then
    // it connects again.
    self->close(*st.hdl);
    lost(self, error_kind::peer_closed, "peer " + st.peer + " closed the connection");
    return;
  }
  if (st.options.finish_timeout.count() > 0)
    self->delayed_send(self, st.options.finish_timeout, finish_timeout_atom_v);
}

// The subscriber did not close within finish_timeout after peer_finished.
void on_finish_timeout(connection_broker* self) {
  auto& st = self->state;
  if (st.reading != read_state::peer_finished)
    return; // closed already, or a timer from an earlier socket
  st.close_message = "peer " + st.peer + " finished sending; closed after "
                     + std::to_string(st.options.finish_timeout.count())
                     + " ms (finish_timeout)";
  log_traffic(self, direction::event, st.close_message);
  on_close(self);
}

// Our half-close: send what is queued, then a FIN; go on reading.
void on_finish(connection_broker* self) {
  auto& st = self->state;
  if (!st.hdl || st.closing()) {
    notify_error(self, error_kind::not_connected,
                 "finish on a connection that is not open");
    return;
  }
  if (st.write_finished)
    return;
  st.write_finished = true;
  if (auto* scribe = open_scribe(self))
    scribe->finish_writing();
  log_traffic(self, direction::event, "finished sending");
  if (st.reading == read_state::peer_finished)
    on_close(self); // both directions are done
}

} // namespace actors::detail
