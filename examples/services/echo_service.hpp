#pragma once

// The echo service behind examples/echo_server and the client's demo server.

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/server.hpp"

namespace services {

/// A session factory for `actors::listen`: one echo session per connection,
/// sending every frame back and reading exactly as fast as it echoes.
/// Works with and without `connection_options::batch_frames`.
actors::session_factory echo_sessions(caf::actor_system& system);

} // namespace services
