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
#include <caf/atom.hpp>
#include <caf/fwd.hpp>

namespace actors::testing::detail {

/// Scenario → simulated connection: the peer sends one frame
/// (`peer_send_atom, std::string`).
using peer_send_atom = caf::atom_constant<caf::atom("peer_send")>;
/// The peer sends frames "<prefix>0", "<prefix>1", ...
/// (`peer_flood_atom, std::string prefix, std::uint64_t count`).
using peer_flood_atom = caf::atom_constant<caf::atom("peer_flood")>;
/// The peer closes in an orderly way.
using peer_close_atom = caf::atom_constant<caf::atom("peer_close")>;
/// The peer resets the connection.
using peer_reset_atom = caf::atom_constant<caf::atom("peer_reset")>;
/// Question: reply with the number of frames waiting for credit
/// (`std::uint64_t`).
using backlog_atom = caf::atom_constant<caf::atom("backlog")>;

/// The most `send` and `flood` steps waiting for credit at once.
constexpr std::size_t max_backlog_steps = 100'000;

/// Spawns a simulated connection with `read_credit` initial credit that
/// reports to `subscriber` and announces itself as peer "simulated:<name>".
caf::actor spawn_simulated_connection(caf::actor_system& system,
                                      caf::actor subscriber, std::string name,
                                      std::uint32_t read_credit);

} // namespace actors::testing::detail
