#include "actors/testing/test_config.hpp"

#include <caf/atom.hpp>

#include "actors/testing/headless_sink.hpp"

namespace actors::testing {

void add_message_types(caf::actor_system_config& cfg) {
  cfg.add_message_types<caf::id_block::actors_testing>();
}

test_config::test_config() {
  actors::testing::add_message_types(*this);
}

deterministic_config::deterministic_config() {
  set("scheduler.policy", caf::atom("testing"));
  set("logger.file-verbosity", caf::atom("quiet"));
  set("logger.console-verbosity", caf::atom("quiet"));
  actors::add_message_types(*this);
  actors::testing::add_message_types(*this);
}

} // namespace actors::testing
