#include "actors/connection.hpp"

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/io/middleman.hpp>

#include "connection_broker.hpp"

namespace actors {

connection_actor connect(caf::actor_system& system, std::string host,
                         std::uint16_t port, caf::actor subscriber,
                         connection_options options) {
  auto broker = system.middleman().spawn_broker(detail::client_connection,
                                                std::move(host), port,
                                                std::move(subscriber), options);
  return caf::actor_cast<connection_actor>(std::move(broker));
}

} // namespace actors
