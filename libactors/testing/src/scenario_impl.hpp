#pragma once

// The state behind actors::testing::scenario, shared by scenario.cpp (setup,
// UI expectations) and scenario_peers.cpp (server and peers). Everything
// that depends on the mode sits behind `runtime`, chosen once.
// Internal to actors::testing.

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include <caf/actor.hpp>

#include "actors/testing/headless_sink.hpp"
#include "actors/testing/scenario.hpp"
#include "actors/ui_event.hpp"
#include "scenario_peer.hpp"
#include "scenario_runtime.hpp"

namespace actors::testing {

namespace detail {

/// "250 ms": a timeout as the scenario's failure messages name it.
inline std::string ms(std::chrono::milliseconds duration) {
  return std::to_string(duration.count()) + " ms";
}

} // namespace detail

struct scenario::impl {
  explicit impl(scenario_options opts);
  ~impl();

  /// The peer called `name`, or nothing (then `failed` says why).
  detail::scenario_peer* find_peer(const std::string& name, outcome& failed);

  /// Real mode: the peer called `name` for a step that reads; nothing (then
  /// `failed` says why) in deterministic mode or for an unknown name.
  detail::scenario_peer* reading_peer(const std::string& name, const std::string& step,
                                      outcome& failed);

  scenario_options options;
  // Declared in construction order; the destructor tears down explicitly.
  std::unique_ptr<detail::scenario_runtime> runtime;
  std::shared_ptr<headless_sink> sink;
  caf::actor bridge;
  // Peers by name.
  detail::peer_map peers;
  // Per ui_event_kind: the index after the last event an expectation matched.
  std::array<std::uint64_t, ui_event_kind_count> cursors{};
};

} // namespace actors::testing
