#pragma once

// Our doorman: accepts peers in CAF's multiplexer like CAF's own, and gives
// each accepted socket our scribe (tcp_scribe.hpp). Internal.

#include <cstdint>
#include <string>

#include <caf/io/abstract_broker.hpp>
#include <caf/io/doorman.hpp>
#include <caf/io/fwd.hpp>
#include <caf/io/network/acceptor_impl.hpp>
#include <caf/io/network/native_socket.hpp>
#include <caf/policy/tcp.hpp>

namespace actors::detail {

class tcp_doorman;

/// CAF's TCP acceptor, taking up to `max_accepts_per_event` peers per
/// readable event instead of one. 5,000 connects at once overflowed the
/// kernel's accept queue (somaxconn, 4096) about one run in five with one
/// accept per loop iteration, and each dropped SYN costs its client a second.
class batch_acceptor final
  : public caf::io::network::acceptor_impl<caf::policy::tcp> {
public:
  /// Bounded, so that a storm of connects cannot starve open connections.
  static constexpr int max_accepts_per_event = 64;

  batch_acceptor(caf::io::network::default_multiplexer& mpx,
                 caf::io::network::native_socket fd, const tcp_doorman* owner)
    : acceptor_impl(mpx, fd), owner_(owner) {
  }

  void handle_event(caf::io::network::operation op) override;

private:
  const tcp_doorman* owner_;
};

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
  batch_acceptor acceptor_;
};

/// Our doorman for a listening socket, ready for `broker::add_doorman`.
caf::io::doorman_ptr make_tcp_doorman(caf::io::abstract_broker* self, int fd);

} // namespace actors::detail
