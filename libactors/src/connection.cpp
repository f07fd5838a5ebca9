#include "actors/connection.hpp"

#include <caf/actor_system.hpp>
#include <caf/io/middleman.hpp>

#include "connection_broker.hpp"

namespace actors {

caf::actor connect(caf::actor_system& system, std::string host,
                   std::uint16_t port, caf::actor subscriber,
                   connection_options options) {
  return system.middleman().spawn_broker(detail::client_connection,
                                         std::move(host), port,
                                         std::move(subscriber), options);
}

} // namespace actors
