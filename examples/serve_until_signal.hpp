#pragma once

// What every server example does after listen(): print where it listens,
// wait for SIGINT or SIGTERM, then stop the server and wait until it is gone,
// then close the log (if any) so that it holds every frame.

#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/connection_protocol.hpp"
#include "actors/server.hpp"
#include "actors/termination_signal.hpp"
#include "log_option.hpp"

namespace examples {

/// What a server serves besides its listener (UDP, metrics, ...).
struct also_served {
  /// Lines printed after "listening on ADDR:PORT", e.g. "udp on ADDR:PORT".
  std::vector<std::string> banners;
  /// Run after the signal, before the server stops, in order.
  std::vector<std::function<void(caf::scoped_actor&)>> on_stop;
};

/// Stops what `also` names, then the server if it listens (waiting until
/// it is gone), then closes the log: nothing is left that the actor system
/// would wait for, deaf to the blocked signals. False if the log lost records.
inline bool stop_serving(caf::actor_system& sys, const caf::expected<actors::server>& srv,
                         const actors::log_writer_actor& log, const also_served& also) {
  caf::scoped_actor self{sys};
  for (auto& stop : also.on_stop)
    stop(self);
  if (srv) {
    self->send(srv->acceptor, actors::close_atom::value);
    self->wait_for(srv->acceptor);
  }
  return close_log(sys, log);
}

/// Returns the exit code: 1 if listening failed (after stopping what
/// `also` names) or the log lost records, 0 after a clean stop.
/// Call `actors::block_termination_signals()` before creating the system.
inline int serve_until_signal(caf::actor_system& sys,
                              const caf::expected<actors::server>& srv,
                              const actors::log_writer_actor& log = {},
                              const also_served& also = {}) {
  if (!srv) {
    std::cerr << "error: " << actors::message_of(srv.error()) << "\n";
    stop_serving(sys, srv, log, also);
    return 1;
  }
  std::cout << "listening on " << srv->address << ":" << srv->port << std::endl;
  for (auto& banner : also.banners)
    std::cout << banner << std::endl;
  actors::wait_for_termination_signal();
  return stop_serving(sys, srv, log, also) ? 0 : 1;
}

} // namespace examples
