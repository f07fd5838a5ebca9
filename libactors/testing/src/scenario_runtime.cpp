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

outcome scenario_runtime::run_server(const std::vector<std::string>&, const std::string&,
                                     std::chrono::milliseconds) {
  return needs_real("server run");
}

outcome scenario_runtime::use_server(const std::string&, std::uint16_t) {
  return needs_real("server at");
}

std::optional<std::pair<std::string, std::uint16_t>>
scenario_runtime::server_address() const {
  return std::nullopt;
}

std::string scenario_runtime::server_diagnostics() {
  return {};
}

outcome scenario_runtime::open_udp(const std::string&, const std::string&, std::uint16_t,
                                   std::unique_ptr<scenario_peer>&) {
  return needs_real("udp");
}

} // namespace actors::testing::detail
