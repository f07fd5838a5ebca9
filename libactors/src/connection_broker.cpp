#include "connection_broker.hpp"

#include <algorithm>
#include <cmath>
#include <unistd.h>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/io/network/multiplexer.hpp>
#include <caf/io/system_messages.hpp>
#include <caf/message_handler.hpp>
#include <caf/send.hpp>
#include <caf/unit.hpp>

#include "actors/log_writer.hpp"
#include "tcp_socket.hpp"
#include "tcp_transport.hpp"

namespace actors::detail {

namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

// Sends a record to the connection's log writer, if it has one.
void log(connection_broker* self, direction dir, std::string_view payload,
         log_level level = log_level::info) {
  auto& st = self->state;
  if (st.options.log)
    self->send(st.options.log,
               make_log_record("conn " + std::to_string(st.stats.id), dir,
                               std::string{payload}, level));
}

void notify_error(connection_broker* self, error_kind kind, std::string msg) {
  auto& st = self->state;
  log(self, direction::event, msg, log_level::error);
  self->send(st.subscriber, connection_error{st.stats.id, kind, std::move(msg)});
}

// Sends the final event and exits; after this the actor handles nothing.
void finish(connection_broker* self, error_kind reason, std::string msg) {
  auto& st = self->state;
  if (st.hdl) {
    // CAF's close waits for queued bytes to drain, forever if the peer stopped
    // reading. Shutting the socket down makes that write fail at once.
    if (st.queued_bytes > 0)
      shutdown_socket(static_cast<int>(st.hdl->id()));
    self->close(*st.hdl);
  }
  st.hdl.reset();
  log(self, direction::event, "disconnected: " + msg);
  self->send(st.subscriber,
             disconnected{st.stats.id, reason, std::move(msg), st.stats});
  self->quit();
}

// Reading is one read event at a time (`trigger(hdl, 1)`): after each read
// CAF passivates the socket and asks us (connection_passivated_msg) whether
// to go on, so reading stops within one read chunk of the credit running out.
void continue_reading(connection_broker* self) {
  auto& st = self->state;
  if (st.closing())
    return;
  if (st.credit > 0)
    self->trigger(*st.hdl, 1);
  else
    st.reading = read_state::halting;
}

// Restarts reading after credit arrived, if it had stopped.
void resume_reading(connection_broker* self) {
  auto& st = self->state;
  if (!st.hdl || st.credit <= 0)
    return;
  switch (st.reading) {
    case read_state::unconfigured:
      st.read_chunk = std::max<std::size_t>(
        1, std::min(st.options.initial_read_chunk_size, st.options.read_chunk_size));
      self->configure_read(*st.hdl, caf::io::receive_policy::at_most(st.read_chunk));
      [[fallthrough]];
    case read_state::paused:
      self->trigger(*st.hdl, 1);
      st.reading = read_state::reading;
      return;
    case read_state::halting:
      // A function posted to the multiplexer runs in a later iteration, after
      // the halt was applied. A 1 ms timer did not guarantee that: a broker
      // draining a long mailbox stays in one iteration for longer, and the
      // trigger was lost (reading stopped for good).
      self->backend().post([me = caf::actor_cast<caf::actor>(self)] {
        caf::anon_send(me, resume_atom::value);
      });
      st.reading = read_state::resume_scheduled;
      return;
    case read_state::reading:
    case read_state::resume_scheduled:
    case read_state::peer_finished:
    case read_state::closing:
      return;
  }
}

// The resume timer fired: the halt before it has taken effect.
void on_resume(connection_broker* self) {
  auto& st = self->state;
  if (st.reading != read_state::resume_scheduled)
    return; // a stale timer from a socket that is gone
  st.reading = read_state::paused;
  resume_reading(self);
}

// Stops reading for good: the connection is ending.
void stop_reading(connection_broker* self) {
  auto& st = self->state;
  if (st.hdl && st.reading == read_state::reading)
    self->halt(*st.hdl);
  st.reading = read_state::closing;
}

// Tells the subscriber the connection is up (after the TLS handshake, if any).
void announce(connection_broker* self, std::string tls_version, std::string tls_cipher) {
  auto& st = self->state;
  log(self, direction::event,
      "connected to " + st.peer
        + (tls_version.empty() ? "" : " (" + tls_version + ", " + tls_cipher + ")"));
  self->send(st.subscriber, connected{st.stats.id, st.peer,
                                      caf::actor_cast<connection_actor>(self),
                                      std::move(tls_version), std::move(tls_cipher)});
}

// The TLS handshake did not finish within handshake_timeout.
void on_tls_timeout(connection_broker* self, std::uint64_t serial) {
  auto& st = self->state;
  if (serial != st.socket_serial || st.secured || !st.hdl || st.closing())
    return;
  auto msg = "TLS handshake with " + st.peer + " did not finish within "
             + std::to_string(st.options.tls.handshake_timeout.count())
             + " ms (handshake_timeout)";
  notify_error(self, error_kind::tls_handshake_failed, msg);
  st.reading = read_state::closing;
  finish(self, error_kind::tls_handshake_failed, std::move(msg));
}

// Takes ownership of a connected socket handle and announces it.
void start(connection_broker* self, caf::io::connection_handle hdl) {
  auto& st = self->state;
  st.hdl = hdl;
  tune_socket(static_cast<int>(hdl.id()));
  st.peer = peer_name(static_cast<int>(hdl.id()));
  st.decoder.reset();
  st.queued_bytes = 0;
  st.write_finished = false;
  st.close_reason = error_kind::none;
  st.close_message = "closed";
  st.failed_attempts = 0;
  st.last_read = steady_clock::now();
  self->ack_writes(hdl, true);
  st.reading = read_state::unconfigured;
  resume_reading(self);
  ++st.socket_serial;
  st.secured = false;
  if (st.tls.ctx) {
    // `connected` waits for the handshake (tls_established_msg).
    auto* scribe = tcp_scribe_of(self, hdl);
    auto failure = scribe ? scribe->start_tls(st.tls, st.peer)
                          : std::string{"TLS needs our own TCP scribe"};
    if (!failure.empty()) {
      notify_error(self, error_kind::tls_error, failure);
      st.reading = read_state::closing;
      self->send(self, fail_atom_v, caf::make_error(error_kind::tls_error, failure));
      return;
    }
    self->delayed_send(self, st.options.tls.handshake_timeout, tls_timeout_atom_v,
                       st.socket_serial);
  } else {
    announce(self, {}, {});
  }
  if (st.options.idle_timeout.count() > 0)
    self->delayed_send(self, st.options.idle_timeout, idle_atom::value);
}

void spawn_connector(connection_broker* self) {
  auto& st = self->state;
  auto broker = caf::actor_cast<caf::actor>(self);
  self->system().spawn<caf::detached>(
    [](caf::event_based_actor* connector, caf::actor target, std::string host,
       std::uint16_t port, milliseconds timeout, tls_options tls_opts) {
      // Loading certificates reads files: here, not on the network thread.
      tls_context tls;
      if (tls_opts.enabled) {
        auto made = make_tls_context(tls_opts, tls_role::client, host);
        if (!made) {
          connector->send(target, connect_failed_atom::value, made.error());
          return;
        }
        tls = std::move(*made);
      }
      auto result = connect_with_timeout(host, port, timeout);
      if (!result) {
        connector->send(target, connect_failed_atom::value, result.error());
        return;
      }
      int fd = result->fd;
      // A request, so that the socket is closed if the broker is gone.
      connector->request(target, caf::infinite, adopt_atom::value, fd, std::move(tls))
        .then([] {}, [fd](caf::error&) mutable { close_socket(fd); });
    },
    broker, st.host, st.port, st.options.connect_timeout, st.options.tls);
}

milliseconds backoff_delay(connection_state& st) {
  auto& policy = st.options.reconnect;
  auto base = static_cast<double>(policy.initial_delay.count())
              * std::pow(policy.multiplier, st.failed_attempts - 1.0);
  base = std::min(base, static_cast<double>(policy.max_delay.count()));
  std::uniform_real_distribution<double> spread(-policy.jitter, policy.jitter);
  return milliseconds{static_cast<std::int64_t>(base * (1.0 + spread(st.rng)))};
}

// The connection is gone or never came up: retry if allowed, else finish.
void lost(connection_broker* self, error_kind reason, std::string msg) {
  auto& st = self->state;
  st.hdl.reset();
  if (!st.closing())
    st.reading = read_state::unconfigured;
  auto& policy = st.options.reconnect;
  bool client = !st.host.empty();
  bool may_retry = client && policy.enabled && !st.closing()
                   && (policy.max_attempts == 0
                       || st.failed_attempts < policy.max_attempts);
  if (!may_retry) {
    finish(self, reason, std::move(msg));
    return;
  }
  ++st.failed_attempts;
  auto delay = backoff_delay(st);
  self->send(st.subscriber, reconnecting{st.stats.id, st.failed_attempts,
                                         static_cast<std::uint64_t>(delay.count())});
  self->delayed_send(self, delay, retry_atom::value);
}

void on_closed(connection_broker* self) {
  auto& st = self->state;
  if (st.closing()) {
    finish(self, self->state.close_reason, self->state.close_message);
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

// A read that filled the buffer suggests more is waiting: read more at once.
void grow_read_chunk(connection_broker* self, std::size_t bytes_read) {
  auto& st = self->state;
  if (bytes_read < st.read_chunk || st.read_chunk >= st.options.read_chunk_size
      || !st.hdl)
    return;
  st.read_chunk = std::min(st.read_chunk * 2, st.options.read_chunk_size);
  self->configure_read(*st.hdl, caf::io::receive_policy::at_most(st.read_chunk));
}

void on_data(connection_broker* self, caf::io::new_data_msg& msg) {
  auto& st = self->state;
  st.stats.bytes_in += msg.buf.size();
  grow_read_chunk(self, msg.buf.size());
  st.last_read = steady_clock::now();
  std::string_view bytes{msg.buf.data(), msg.buf.size()};
  frame_batch batch;
  auto err = st.decoder.feed(bytes, [&](std::string_view frame) {
    ++st.stats.frames_in;
    --st.credit;
    log(self, direction::in, frame);
    if (st.options.batch_frames)
      batch.add(frame);
    else
      self->send(st.subscriber, frame_received{st.stats.id, std::string{frame}});
  });
  if (!batch.empty())
    self->send(st.subscriber, frames_received{st.stats.id, std::move(batch)});
  if (err) {
    notify_error(self, kind_of(err), message_of(err));
    // CAF 0.17 crashes if a scribe is closed inside its own read handler
    // while activity tokens are in use; the closing state stops the reading
    // here and the close happens on the next message.
    st.reading = read_state::closing;
    self->send(self, fail_atom::value, err);
  }
}

// Encodes and writes `frames`, all or none: refused past write_high_water.
template <class Frames>
void on_send(connection_broker* self, const Frames& frames, std::size_t count,
             std::size_t bytes) {
  auto& st = self->state;
  if (!st.hdl || st.closing() || st.write_finished) {
    notify_error(self, error_kind::not_connected,
                 st.closing()         ? "send after close: the frame was dropped"
                 : st.write_finished ? "send after finish: the frame was dropped"
                                     : "not connected: the frame was dropped");
    return;
  }
  if (st.queued_bytes + bytes > st.options.write_high_water) {
    notify_error(self, error_kind::write_buffer_full,
                 "write buffer full: " + std::to_string(st.queued_bytes)
                   + " bytes queued, write_high_water is "
                   + std::to_string(st.options.write_high_water)
                   + "; the frame was dropped");
    return;
  }
  auto& buf = self->wr_buf(*st.hdl);
  auto before = buf.size();
  for (std::size_t i = 0; i < count; ++i) {
    if (auto err = encode_frame(st.options.framing, frames[i], buf)) {
      buf.resize(before);
      notify_error(self, kind_of(err), message_of(err) + "; the frame was dropped");
      return;
    }
  }
  if (st.options.log)
    for (std::size_t i = 0; i < count; ++i)
      log(self, direction::out, frames[i]);
  auto added = buf.size() - before;
  st.queued_bytes += added;
  st.stats.bytes_out += added;
  st.stats.frames_out += count;
  self->flush(*st.hdl);
}

void on_close(connection_broker* self) {
  auto& st = self->state;
  stop_reading(self);
  if (!st.hdl) {
    finish(self, self->state.close_reason, self->state.close_message);
    return;
  }
  if (st.queued_bytes == 0)
    finish(self, self->state.close_reason, self->state.close_message);
  else
    self->delayed_send(self, st.options.close_timeout, abort_atom::value);
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
  if (auto partial = st.decoder.buffered(); partial > 0) {
    notify_error(self, error_kind::truncated_frame,
                 "peer " + st.peer + " finished sending mid-frame; "
                   + std::to_string(partial)
                   + " bytes of an incomplete frame were discarded");
    st.decoder.reset();
  }
  st.reading = read_state::peer_finished;
  log(self, direction::event, "peer " + st.peer + " finished sending");
  self->send(st.subscriber, peer_finished{st.stats.id});
  if (st.write_finished) {
    on_close(self); // both directions are done, ours first
    return;
  }
  // The peer ended the conversation; whoever closes now follows it.
  st.close_reason = error_kind::peer_closed;
  st.close_message = "peer " + st.peer + " finished sending; closed";
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
  log(self, direction::event, st.close_message);
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
  if (auto* scribe = tcp_scribe_of(self, *st.hdl))
    scribe->finish_writing();
  log(self, direction::event, "finished sending");
  if (st.reading == read_state::peer_finished)
    on_close(self); // both directions are done
}

// Handlers shared by client and accepted connections.
caf::message_handler connection_handlers(connection_broker* self) {
  return {
    [=](caf::io::new_data_msg& msg) { on_data(self, msg); },
    [=](const caf::io::connection_closed_msg&) { on_closed(self); },
    [=](const caf::io::data_transferred_msg& msg) {
      auto& st = self->state;
      st.queued_bytes = msg.remaining;
      if (st.closing() && st.queued_bytes == 0)
        finish(self, self->state.close_reason, self->state.close_message);
    },
    [=](const caf::io::connection_passivated_msg&) { continue_reading(self); },
    [=](send_atom, const std::string& payload) {
      std::string_view view{payload};
      on_send(self, &view, 1, payload.size());
    },
    [=](send_atom, const frame_batch& frames) {
      on_send(self, frames, frames.size(), frames.bytes());
    },
    [=](close_atom) { on_close(self); },
    [=](finish_atom) { on_finish(self); },
    [=](const read_closed_msg&) { on_read_closed(self); },
    [=](finish_timeout_atom) { on_finish_timeout(self); },
    [=](tls_established_msg& msg) {
      self->state.secured = true;
      announce(self, std::move(msg.version), std::move(msg.cipher));
    },
    [=](transport_error_msg& msg) {
      // Inside the scribe's read: finish on the next message (as on_data).
      notify_error(self, msg.kind, msg.message);
      self->state.reading = read_state::closing;
      self->send(self, fail_atom_v, caf::make_error(msg.kind, std::move(msg.message)));
    },
    [=](tls_timeout_atom, std::uint64_t serial) { on_tls_timeout(self, serial); },
    [=](abort_atom) {
      auto& st = self->state;
      auto pending = st.queued_bytes;
      st.reading = read_state::closing;
      finish(self, error_kind::none,
             pending == 0 ? "aborted"
                          : "aborted with " + std::to_string(pending)
                              + " bytes unsent");
    },
    [=](credit_atom, std::uint32_t frames) {
      self->state.credit += frames;
      resume_reading(self);
    },
    [=](subscribe_atom, caf::actor& subscriber) {
      auto& st = self->state;
      bool first = st.subscriber == nullptr;
      st.subscriber = std::move(subscriber);
      self->monitor(st.subscriber);
      if (first && st.hdl)
        start(self, *st.hdl);
    },
    [=](stats_atom) { return self->state.stats; },
    [=](idle_atom) { on_idle_check(self); },
    [=](resume_atom) { on_resume(self); },
    [=](fail_atom, const caf::error& err) {
      finish(self, kind_of(err), message_of(err));
    },
  };
}

// Handlers only a client connection has: its connector's answers and the
// reconnect timer.
caf::message_handler client_handlers(connection_broker* self) {
  return {
    [=](adopt_atom, int fd, tls_context& tls) -> caf::unit_t {
      if (self->state.closing()) {
        close_socket(fd);
        return caf::unit;
      }
      self->state.tls = std::move(tls);
      auto scribe = make_tcp_scribe(self, fd);
      auto hdl = scribe->hdl();
      self->add_scribe(std::move(scribe));
      start(self, hdl);
      return caf::unit;
    },
    [=](connect_failed_atom, const caf::error& err) {
      notify_error(self, kind_of(err), message_of(err));
      lost(self, kind_of(err), message_of(err));
    },
    [=](retry_atom) {
      if (!self->state.closing())
        spawn_connector(self);
    },
  };
}

void init(connection_broker* self, connection_options options) {
  auto& st = self->state;
  st.options = options;
  st.decoder = frame_decoder{options.framing};
  st.credit = options.read_credit;
  st.stats.id = self->id();
  st.rng.seed(static_cast<std::uint32_t>(self->id()));
  // A message the connection does not understand (an event sent back to
  // it, a stranger's command) is answered with unexpected_message and
  // dropped, without CAF's printing to stdout, which races under TSan.
  self->set_default_handler(caf::drop);
  self->set_down_handler([self](caf::down_msg& msg) {
    if (msg.source == self->state.subscriber) {
      self->state.reading = read_state::closing;
      finish(self, error_kind::none, "subscriber terminated");
    }
  });
}

} // namespace

connection_state::~connection_state() = default;

caf::behavior client_connection(connection_broker* self, std::string host,
                                std::uint16_t port, caf::actor subscriber,
                                connection_options options) {
  init(self, options);
  auto& st = self->state;
  st.host = std::move(host);
  st.port = port;
  st.subscriber = std::move(subscriber);
  self->monitor(st.subscriber);
  spawn_connector(self);
  return client_handlers(self).or_else(connection_handlers(self));
}

caf::behavior accepted_connection(connection_broker* self,
                                  caf::io::connection_handle hdl,
                                  connection_options options, tls_context tls) {
  options.reconnect.enabled = false;
  init(self, options);
  self->state.tls = std::move(tls);
  // Reading starts once the server names the subscriber (subscribe_atom).
  self->state.hdl = hdl;
  return connection_handlers(self);
}

} // namespace actors::detail
