#pragma once

// What every server example does after listen(): print where it listens,
// wait for SIGINT or SIGTERM, then stop the server and wait until it is gone,
// then close the log (if any) so that it holds every frame.

#include <iostream>

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/connection_protocol.hpp"
#include "actors/server.hpp"
#include "actors/termination_signal.hpp"
#include "log_option.hpp"

namespace examples {

/// Returns the exit code: 1 if listening failed, 0 after a clean stop.
/// Call `actors::block_termination_signals()` before creating the system.
inline int serve_until_signal(caf::actor_system& sys,
                              const caf::expected<actors::server>& srv,
                              const actors::log_writer_actor& log = {}) {
  if (!srv) {
    std::cerr << "error: " << actors::message_of(srv.error()) << "\n";
    close_log(sys, log);
    return 1;
  }
  std::cout << "listening on " << srv->address << ":" << srv->port << std::endl;
  actors::wait_for_termination_signal();
  caf::scoped_actor self{sys};
  self->send(srv->acceptor, actors::close_atom::value);
  self->wait_for(srv->acceptor);
  close_log(sys, log);
  return 0;
}

} // namespace examples
