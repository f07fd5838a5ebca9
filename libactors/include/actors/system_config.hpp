#pragma once

#include <caf/actor_system_config.hpp>

namespace actors {

/// An actor system configuration with what libactors needs: the I/O
/// middleman loaded and every libactors message type registered.
/// Use it (or derive from it) instead of a plain caf::actor_system_config.
class system_config : public caf::actor_system_config {
public:
  /// Loads caf::io::middleman and registers libactors' message types.
  system_config();
};

/// Registers every libactors message type with `cfg`. `system_config` calls
/// this; call it yourself only when you build your own configuration.
void add_message_types(caf::actor_system_config& cfg);

} // namespace actors
