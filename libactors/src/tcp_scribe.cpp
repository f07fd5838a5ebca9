#include "tcp_scribe.hpp"

#include <exception>

#include <caf/io/network/default_multiplexer.hpp>
#include <caf/mailbox_element.hpp>
#include <caf/message_id.hpp>
#include <caf/scheduled_actor.hpp>

namespace actors::detail {

namespace net = caf::io::network;

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

template <class Handler>
bool tcp_scribe::run_on_broker(caf::execution_unit* ctx, Handler handler) {
  if (detached())
    return false;
  // What CAF does around a message handler (scheduled_actor::activate and
  // reactivate), without the message: the broker owns no timeout nor
  // activity tokens.
  auto* self = parent();
  caf::strong_actor_ptr keep_alive{self->ctrl()};
  self->context(ctx);
  try {
    handler(self);
  } catch (...) {
    auto failure = std::current_exception();
    self->quit(caf::scheduled_actor::default_exception_handler(self, failure));
  }
  self->finalize();
  return !detached();
}

bool tcp_scribe::consume(caf::execution_unit* ctx, const void* buf, std::size_t num_bytes) {
  if (!read_handler_)
    return scribe::consume(ctx, buf, num_bytes);
  // The bytes stay in our read buffer.
  return run_on_broker(ctx, [&](caf::io::abstract_broker* self) {
    read_handler_(self, {static_cast<const char*>(buf), num_bytes});
  });
}

void tcp_scribe::data_transferred(caf::execution_unit* ctx, std::size_t written,
                                  std::size_t remaining) {
  if (!written_handler_) {
    scribe::data_transferred(ctx, written, remaining);
    return;
  }
  run_on_broker(ctx, [&](caf::io::abstract_broker* self) { written_handler_(self, remaining); });
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

template <class Message>
void tcp_scribe::deliver(caf::execution_unit* ctx, Message message) {
  if (detached())
    return;
  // Invoked at once, like new_data_msg, so it keeps its place after the
  // data read before it.
  auto guard = parent_;
  caf::mailbox_element_vals<Message> element{nullptr, caf::make_message_id(), {},
                                             std::move(message)};
  invoke_mailbox_element_impl(ctx, element);
}

void tcp_scribe::on_peer_finished(caf::execution_unit* ctx) {
  deliver(ctx, read_closed_msg{hdl()});
}

void tcp_scribe::on_tls_established(caf::execution_unit* ctx, std::string version,
                                    std::string cipher) {
  deliver(ctx, tls_established_msg{hdl(), std::move(version), std::move(cipher)});
}

void tcp_scribe::on_transport_error(caf::execution_unit* ctx, error_kind kind,
                                    std::string message) {
  deliver(ctx, transport_error_msg{hdl(), kind, std::move(message)});
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

caf::io::scribe_ptr make_tcp_scribe(caf::io::abstract_broker* self, int fd) {
  // Brokers run in the middleman's default multiplexer.
  auto& mpx = static_cast<net::default_multiplexer&>(self->backend());
  return caf::make_counted<tcp_scribe>(mpx, fd);
}

} // namespace actors::detail
