#include "connection_steps.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <string>

#include <caf/send.hpp>

#include "actors/framing.hpp"
#include "coarse_clock.hpp"

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

// Halts reading once the credit ran out (or, with an inline session, the
// write backlog grew): at most one read chunk of frames beyond the credit.
// Our scribe stops at once, even inside this read.
void pause_if_needed(connection_broker* self) {
  auto& st = self->state;
  if (st.reading == read_state::reading && !st.may_read()) {
    self->halt(*st.hdl);
    st.reading = read_state::paused;
  }
}

// A decoding error: the connection ends on the next message.
void fail_after_read(connection_broker* self, const caf::error& err) {
  notify_error(self, kind_of(err), message_of(err));
  // CAF 0.17 crashes if a scribe is closed inside its own read handler
  // while activity tokens are in use; the closing state stops the reading
  // here and the close happens on the next message.
  self->state.reading = read_state::closing;
  self->send(self, fail_atom::value, err);
}

// A session that threw ends its connection, and only that.
caf::error session_failure(const std::string& what) {
  return caf::make_error(error_kind::session_failed, "the inline session threw: " + what);
}

// Hands the frames of one read to the inline session in one call; its
// replies are written once, after it. A frame that began in an earlier read
// lives in the decoder's buffer, which the rest of the read may reuse: it
// goes to the session at once, in a call of its own, rather than be copied.
void deliver_inline(connection_broker* self, std::string_view bytes) {
  auto& st = self->state;
  session_output out{self};
  auto hand_over = [&] {
    if (!st.inline_frames.empty() && !out.close_requested())
      st.session->on_frames(st.inline_frames, out);
    st.inline_frames.clear();
  };
  st.inline_frames.clear();
  st.inline_read = bytes;
  caf::error err;
  try {
    err = st.decoder.feed(bytes, [&](std::string_view frame) {
      ++st.stats.frames_in;
      if (st.options.log)
        log_traffic(self, direction::in, frame);
      st.inline_frames.emplace_back(frame.data(), frame.size());
      bool in_read = frame.data() >= bytes.data()
                     && frame.data() + frame.size() <= bytes.data() + bytes.size();
      if (!in_read)
        hand_over();
    });
    hand_over();
  } catch (const std::exception& e) {
    err = session_failure(e.what());
  } catch (...) {
    err = session_failure("an exception that is not a std::exception");
  }
  st.inline_read = {};
  flush_queued(self); // what the session sent before it threw, too
  if (out.close_requested() && !st.closing()) {
    // Not inside the scribe's read (see fail_after_read): next message.
    st.reading = read_state::closing;
    self->send(self, close_atom_v);
  }
  if (err && !st.closing())
    fail_after_read(self, err);
}

} // namespace

// Reading runs (`trigger(hdl)`) while `may_read()`; on_data halts it when
// the credit runs out, and credit (or, with an inline session, the write
// backlog going out) resumes it.
void resume_reading(connection_broker* self) {
  auto& st = self->state;
  if (!st.hdl || !st.may_read())
    return;
  switch (st.reading) {
    case read_state::unconfigured:
      st.read_chunk = std::max<std::size_t>(
        1, std::min(st.options.initial_read_chunk_size, st.options.read_chunk_size));
      self->configure_read(*st.hdl, caf::io::receive_policy::at_most(st.read_chunk));
      [[fallthrough]];
    case read_state::paused:
      self->trigger(*st.hdl);
      st.reading = read_state::reading;
      return;
    case read_state::reading:
    case read_state::peer_finished:
    case read_state::closing:
      return;
  }
}

// Stops reading for good: the connection is ending.
void stop_reading(connection_broker* self) {
  auto& st = self->state;
  if (st.hdl && st.reading == read_state::reading)
    self->halt(*st.hdl);
  st.reading = read_state::closing;
}

namespace {

// Decodes `bytes` and hands the frames to the inline session or the
// subscriber.
void decode(connection_broker* self, std::string_view bytes) {
  auto& st = self->state;
  if (st.session) {
    deliver_inline(self, bytes);
    pause_if_needed(self);
    return;
  }
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
  if (err)
    fail_after_read(self, err);
  pause_if_needed(self);
}

} // namespace

void on_data(connection_broker* self, std::string_view bytes) {
  auto& st = self->state;
  st.stats.bytes_in += bytes.size();
  // A read of the same pass after a failure or a close was decided: the
  // connection is ending, and its decoder has refused input since the error.
  if (st.reading == read_state::closing)
    return;
  ++st.socket_reads;
  grow_read_chunk(self, bytes.size());
  st.last_read = coarse_now();
  decode(self, bytes);
}

void deliver_unterminated_line(connection_broker* self) {
  // The delimiter the peer did not send ends the line; it was not read, so
  // it counts in no figure but the frame's.
  auto delimiter = self->state.options.framing.delimiter;
  decode(self, std::string_view{&delimiter, 1});
}

void on_data_read(caf::io::abstract_broker* self, std::string_view bytes) {
  // Our scribes belong to connection brokers only.
  on_data(static_cast<connection_broker*>(self), bytes);
}

} // namespace actors::detail
