#include "tcp_transport.hpp"

#include <cerrno>
#include <sys/socket.h>

#include <caf/actor_system_config.hpp>
#include <caf/config_value.hpp>
#include <caf/defaults.hpp>
#include <caf/io/abstract_broker.hpp>
#include <caf/io/network/default_multiplexer.hpp>
#include <caf/mailbox_element.hpp>
#include <caf/message_id.hpp>

#include "connection_broker.hpp"

namespace actors::detail {

namespace net = caf::io::network;

// -- tcp_socket_handler -------------------------------------------------------

tcp_socket_handler::tcp_socket_handler(net::default_multiplexer& mpx,
                                       net::native_socket fd, tcp_scribe* owner)
  : event_handler(mpx, fd),
    owner_(owner),
    max_consecutive_reads_(caf::get_or(mpx.system().config(),
                                       "middleman.max-consecutive-reads",
                                       caf::defaults::middleman::max_consecutive_reads)) {
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
  }
}

void tcp_socket_handler::flush(tcp_scribe*) {
  send_pending();
}

void tcp_socket_handler::finish_writing() {
  fin_pending_ = true;
  if (!state_.writing) {
    if (tls_ && tls_->established() && queued_.empty() && !close_notify_sent_) {
      tls_->close_notify();
      close_notify_sent_ = true;
    }
    send_pending();
    if (!state_.writing)
      shutdown_write();
  }
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

void tcp_socket_handler::read_plain() {
  for (std::size_t reads = 0; reads < max_consecutive_reads_; ++reads) {
    if (!reading_ || !reader_)
      return;
    read_buf_.resize(max_read_);
    auto n = ::recv(fd(), read_buf_.data(), read_buf_.size(), 0);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
        return;
      auto reader = reader_;
      stop_reading();
      reader->io_failure(&backend(), net::operation::read);
      return;
    }
    if (n == 0) {
      peer_finished_sending();
      return;
    }
    if (!reader_->consume(&backend(), read_buf_.data(), static_cast<std::size_t>(n))) {
      stop_reading();
      return;
    }
  }
}

void tcp_socket_handler::read_tls() {
  caf::intrusive_ptr<tcp_scribe> guard{owner_};
  for (std::size_t reads = 0; reads < max_consecutive_reads_; ++reads) {
    if (!reading_ || !reader_ || !deliver_plaintext() || !reading_)
      return;
    auto n = ::recv(fd(), cipher_in_.data(), cipher_in_.size(), 0);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
        return;
      auto reader = reader_;
      stop_reading();
      reader->io_failure(&backend(), net::operation::read);
      return;
    }
    if (n == 0) {
      if (!tls_->established()) {
        stop_reading();
        owner_->on_transport_error(&backend(), error_kind::tls_handshake_failed,
                                   "TLS handshake failed: the peer closed the connection");
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
      if (!reader_->consume(&backend(), read_buf_.data(), filled)) {
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
  if (remaining == 0)
    next_write();
}

void tcp_socket_handler::send_pending() {
  if (state_.writing)
    return; // next_write takes it
  bool waiting = tls_ ? tls_->has_output() || (tls_->established() && !queued_.empty())
                      : !queued_.empty();
  if (!waiting)
    return;
  backend().add(net::operation::write, fd(), this);
  writer_.reset(owner_);
  state_.writing = true;
  next_write();
}

void tcp_socket_handler::next_write() {
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
  if (writing_.empty()) {
    state_.writing = false;
    backend().del(net::operation::write, fd(), this);
    if (fin_pending_ && queued_.empty())
      shutdown_write();
  }
}

void tcp_socket_handler::shutdown_write() {
  if (write_shut_)
    return;
  write_shut_ = true;
  ::shutdown(fd(), SHUT_WR);
}

// -- tcp_scribe ---------------------------------------------------------------

tcp_scribe::tcp_scribe(net::default_multiplexer& mpx, net::native_socket fd)
  : scribe(net::conn_hdl_from_socket(fd)), handler_(mpx, fd, this) {
}

void tcp_scribe::configure_read(caf::io::receive_policy::config config) {
  handler_.max_read(config.second);
  if (!launched_)
    launch();
}

void tcp_scribe::ack_writes(bool enable) {
  handler_.ack_writes(enable);
}

std::vector<char>& tcp_scribe::wr_buf() {
  return handler_.queue();
}

std::vector<char>& tcp_scribe::rd_buf() {
  return handler_.read_buffer();
}

void tcp_scribe::graceful_shutdown() {
  handler_.graceful_shutdown();
  detach(&handler_.backend(), false);
}

void tcp_scribe::flush() {
  handler_.flush(this);
}

std::string tcp_scribe::addr() const {
  auto x = net::remote_addr_of_fd(handler_.fd());
  return x ? *x : std::string{};
}

std::uint16_t tcp_scribe::port() const {
  auto x = net::remote_port_of_fd(handler_.fd());
  return x ? *x : 0;
}

void tcp_scribe::launch() {
  launched_ = true;
  handler_.start_reading(this);
}

void tcp_scribe::add_to_loop() {
  handler_.start_reading(this);
}

void tcp_scribe::remove_from_loop() {
  handler_.stop_reading();
}

void tcp_scribe::on_peer_finished(caf::execution_unit* ctx) {
  if (detached())
    return;
  // Delivered at once, like new_data_msg, so it follows the last data.
  auto guard = parent_;
  caf::mailbox_element_vals<read_closed_msg> msg{nullptr, caf::make_message_id(),
                                                 {}, read_closed_msg{hdl()}};
  invoke_mailbox_element_impl(ctx, msg);
}

void tcp_scribe::on_tls_established(caf::execution_unit* ctx, std::string version,
                                    std::string cipher) {
  if (detached())
    return;
  auto guard = parent_;
  caf::mailbox_element_vals<tls_established_msg> msg{
    nullptr, caf::make_message_id(), {},
    tls_established_msg{hdl(), std::move(version), std::move(cipher)}};
  invoke_mailbox_element_impl(ctx, msg);
}

void tcp_scribe::on_transport_error(caf::execution_unit* ctx, error_kind kind,
                                    std::string message) {
  if (detached())
    return;
  auto guard = parent_;
  caf::mailbox_element_vals<transport_error_msg> msg{
    nullptr, caf::make_message_id(), {},
    transport_error_msg{hdl(), kind, std::move(message)}};
  invoke_mailbox_element_impl(ctx, msg);
}

tcp_scribe* tcp_scribe_of(caf::io::abstract_broker* self,
                          caf::io::connection_handle hdl) {
  // CAF 0.17 has no lookup by handle for outsiders: take the scribe out of
  // the broker's table and put it back.
  auto ptr = self->take(hdl);
  if (!ptr)
    return nullptr;
  auto* ours = dynamic_cast<tcp_scribe*>(ptr.get());
  self->move_scribe(std::move(ptr));
  return ours;
}

// -- tcp_doorman --------------------------------------------------------------

tcp_doorman::tcp_doorman(net::default_multiplexer& mpx, net::native_socket fd)
  : doorman(net::accept_hdl_from_socket(fd)), acceptor_(mpx, fd) {
}

bool tcp_doorman::new_connection() {
  if (detached())
    return false;
  auto& mpx = acceptor_.backend();
  auto scribe = caf::make_counted<tcp_scribe>(mpx, acceptor_.accepted_socket());
  auto hdl = scribe->hdl();
  parent()->add_scribe(std::move(scribe));
  return doorman::new_connection(&mpx, hdl);
}

void tcp_doorman::graceful_shutdown() {
  acceptor_.graceful_shutdown();
  detach(&acceptor_.backend(), false);
}

void tcp_doorman::launch() {
  acceptor_.start(this);
}

std::string tcp_doorman::addr() const {
  auto x = net::local_addr_of_fd(acceptor_.fd());
  return x ? *x : std::string{};
}

std::uint16_t tcp_doorman::port() const {
  auto x = net::local_port_of_fd(acceptor_.fd());
  return x ? *x : 0;
}

void tcp_doorman::add_to_loop() {
  acceptor_.activate(this);
}

void tcp_doorman::remove_from_loop() {
  acceptor_.passivate();
}

// -- factories ----------------------------------------------------------------

namespace {

net::default_multiplexer& multiplexer_of(caf::io::abstract_broker* self) {
  // Brokers run in the middleman's default multiplexer.
  return static_cast<net::default_multiplexer&>(self->backend());
}

} // namespace

caf::io::scribe_ptr make_tcp_scribe(caf::io::abstract_broker* self, int fd) {
  return caf::make_counted<tcp_scribe>(multiplexer_of(self), fd);
}

caf::io::doorman_ptr make_tcp_doorman(caf::io::abstract_broker* self, int fd) {
  return caf::make_counted<tcp_doorman>(multiplexer_of(self), fd);
}

} // namespace actors::detail
