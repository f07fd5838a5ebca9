#pragma once

// Our doorman: accepts peers in CAF's multiplexer like CAF's own, and gives
// each accepted socket our scribe (tcp_scribe.hpp). Internal.

#include <cstdint>
#include <string>

#include <caf/io/abstract_broker.hpp>
#include <caf/io/doorman.hpp>
#include <caf/io/network/acceptor_impl.hpp>
#include <caf/io/network/native_socket.hpp>
#include <caf/policy/tcp.hpp>

namespace caf::io::network {
class default_multiplexer;
} // namespace caf::io::network

namespace actors::detail {

/// A doorman whose accepted peers get a `tcp_scribe`.
class tcp_doorman final : public caf::io::doorman {
public:
  tcp_doorman(caf::io::network::default_multiplexer& mpx,
              caf::io::network::native_socket fd);

  bool new_connection() override;
  void graceful_shutdown() override;
  void launch() override;
  std::string addr() const override;
  std::uint16_t port() const override;
  void add_to_loop() override;
  void remove_from_loop() override;

private:
  caf::io::network::acceptor_impl<caf::policy::tcp> acceptor_;
};

/// Our doorman for a listening socket, ready for `broker::add_doorman`.
caf::io::doorman_ptr make_tcp_doorman(caf::io::abstract_broker* self, int fd);

} // namespace actors::detail
