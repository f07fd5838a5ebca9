#pragma once

// A stand-in for a connection actor in deterministic scenarios: it reports
// to its subscriber exactly as a real connection does (connected,
// frame_received, connection_error, disconnected) and honours read credit,
// but its "peer" is the scenario, which tells it what arrives. Frames without
// credit wait in a backlog, as bytes would wait in TCP buffers.
// Internal to actors::testing.

#include <cstdint>
#include <string>

#include <caf/actor.hpp>
#include <caf/type_id.hpp>
#include <caf/fwd.hpp>

namespace actors::testing::detail {


/// The most `send` and `flood` steps waiting for credit at once.
constexpr std::size_t max_backlog_steps = 100'000;

/// Spawns a simulated connection with `read_credit` initial credit that
/// reports to `subscriber` and announces itself as peer "simulated:<name>".
caf::actor spawn_simulated_connection(caf::actor_system& system,
                                      caf::actor subscriber, std::string name,
                                      std::uint32_t read_credit);

} // namespace actors::testing::detail

CAF_BEGIN_TYPE_ID_BLOCK(actors_simulated_connection, caf::first_custom_type_id + 980)

  /// Scenario → simulated connection: the peer sends one frame
  /// (`peer_send_atom, std::string`).
  CAF_ADD_ATOM(actors_simulated_connection, actors::testing::detail, peer_send_atom, "peer_send")
  /// The peer sends frames "<prefix>0", "<prefix>1", ...
  /// (`peer_flood_atom, std::string prefix, std::uint64_t count`).
  CAF_ADD_ATOM(actors_simulated_connection, actors::testing::detail, peer_flood_atom, "peer_flood")
  /// The peer closes in an orderly way.
  CAF_ADD_ATOM(actors_simulated_connection, actors::testing::detail, peer_close_atom, "peer_close")
  /// The peer resets the connection.
  CAF_ADD_ATOM(actors_simulated_connection, actors::testing::detail, peer_reset_atom, "peer_reset")
  /// Question: reply with the number of frames waiting for credit
  /// (`std::uint64_t`).
  CAF_ADD_ATOM(actors_simulated_connection, actors::testing::detail, backlog_atom, "backlog")

CAF_END_TYPE_ID_BLOCK(actors_simulated_connection)
