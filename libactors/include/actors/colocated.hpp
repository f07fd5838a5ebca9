#pragma once

#include <utility>

#include <caf/actor_system.hpp>
#include <caf/io/broker.hpp>
#include <caf/io/middleman.hpp>

namespace actors {

/// Spawns an actor hosted by the network multiplexer, on the same thread as
/// the connection actors: messages between it and its connection need no
/// hand-off between threads, which roughly doubles a per-frame session's
/// throughput. `fun` takes a `caf::io::broker*` (or a stateful broker) first.
///
/// The price: its handlers run on the network thread, so they must be short
/// and must never block, or every connection stalls. Use it for sessions
/// that decode, update a little state and reply; use ordinary actors for
/// anything else. Safe to call from any thread.
template <class F, class... Ts>
caf::actor spawn_colocated(caf::actor_system& system, F fun, Ts&&... args) {
  return system.middleman().spawn_broker(std::move(fun),
                                         std::forward<Ts>(args)...);
}

} // namespace actors
