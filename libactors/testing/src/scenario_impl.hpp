#pragma once

// The state behind actors::testing::scenario, shared by scenario.cpp (setup,
// UI expectations) and scenario_peers.cpp (server and peers).
// Internal to actors::testing.

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/server.hpp"
#include "actors/testing/deterministic_driver.hpp"
#include "actors/testing/headless_sink.hpp"
#include "actors/testing/scenario.hpp"
#include "actors/ui_event.hpp"
#include "tcp_peer.hpp"

namespace actors::testing {

struct scenario::impl {
  explicit impl(scenario_options opts);
  ~impl();

  bool deterministic() const noexcept {
    return options.mode == scenario_mode::deterministic;
  }

  // Deterministic mode: runs until every actor is idle. Real mode: nothing.
  void settle();

  // The UI's record once `condition` holds, or nothing after `timeout`.
  std::optional<ui_record> await_count(ui_condition condition,
                                       std::chrono::milliseconds timeout);

  // The first UI event that answers `query`, or nothing after `timeout`.
  std::optional<indexed_ui_event> await_event(ui_event_query query,
                                              std::chrono::milliseconds timeout);

  // Asks `dest` and returns its reply of type T (waits up to 5 s in real mode).
  template <class T, class... Ts>
  std::optional<T> ask(const caf::actor& dest, Ts&&... xs);

  scenario_options options;
  // Declared in construction order; the destructor tears down explicitly.
  std::unique_ptr<caf::actor_system_config> cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::unique_ptr<caf::scoped_actor> self;
  std::optional<deterministic_driver> driver;
  std::shared_ptr<headless_sink> sink;
  caf::actor bridge;
  std::optional<server> srv;
  // Peers by name: TCP clients (real mode) or simulated connections.
  std::map<std::string, detail::tcp_peer> tcp_peers;
  std::map<std::string, caf::actor> simulated_peers;
  // Real mode: whether the last flood of a peer was held back by TCP.
  std::map<std::string, bool> flood_blocked;
  // Per ui_event_kind: the index after the last event an expectation matched.
  std::array<std::uint64_t, ui_event_kind_count> cursors{};
};

template <class T, class... Ts>
std::optional<T> scenario::impl::ask(const caf::actor& dest, Ts&&... xs) {
  if (deterministic())
    return driver->ask<T>(*self, dest, std::forward<Ts>(xs)...);
  std::optional<T> result;
  (*self)
    ->request(dest, std::chrono::seconds{5}, std::forward<Ts>(xs)...)
    .receive([&](T& x) { result = std::move(x); }, [](caf::error&) {});
  return result;
}

} // namespace actors::testing
