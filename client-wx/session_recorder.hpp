#pragma once

// File > Record session and --record FILE: an actor that writes what
// happens on the client's connections as a scenario script
// (session_script.hpp). It runs detached, because it writes a file; the
// connection relay feeds it copies of the events it handles.

#include <cstdint>
#include <string>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>
#include <caf/type_id.hpp>

CAF_BEGIN_TYPE_ID_BLOCK(client_recorder, caf::first_custom_type_id + 1500)

  /// Relay -> recorder: connection `id` to "host:port" is up (`rec_up_atom,
  /// id, peer, accepted by a listener, speaks TLS, framing name`).
  CAF_ADD_ATOM(client_recorder, client, rec_up_atom, "rec_up")
  /// Relay -> recorder: connection `id` was open before recording began.
  CAF_ADD_ATOM(client_recorder, client, rec_open_atom, "rec_open")
  /// Relay -> recorder: we sent (`rec_sent_atom, id, payload`).
  CAF_ADD_ATOM(client_recorder, client, rec_sent_atom, "rec_sent")
  /// Relay -> recorder: a frame arrived (`rec_in_atom, id, payload`).
  CAF_ADD_ATOM(client_recorder, client, rec_in_atom, "rec_in")
  /// Relay -> recorder: frames past the per-connection limit arrived, whose
  /// payloads the script does not keep (`rec_more_atom, id, count`).
  CAF_ADD_ATOM(client_recorder, client, rec_more_atom, "rec_more")
  /// Relay -> recorder: the peer finished sending (`rec_fin_atom, id`).
  CAF_ADD_ATOM(client_recorder, client, rec_fin_atom, "rec_fin")
  /// Relay -> recorder: we closed connection `id` (`rec_close_atom, id`).
  CAF_ADD_ATOM(client_recorder, client, rec_close_atom, "rec_close")
  /// Relay -> recorder: connection `id` is gone (`rec_gone_atom, id,
  /// actors::error_kind`, which CAF carries as a `caf::error`).
  CAF_ADD_ATOM(client_recorder, client, rec_gone_atom, "rec_gone")
  /// Workbench -> relay: record to this file from now on (`record_atom,
  /// path`); an empty path stops recording.
  CAF_ADD_ATOM(client_recorder, client, record_atom, "rec_to")

CAF_END_TYPE_ID_BLOCK(client_recorder)

namespace client {

/// How the window tells that recording to a file failed: the error event's
/// text starts with this, then the path.
inline constexpr const char* record_failed_prefix = "cannot record the session to ";

/// Spawns a recorder writing the script to `path`. If the file cannot be
/// written, it tells `bridge` (an error event starting with
/// `record_failed_prefix`, then the path) and exits. `actors::close_atom`
/// (a request) ends the script, closes the file and answers `true`.
caf::actor spawn_session_recorder(caf::actor_system& system, std::string path,
                                  caf::actor bridge);

} // namespace client
