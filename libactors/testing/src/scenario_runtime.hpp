#pragma once

// How a scenario's actors run, chosen once when the scenario is created:
// on CAF's test_coordinator with simulated time and simulated peers
// (deterministic), or on real threads with a real server and TCP peers (real).
// It owns the actor system. Internal to actors::testing.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/testing/headless_sink.hpp"
#include "actors/testing/scenario.hpp"
#include "scenario_peer.hpp"

namespace actors::testing::detail {

/// The mode-specific half of a scenario. Used only by the scenario's thread.
class scenario_runtime {
public:
  virtual ~scenario_runtime();

  scenario_runtime(const scenario_runtime&) = delete;
  scenario_runtime& operator=(const scenario_runtime&) = delete;

  /// The actor system.
  caf::actor_system& system() noexcept { return *sys_; }

  /// The scenario's own actor, which sends its commands and questions.
  caf::scoped_actor& self() noexcept { return *self_; }

  /// Deterministic: runs until every actor is idle. Real: nothing.
  virtual void settle() = 0;

  /// Sends `request` to `dest` and returns the reply, if one arrives (real
  /// mode waits up to 5 s).
  virtual std::optional<caf::message> ask(const caf::actor& dest,
                                          caf::message request) = 0;

  /// `ask` for a reply of type T.
  template <class T, class... Ts>
  std::optional<T> ask_for(const caf::actor& dest, Ts&&... xs) {
    std::optional<caf::message> reply
      = ask(dest, caf::make_message(std::forward<Ts>(xs)...));
    if (!reply || !reply->match_elements<T>())
      return std::nullopt;
    return std::move(reply->get_mutable_as<T>(0));
  }

  /// The UI's record once `condition` holds, or nothing after `timeout`.
  virtual std::optional<ui_record>
  await_count(const caf::actor& ui, ui_condition condition,
              std::chrono::milliseconds timeout) = 0;

  /// The first UI event that answers `query`, or nothing after `timeout`.
  virtual std::optional<indexed_ui_event>
  await_event(const caf::actor& ui, ui_event_query query,
              std::chrono::milliseconds timeout) = 0;

  /// Lets `duration` pass: advances the clock or sleeps.
  virtual void wait(std::chrono::milliseconds duration) = 0;

  /// Starts a server whose sessions `make_session` creates (real mode only).
  virtual outcome start_server(scenario_session_factory make_session,
                               const caf::actor& bridge) = 0;

  /// Real mode: starts the app under test as a process (see
  /// scenario::run_server).
  virtual outcome run_server(const std::vector<std::string>& command,
                             const std::string& port_pattern,
                             std::chrono::milliseconds timeout);

  /// Real mode: peers connect to a server already running at host:port.
  virtual outcome use_server(const std::string& host, std::uint16_t port);

  /// Where peers connect, once a server step ran.
  virtual std::optional<std::pair<std::string, std::uint16_t>> server_address() const;

  /// What went wrong with a server process; empty if nothing is known.
  virtual std::string server_diagnostics();

  /// A new peer `name` reporting (through the server, in real mode) to
  /// `bridge`; fails with the reason it cannot connect.
  virtual outcome connect(const std::string& name, const caf::actor& bridge,
                          const peer_options& options,
                          std::unique_ptr<scenario_peer>& peer) = 0;

  /// Real mode: a UDP peer `name` talking to host:port.
  virtual outcome open_udp(const std::string& name, const std::string& host,
                           std::uint16_t port, std::unique_ptr<scenario_peer>& peer);

  /// Stops the server, if any, and waits until it is gone; fails if a
  /// server process ended badly.
  virtual outcome stop_server() = 0;

protected:
  /// Creates the actor system from `cfg`.
  explicit scenario_runtime(std::unique_ptr<caf::actor_system_config> cfg);

private:
  // Declared in construction order, so destroyed in reverse: the scoped actor
  // before its system, and members of a derived class before both.
  std::unique_ptr<caf::actor_system_config> cfg_;
  std::unique_ptr<caf::actor_system> sys_;
  std::unique_ptr<caf::scoped_actor> self_;
};

/// The deterministic runtime: simulated time, simulated peers, no server.
std::unique_ptr<scenario_runtime>
make_simulated_runtime(const scenario_options& options);

/// The real runtime: real threads, a loopback server, TCP peers.
std::unique_ptr<scenario_runtime>
make_real_runtime(const scenario_options& options);

} // namespace actors::testing::detail
