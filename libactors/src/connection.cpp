#include "actors/connection.hpp"

#include <atomic>

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/io/middleman.hpp>

#include "connection_broker.hpp"

namespace actors {

connection_id new_connection_id() {
  static std::atomic<connection_id> last{0};
  return last.fetch_add(1, std::memory_order_relaxed) + 1;
}

connection_actor connect(caf::actor_system& system, std::string host,
                         std::uint16_t port, caf::actor subscriber,
                         connection_options options) {
  auto broker = system.middleman().spawn_broker(detail::client_connection,
                                                std::move(host), port,
                                                std::move(subscriber), options);
  return caf::actor_cast<connection_actor>(std::move(broker));
}

} // namespace actors
