#include "tcp_doorman.hpp"

#include <caf/io/network/default_multiplexer.hpp>

#include "tcp_scribe.hpp"

namespace actors::detail {

namespace net = caf::io::network;

void batch_acceptor::handle_event(net::operation op) {
  for (int i = 0; i < max_accepts_per_event && !owner_->detached(); ++i) {
    // CAF's acceptor takes one peer (if any) and hands it to the doorman.
    accepted_socket() = net::invalid_native_socket;
    acceptor_impl::handle_event(op);
    if (accepted_socket() == net::invalid_native_socket)
      return; // none waiting
  }
}

tcp_doorman::tcp_doorman(net::default_multiplexer& mpx, net::native_socket fd)
  : doorman(net::accept_hdl_from_socket(fd)), acceptor_(mpx, fd, this) {
}

bool tcp_doorman::new_connection() {
  if (detached()) {
    net::close_socket(acceptor_.accepted_socket()); // no broker to take it
    return false;
  }
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

caf::io::doorman_ptr make_tcp_doorman(caf::io::abstract_broker* self, int fd) {
  // Brokers run in the middleman's default multiplexer.
  auto& mpx = static_cast<net::default_multiplexer&>(self->backend());
  return caf::make_counted<tcp_doorman>(mpx, fd);
}

} // namespace actors::detail
