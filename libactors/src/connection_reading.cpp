#include "connection_steps.hpp"

#include <algorithm>
#include <chrono>

#include <caf/actor_cast.hpp>
#include <caf/io/network/multiplexer.hpp>
#include <caf/send.hpp>

#include "actors/framing.hpp"

namespace actors::detail {

namespace {

using std::chrono::steady_clock;

// A read that filled the buffer suggests more is waiting: read more at once.
void grow_read_chunk(connection_broker* self, std::size_t bytes_read) {
  auto& st = self->state;
  if (bytes_read < st.read_chunk || st.read_chunk >= st.options.read_chunk_size
      || !st.hdl)
    return;
  st.read_chunk = std::min(st.read_chunk * 2, st.options.read_chunk_size);
  self->configure_read(*st.hdl, caf::io::receive_policy::at_most(st.read_chunk));
}

} // namespace

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
    log_traffic(self, direction::in, frame);
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

} // namespace actors::detail
