#pragma once

#include <caf/actor_system_config.hpp>

#include "actors/system_config.hpp"

namespace actors::testing {

/// Registers the message types of actors::testing (headless_sink.hpp) with
/// `cfg`. `test_config` and `deterministic_config` call this.
void add_message_types(caf::actor_system_config& cfg);

/// The configuration for tests with real sockets and threads: everything in
/// `actors::system_config` plus the message types of actors::testing.
class test_config : public actors::system_config {
public:
  /// Loads the middleman and registers every libactors message type.
  test_config();
};

/// The configuration for deterministic tests: CAF's `test_coordinator`
/// schedules every actor on the thread that drives it (see
/// `deterministic_driver`), in exact message order, on a simulated clock.
/// No middleman, so no sockets; every libactors message type is registered.
class deterministic_config : public caf::actor_system_config {
public:
  /// Selects the testing scheduler and registers the message types.
  deterministic_config();
};

} // namespace actors::testing
