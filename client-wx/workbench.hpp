#pragma once

// The actor that carries out the UI's commands: it opens connections and
// listeners (whose connections report to its connection relay, see
// connection_relay.hpp), starts and stops the log, and passes the
// per-connection commands to the relay. The UI talks to it only with
// anon_send; it never touches a widget.

#include <cstdint>
#include <string>

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/fwd.hpp>
#include <caf/type_id.hpp>

#include "actors/connection_options.hpp"
#include "actors/udp_options.hpp"

// The UI hands connection and UDP options to the workbench inside one
// process only; they never cross a network, so they need no serialization.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actors::connection_options)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actors::udp_options)

namespace client {

/// How the window tells the log's state from the workbench's UI events: an
/// error event starting with `log_failing_prefix` while the file cannot be
/// written (the writer keeps trying), a message event starting with
/// `log_recovered_prefix` once it is written again.
inline constexpr const char* log_failing_prefix = "log failing: ";
inline constexpr const char* log_recovered_prefix = "log recovered: ";

/// Spawns the workbench, which reports to `bridge`. Besides the atoms above
/// it takes `actors::send_atom, id, payload` and `actors::close_atom, id`.
/// Its connections, listeners, log and relay, and itself, register with
/// `metrics` (a registry, or none). Safe to call from any thread.
caf::actor spawn_workbench(caf::actor_system& system, caf::actor bridge,
                           caf::actor metrics = {});

} // namespace client

CAF_BEGIN_TYPE_ID_BLOCK(client_workbench, caf::first_custom_type_id + 1400)

  /// UI → workbench: open a client connection (`connect_atom, host, port, options`).
  CAF_ADD_ATOM(client_workbench, client, connect_atom, "wb_conn")
  /// UI → workbench: listen (`listen_atom, bind address, port, options`).
  CAF_ADD_ATOM(client_workbench, client, listen_atom, "wb_listen")
  /// UI → workbench: open a UDP endpoint (`udp_open_atom, bind address,
  /// port, udp_options`; with `remote_host` set it talks to that peer).
  CAF_ADD_ATOM(client_workbench, client, udp_open_atom, "wb_udp")
  /// UI → workbench: send a datagram from an endpoint to a peer
  /// (`udp_reply_atom, id, peer, payload`).
  CAF_ADD_ATOM(client_workbench, client, udp_reply_atom, "wb_reply")
  /// UI → workbench: send to every open connection (`send_all_atom, payload`).
  CAF_ADD_ATOM(client_workbench, client, send_all_atom, "wb_sendall")
  /// UI → workbench: log every frame to a file (`log_to_atom, path`), or stop
  /// logging with an empty path.
  CAF_ADD_ATOM(client_workbench, client, log_to_atom, "wb_log")
  /// UI → workbench: stop listener N and close what it accepted
  /// (`unlisten_atom, actors::listener_id`); the UI learns it from a
  /// message event that names the listener.
  CAF_ADD_ATOM(client_workbench, client, unlisten_atom, "wb_unlist")
  /// A request: close everything (listeners, connections, the log, fsynced)
  /// and answer `true` when done. The workbench then exits.
  CAF_ADD_ATOM(client_workbench, client, shutdown_atom, "wb_down")

CAF_END_TYPE_ID_BLOCK(client_workbench)
