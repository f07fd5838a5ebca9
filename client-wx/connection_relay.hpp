#pragma once

// The subscriber of every connection the client opens or accepts. It passes
// their events on to the UI bridge with the sender kept (so read credit flows
// from the bridge straight back to the connection), keeps the open
// connections by id for the send bar, and logs every frame when a log is
// set. Internal to the client: the workbench spawns it and talks to it.

#include <caf/actor.hpp>
#include <caf/fwd.hpp>
#include <caf/type_id.hpp>

#include "actors/connection_protocol.hpp"
#include "actors/log_protocol.hpp"

CAF_BEGIN_TYPE_ID_BLOCK(client_relay, caf::first_custom_type_id + 1450)

  /// A listener's session factory -> relay: the connection with this address
  /// was accepted by listener `actors::listener_id` (`accepted_atom, number,
  /// caf::actor_addr`); it arrives before that connection's `connected`.
  CAF_ADD_ATOM(client_relay, client, accepted_atom, "rl_acc")
  /// Workbench -> relay: log frames to this writer from now on, closing the
  /// one before (`use_log_atom, actors::log_writer_actor`; null: stop).
  CAF_ADD_ATOM(client_relay, client, use_log_atom, "rl_log")

  /// Workbench -> relay: answer frames by these rules from now on
  /// (`reply_rules_atom, std::vector<ReplyRule>`; empty: none).
  CAF_ADD_ATOM(client_relay, client, reply_rules_atom, "rl_rules")
  /// Relay -> itself: a rule's delayed reply is due
  /// (`delayed_reply_atom, id, peer, payload`; the peer empty for TCP).
  CAF_ADD_ATOM(client_relay, client, delayed_reply_atom, "rl_later")
  /// Workbench -> relay: listener N listens on this port
  /// (`listener_port_atom, actors::listener_id, uint16_t`), for rules
  /// limited to a port.
  CAF_ADD_ATOM(client_relay, client, listener_port_atom, "rl_lport")
  /// Workbench -> relay: the connection it is about to open frames this way
  /// (`framing_of_atom, actors::connection_id, name`: "line", "length16",
  /// ...), for a recording to replay it so.
  CAF_ADD_ATOM(client_relay, client, framing_of_atom, "rl_framing")

CAF_END_TYPE_ID_BLOCK(client_relay)

namespace client {

/// Spawns the relay, which reports to `bridge`. Besides connection events
/// and the two atoms above it takes the workbench's per-connection commands
/// (`actors::send_atom, id, payload`, `send_all_atom, payload`,
/// `actors::close_atom, id`) and `shutdown_atom` (a request: aborts every
/// connection, closes the log, fsynced, answers `true` and exits).
/// Safe to call from any thread.
/// It registers with `metrics` (a registry, or none).
caf::actor spawn_connection_relay(caf::actor_system& system, caf::actor bridge,
                                  caf::actor metrics = {});

} // namespace client
