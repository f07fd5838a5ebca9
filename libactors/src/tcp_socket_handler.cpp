#include "tcp_socket_handler.hpp"

#include <cerrno>
#include <sys/socket.h>

#include <caf/io/network/default_multiplexer.hpp>

#include "end_of_pass.hpp"
#include "read_budget.hpp"
#include "tcp_scribe.hpp"

namespace actors::detail {

namespace net = caf::io::network;

tcp_socket_handler::tcp_socket_handler(net::default_multiplexer& mpx,
                                       net::native_socket fd, tcp_scribe* owner)
  : event_handler(mpx, fd),
    owner_(owner),
    max_consecutive_reads_(max_consecutive_reads(mpx)) {
}

void tcp_socket_handler::handle_event(net::operation op) {
  switch (op) {
    case net::operation::read:
      read_some();
      break;
    case net::operation::write:
      write_some();
      break;
    case net::operation::propagate_error:
      // Hang-up or socket error while neither reading nor writing.
      if (reader_)
        reader_->io_failure(&backend(), net::operation::read);
      if (writer_)
        writer_->io_failure(&backend(), net::operation::write);
      break;
  }
}

void tcp_socket_handler::removed_from_loop(net::operation op) {
  // A read removal can land after reading was started again (the
  // multiplexer applies changes at the end of its iteration): keep the
  // reader then.
  if (op == net::operation::read && !reading_)
    reader_.reset();
  else if (op == net::operation::write)
    writer_.reset();
}

void tcp_socket_handler::graceful_shutdown() {
  // CAF calls this when the broker closes the connection: FIN after the
  // queue; the scribe detaches, and the socket closes with the last reference.
  finish_writing();
}

void tcp_socket_handler::start_reading(tcp_scribe* owner) {
  if (peer_finished_)
    return; // nothing more will come
  reader_.reset(owner);
  if (!reading_) {
    reading_ = true;
    activate();
  }
  // Records TLS took from the socket already will not make it readable.
  if (tls_ && tls_->has_buffered_input())
    backend().post([guard = caf::intrusive_ptr<tcp_scribe>{owner}] {
      guard->read_buffered();
    });
}

void tcp_socket_handler::stop_reading() {
  if (reading_) {
    reading_ = false;
    passivate();
    // Not registered for reading yet (the start was this iteration, and the
    // multiplexer squashes both into nothing): no read event can come, and
    // no removed_from_loop either, so let go of the scribe now.
    if ((eventbf() & net::input_mask) == 0)
      reader_.reset();
  }
}

void tcp_socket_handler::flush(tcp_scribe*) {
  if (state_.writing || write_held_)
    return; // write_some or write_held sends it
  if (!consuming_) {
    // A flush from a message (a session actor's reply) comes a hop after
    // its read already: held, it waited a pass more (16 KiB echoes with
    // session actors ran 40% slower).
    send_pending();
    return;
  }
  write_held_ = true;
  write_at_end_of_pass(backend(), owner_);
}

bool tcp_socket_handler::consume(const char* bytes, std::size_t size) {
  consuming_ = true;
  auto ok = reader_->consume(&backend(), bytes, size);
  consuming_ = false;
  return ok;
}

void tcp_socket_handler::write_held() {
  write_held_ = false;
  auto before = bytes_pending();
  send_pending();
  auto remaining = bytes_pending();
  // Told like write_some's progress: the broker counted these bytes as
  // queued when it flushed.
  if (remaining < before && state_.ack_writes)
    owner_->data_transferred(&backend(), before - remaining, remaining);
}

void tcp_socket_handler::finish_writing() {
  // take_next_bytes adds TLS's close_notify after the queue; the FIN goes
  // out once everything is written.
  fin_pending_ = true;
  send_pending();
}

std::string tcp_socket_handler::start_tls(const tls_context& context,
                                          std::string peer) {
  tls_ = std::make_unique<tls_stage>(context, std::move(peer));
  cipher_in_.resize(32 * 1024);
  if (tls_->failed()
      || (context.role == tls_role::client && !tls_->advance_handshake()))
    return tls_->error_message();
  send_pending(); // a client's hello
  return {};
}

void tcp_socket_handler::read_buffered() {
  if (reading_ && reader_)
    read_some();
}

void tcp_socket_handler::read_some() {
  if (tls_)
    read_tls();
  else
    read_plain();
}

ssize_t tcp_socket_handler::receive(char* buf, std::size_t size) {
  auto n = ::recv(fd(), buf, size, 0);
  if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
    auto reader = reader_;
    stop_reading();
    reader->io_failure(&backend(), net::operation::read);
  }
  return n;
}

void tcp_socket_handler::read_plain() {
  for (std::size_t reads = 0; reads < max_consecutive_reads_; ++reads) {
    if (!reading_ || !reader_)
      return;
    // What this recv asks for: the reader may change max_read_ (grow its
    // reads) while it consumes.
    auto asked = max_read_;
    read_buf_.resize(asked);
    auto n = receive(read_buf_.data(), asked);
    if (n < 0)
      return;
    if (n == 0) {
      peer_finished_sending();
      return;
    }
    if (!consume(read_buf_.data(), static_cast<std::size_t>(n))) {
      stop_reading();
      return;
    }
    // A short read emptied the socket: another recv would only say EAGAIN
    // (level-triggered epoll reports what arrives later). CAF's consume
    // resized read_buf_ to n, so compare with what was asked.
    if (static_cast<std::size_t>(n) < asked)
      return;
  }
}

void tcp_socket_handler::read_tls() {
  caf::intrusive_ptr<tcp_scribe> guard{owner_};
  bool drained = false; // a short read emptied the socket (see read_plain)
  for (std::size_t reads = 0; reads < max_consecutive_reads_; ++reads) {
    if (!reading_ || !reader_ || !deliver_plaintext() || !reading_ || drained)
      return;
    auto n = receive(cipher_in_.data(), cipher_in_.size());
    if (n < 0)
      return;
    drained = static_cast<std::size_t>(n) < cipher_in_.size();
    if (n == 0) {
      if (!tls_->established()) {
        stop_reading();
        owner_->on_transport_error(&backend(), error_kind::tls_handshake_failed,
                                   tls_->closed_in_handshake());
        return;
      }
      peer_finished_sending(); // a FIN without close_notify
      return;
    }
    tls_->feed(cipher_in_.data(), static_cast<std::size_t>(n));
    if (tls_->established())
      continue;
    bool ok = tls_->advance_handshake();
    send_pending(); // our part of the handshake, or an alert
    if (!ok) {
      tls_failed();
      return;
    }
    if (tls_->established()) {
      owner_->on_tls_established(&backend(), tls_->version(), tls_->cipher());
      send_pending(); // what the broker queued meanwhile
    }
  }
}

bool tcp_socket_handler::deliver_plaintext() {
  while (tls_->established()) {
    // One delivery per read buffer, not per TLS record: small records would
    // otherwise cost a broker round trip each.
    read_buf_.resize(max_read_);
    std::size_t filled = 0;
    while (filled < read_buf_.size()) {
      auto n = tls_->read(read_buf_.data() + filled, read_buf_.size() - filled);
      if (n == 0)
        break;
      filled += n;
    }
    if (tls_->has_output())
      send_pending(); // a read can answer (key updates)
    if (filled > 0) {
      if (!consume(read_buf_.data(), filled)) {
        stop_reading(); // a failure or close_notify behind it waits
        return false;
      }
      if (!reading_ || !reader_)
        return false;
    }
    if (tls_->failed()) {
      tls_failed();
      return false;
    }
    if (tls_->peer_closed()) {
      peer_finished_sending();
      return false;
    }
    if (filled == 0)
      return true; // wait for more ciphertext
  }
  return true;
}

void tcp_socket_handler::peer_finished_sending() {
  // Our side stays open for writing.
  peer_finished_ = true;
  auto reader = reader_;
  stop_reading();
  if (reader)
    reader->on_peer_finished(&backend());
}

void tcp_socket_handler::tls_failed() {
  stop_reading();
  if (tls_failure_reported_)
    return;
  tls_failure_reported_ = true;
  owner_->on_transport_error(&backend(), tls_->error(), tls_->error_message());
}

void tcp_socket_handler::write_some() {
  if (!writer_)
    return;
  auto n = ::send(fd(), writing_.data() + written_, writing_.size() - written_,
                  MSG_NOSIGNAL);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
      return;
    auto writer = writer_;
    backend().del(net::operation::write, fd(), this);
    writer->io_failure(&backend(), net::operation::write);
    return;
  }
  written_ += static_cast<std::size_t>(n);
  auto remaining = writing_.size() - written_;
  if (state_.ack_writes)
    writer_->data_transferred(&backend(), static_cast<std::size_t>(n),
                              remaining + queued_.size());
  if (remaining == 0 && !take_next_bytes()) {
    state_.writing = false;
    backend().del(net::operation::write, fd(), this);
    if (fin_pending_ && queued_.empty())
      shutdown_write();
  }
}

void tcp_socket_handler::send_pending() {
  if (state_.writing)
    return; // the multiplexer calls write_some when the socket takes more
  // Write at once, as far as the socket takes it: waiting for the
  // multiplexer would cost two epoll_ctl calls and a loop iteration per
  // flush. Nothing here calls into the broker (this runs inside its
  // handlers); a failed send is reported by write_some's next try.
  for (;;) {
    if (written_ == writing_.size() && !take_next_bytes()) {
      if (fin_pending_ && queued_.empty())
        shutdown_write();
      return;
    }
    auto n = ::send(fd(), writing_.data() + written_, writing_.size() - written_,
                    MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    written_ += static_cast<std::size_t>(n);
  }
  backend().add(net::operation::write, fd(), this);
  writer_.reset(owner_);
  state_.writing = true;
}

bool tcp_socket_handler::take_next_bytes() {
  written_ = 0;
  writing_.clear();
  if (tls_) {
    if (tls_->established() && !queued_.empty()) {
      if (!tls_->write(queued_.data(), queued_.size()))
        tls_failed();
      queued_.clear();
    }
    if (fin_pending_ && queued_.empty() && tls_->established()
        && !close_notify_sent_) {
      tls_->close_notify();
      close_notify_sent_ = true;
    }
    tls_->take_output(writing_);
  } else {
    writing_.swap(queued_);
  }
  return !writing_.empty();
}

void tcp_socket_handler::shutdown_write() {
  if (write_shut_)
    return;
  write_shut_ = true;
  ::shutdown(fd(), SHUT_WR);
}

} // namespace actors::detail
