#include "connection_broker.hpp"
#include "connection_steps.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <type_traits>
#include <unistd.h>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/io/network/multiplexer.hpp>
#include <caf/io/system_messages.hpp>
#include <caf/message_handler.hpp>
#include <caf/send.hpp>
#include <caf/unit.hpp>

#include "actors/connection.hpp"
#include "actors/event_source.hpp"
#include "actors/log_writer.hpp"
#include "coarse_clock.hpp"
#include "frame_encoding.hpp"
#include "tcp_socket.hpp"
#include "tcp_scribe.hpp"

namespace actors::detail {

namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

// Tells the subscriber the connection is up (after the TLS handshake, if any).
void announce(connection_broker* self, std::string tls_version, std::string tls_cipher) {
  self->state.tls_version = tls_version;
  auto& st = self->state;
  log_traffic(self, direction::event,
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
  // A peer that does not speak TLS sends nothing at all (a line server
  // waiting for a newline, a plain client waiting for a banner), or only
  // part of our hello back (a line echo).
  if (auto* scribe = open_scribe(self))
    if (auto hint = scribe->tls_plain_peer_hint(); !hint.empty())
      msg += ": " + hint;
  notify_error(self, error_kind::tls_handshake_failed, msg);
  st.reading = read_state::closing;
  end_connection(self, error_kind::tls_handshake_failed, std::move(msg));
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

// The encoding of `frames` if they are the line frames an inline session
// was just handed, sent back unchanged (an echo, a relay), and lay back to
// back in the read, one delimiter apart: then the encoding is that stretch
// of the read itself, to be copied as one block. Empty otherwise.
std::string_view unchanged_lines(const connection_state& st, const std::string_view* frames,
                                 std::size_t count) {
  auto& read = st.inline_read;
  auto read_end = read.data() + read.size();
  std::less<const char*> before;
  // Not the frames just handed over, or the first is not in the read (a
  // line begun in an earlier read lives in the decoder's buffer).
  if (st.options.framing.kind != framing_kind::line || count == 0
      || frames != st.inline_frames.data() || count != st.inline_frames.size()
      || before(frames[0].data(), read.data()) || !before(frames[0].data(), read_end))
    return {};
  for (std::size_t i = 0; i < count; ++i) {
    auto end = frames[i].data() + frames[i].size();
    // A line that ended in "\r\n" lost its CR: not the bytes it came from.
    if (!before(end, read_end) || *end != st.options.framing.delimiter
        || (i + 1 < count && frames[i + 1].data() != end + 1))
      return {};
  }
  auto last = frames[count - 1];
  return {frames[0].data(),
          static_cast<std::size_t>(last.data() + last.size() + 1 - frames[0].data())};
}

// Encodes `frames` into the write queue, all or none; false (and the
// subscriber told why) if they were refused.
template <class Frames>
bool queue_frames(connection_broker* self, const Frames& frames, std::size_t count,
                  std::size_t bytes) {
  auto& st = self->state;
  if (!st.hdl || st.closing() || st.write_finished) {
    notify_error(self, error_kind::not_connected,
                 st.closing()         ? "send after close: the frame was dropped"
                 : st.write_finished ? "send after finish: the frame was dropped"
                                     : "not connected: the frame was dropped");
    return false;
  }
  if (st.queued_bytes + bytes > st.options.write_high_water) {
    notify_error(self, error_kind::write_buffer_full,
                 "write buffer full: " + std::to_string(st.queued_bytes)
                   + " bytes queued, write_high_water is "
                   + std::to_string(st.options.write_high_water)
                   + "; the frame was dropped");
    return false;
  }
  auto* scribe = open_scribe(self);
  auto& buf = scribe ? scribe->wr_buf() : self->wr_buf(*st.hdl);
  auto before = buf.size();
  bool copied = false;
  if constexpr (std::is_pointer_v<Frames>) {
    // Frames from our decoder need no checks, and their bytes no encoding.
    if (auto block = unchanged_lines(st, frames, count); !block.empty()) {
      buf.insert(buf.end(), block.begin(), block.end());
      copied = true;
    }
  }
  for (std::size_t i = 0; !copied && i < count; ++i) {
    if (append_frame(st.options.framing, frames[i], buf) != encode_status::ok) {
      buf.resize(before);
      std::vector<char> unused;
      auto err = encode_frame(st.options.framing, frames[i], unused);
      notify_error(self, kind_of(err), message_of(err) + "; the frame was dropped");
      return false;
    }
  }
  if (st.options.log)
    for (std::size_t i = 0; i < count; ++i)
      log_traffic(self, direction::out, frames[i]);
  auto added = buf.size() - before;
  st.queued_bytes += added;
  st.stats.bytes_out += added;
  st.stats.frames_out += count;
  return true;
}

// Encodes and writes `frames`, all or none: refused past write_high_water.
template <class Frames>
void on_send(connection_broker* self, const Frames& frames, std::size_t count,
             std::size_t bytes) {
  if (queue_frames(self, frames, count, bytes))
    flush_queued(self);
}

// Handlers shared by client and accepted connections.
caf::message_handler connection_handlers(connection_broker* self) {
  return {
    [=](caf::io::new_data_msg& msg) {
      on_data(self, std::string_view{msg.buf.data(), msg.buf.size()});
    },
    [=](const caf::io::connection_closed_msg&) { on_closed(self); },
    [=](const caf::io::data_transferred_msg& msg) { on_written(self, msg.remaining); },
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
      end_connection(self, error_kind::none,
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
    [=](metrics_atom) { return connection_metrics(self); },
    [=](drain_atom, std::uint64_t mark) -> caf::result<std::uint64_t> {
      auto& st = self->state;
      if (st.queued_bytes <= mark)
        return std::uint64_t{st.queued_bytes};
      auto promise = self->make_response_promise<std::uint64_t>();
      st.drains.emplace_back(mark, promise);
      return promise;
    },
    [=](idle_atom) { on_idle_check(self); },
    [=](fail_atom, const caf::error& err) {
      end_connection(self, kind_of(err), message_of(err));
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
  if (options.inline_session)
    st.session = options.inline_session();
  st.stats.id = options.id != 0 ? options.id : new_connection_id();
  st.rng.seed(static_cast<std::uint32_t>(self->id()));
  st.last_read = st.last_write = std::chrono::steady_clock::now();
  if (options.metrics)
    self->send(options.metrics, metrics_register_atom_v, caf::actor{self});
  // Without CAF's printing to stdout (it races under TSan), and alive
  // whatever the subscriber does with its events.
  ignore_what_comes_back(self);
  self->set_down_handler([self](caf::down_msg& msg) {
    if (msg.source == self->state.subscriber) {
      self->state.reading = read_state::closing;
      end_connection(self, error_kind::none, "subscriber terminated");
    }
  });
}

} // namespace

// Sends a record to the connection's log writer, if it has one.
void log_traffic(connection_broker* self, direction dir, std::string_view payload,
                 log_level level) {
  auto& st = self->state;
  if (st.options.log)
    self->send(st.options.log,
               make_log_record("conn " + std::to_string(st.stats.id), dir,
                               std::string{payload}, level));
}

void answer_drains(connection_broker* self) {
  auto& st = self->state;
  if (st.drains.empty())
    return;
  auto drains = std::move(st.drains);
  st.drains.clear();
  for (auto& drain : drains) {
    if (st.queued_bytes <= drain.first)
      drain.second.deliver(std::uint64_t{st.queued_bytes});
    else
      st.drains.push_back(std::move(drain));
  }
}

void notify_error(connection_broker* self, error_kind kind, std::string msg) {
  auto& st = self->state;
  log_traffic(self, direction::event, msg, log_level::error);
  self->send(st.subscriber, connection_error{st.stats.id, kind, std::move(msg)});
}

bool queue_payloads(connection_broker* self, const std::string_view* payloads, std::size_t count,
                    std::size_t bytes) {
  return queue_frames(self, payloads, count, bytes);
}

void flush_queued(connection_broker* self) {
  auto& st = self->state;
  auto* scribe = open_scribe(self);
  if (!scribe) {
    if (st.hdl)
      self->flush(*st.hdl); // acknowledged by data_transferred_msg
    return;
  }
  // Our scribe writes at once what the socket takes, unacknowledged, or,
  // inside a read, holds the write to the end of the pass and reports it
  // then (on_written).
  scribe->flush();
  if (auto left = scribe->bytes_pending(); left < st.queued_bytes)
    count_written(self, left);
}

void count_written(connection_broker* self, std::size_t remaining) {
  auto& st = self->state;
  st.queued_bytes = remaining;
  ++st.socket_writes;
  st.last_write = coarse_now();
  answer_drains(self);
}

void on_written(connection_broker* self, std::size_t remaining) {
  auto& st = self->state;
  count_written(self, remaining);
  if (st.session && st.reading == read_state::paused)
    resume_reading(self); // the backlog that paused reading went out
  if (st.close_after_queue && st.queued_bytes == 0)
    end_connection(self, st.close_reason, st.close_message);
}

void on_bytes_written(caf::io::abstract_broker* self, std::size_t remaining) {
  // Our scribes belong to connection brokers only.
  on_written(static_cast<connection_broker*>(self), remaining);
}

tcp_scribe* open_scribe(connection_broker* self) {
  auto& st = self->state;
  if (!st.hdl)
    return nullptr;
  if (!st.scribe || st.scribe->hdl() != *st.hdl)
    st.scribe.reset(tcp_scribe_of(self, *st.hdl));
  return st.scribe.get();
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
  if (auto* scribe = open_scribe(self)) {
    scribe->handle_reads_with(on_data_read); // no message per read
    scribe->handle_writes_with(on_bytes_written); // nor per write
  }
  st.reading = read_state::unconfigured;
  resume_reading(self);
  ++st.socket_serial;
  st.secured = false;
  st.tls_version.clear();
  if (st.tls.ctx) {
    // `connected` waits for the handshake (tls_established_msg).
    auto* scribe = open_scribe(self);
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
