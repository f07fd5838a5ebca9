#pragma once

// The end of a test that started servers and sessions in its own actor system.

#include <vector>

#include <caf/actor.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/server.hpp"

namespace testing_support {

/// Closes every acceptor and waits (at most 10 s each) until it is gone,
/// then kills the sessions. Servers must stop before the actor system can
/// shut down; bounded, because a server that does not stop is a failure,
/// not a hang. Echo sessions never quit on their own, so they are stopped
/// here rather than left to the last reference going away (fault_test hung
/// in ~actor_system on one).
void stop_servers(caf::scoped_actor& self, const std::vector<actors::server_actor>& acceptors,
                  const std::vector<caf::actor>& sessions);

} // namespace testing_support
