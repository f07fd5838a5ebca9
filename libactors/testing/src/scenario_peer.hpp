#pragma once

// One named peer of a scenario, behind the steps that name it: a simulated
// connection (deterministic mode), or a TCP or UDP client (real mode). The
// scenario's runtime creates the right kind in `connect`; the steps never ask
// which one they have. Internal to actors::testing.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "actors/testing/scenario.hpp"
#include "peer_arrival.hpp"

namespace actors::testing::detail {

/// A peer of a scenario. Used only by the scenario's thread.
class scenario_peer {
public:
  virtual ~scenario_peer();

  /// The peer sends one frame.
  virtual outcome send(const std::string& payload) = 0;

  /// The peer sends frames "<name>:0", "<name>:1", ...
  virtual outcome flood(std::uint64_t count) = 0;

  /// The peer closes in an orderly way.
  virtual outcome close() = 0;

  /// The peer resets its connection.
  virtual outcome reset() = 0;

  /// Whether the scenario keeps the peer by its name after `close` or
  /// `reset`: a TCP peer can still be asked how the app ended it; a
  /// simulated one is gone.
  virtual bool outlives_end() const noexcept = 0;

  /// Real mode: the peer finishes sending and keeps reading.
  virtual outcome finish() = 0;

  /// Real mode: what the peer receives next, waiting up to `timeout`.
  virtual arrival next(std::chrono::milliseconds timeout) = 0;

  /// The peer's last flood was held back.
  virtual outcome expect_blocked() = 0;
};

/// A scenario's peers by name.
using peer_map = std::map<std::string, std::unique_ptr<scenario_peer>>;

/// "`step` needs mode real: ...": the failure of a step that needs sockets.
outcome needs_real(const std::string& step);

} // namespace actors::testing::detail
