#include "services/chat_protocol.hpp"

#include <caf/actor_system_config.hpp>

namespace services {

void add_chat_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<chat_join>("chat_join");
  cfg.add_message_type<chat_leave>("chat_leave");
  cfg.add_message_type<chat_say>("chat_say");
  cfg.add_message_type<chat_rename>("chat_rename");
  cfg.add_message_type<chat_line>("chat_line");
}

} // namespace services
