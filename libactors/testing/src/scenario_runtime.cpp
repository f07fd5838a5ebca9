#include "scenario_runtime.hpp"

#include <utility>

namespace actors::testing::detail {

scenario_peer::~scenario_peer() = default;

outcome needs_real(const std::string& step) {
  return outcome::failure("`" + step + "` needs mode real: deterministic "
                          "scenarios have no sockets");
}

scenario_runtime::scenario_runtime(std::unique_ptr<caf::actor_system_config> cfg)
  : cfg_(std::move(cfg)),
    sys_(std::make_unique<caf::actor_system>(*cfg_)),
    self_(std::make_unique<caf::scoped_actor>(*sys_)) {
  // nop
}

scenario_runtime::~scenario_runtime() = default;

} // namespace actors::testing::detail
