#include "actors/system_config.hpp"

#include <caf/io/middleman.hpp>

#include "actors/connection_protocol.hpp"
#include "actors/error_kind.hpp"
#include "actors/log_protocol.hpp"
#include "actors/metrics.hpp"
#include "actors/ui_protocol.hpp"
#include "actors/udp_protocol.hpp"

namespace actors {

system_config::system_config() {
  load<caf::io::middleman>();
  actors::add_message_types(*this);
}

void add_message_types(caf::actor_system_config& cfg) {
  // Each protocol header defines its own type ID block; register them here.
  cfg.add_message_types<caf::id_block::actors_connection>();
  cfg.add_message_types<caf::id_block::actors_ui>();
  cfg.add_message_types<caf::id_block::actors_log>();
  cfg.add_message_types<caf::id_block::actors_udp>();
  cfg.add_message_types<caf::id_block::actors_metrics>();
  add_error_category(cfg);
}

} // namespace actors
