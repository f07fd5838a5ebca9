#pragma once

// The inspector's feed: an actor that, each time the UI asks, gets a
// snapshot of every actor's figures from the metrics registry and posts it
// to the UI thread with wxQueueEvent, as the UI bridge posts its batches.
// The UI asks again only once the last snapshot arrived, so a slow UI never
// has more than one waiting.

#include <memory>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>
#include <caf/type_id.hpp>
#include <wx/event.h>

#include "actors/metrics.hpp"

namespace client {

/// A snapshot for the inspector: a wxThreadEvent whose payload is a
/// `SnapshotPtr` (null when the registry did not answer).
wxDECLARE_EVENT(EVT_METRICS_SNAPSHOT, wxThreadEvent);

/// What EVT_METRICS_SNAPSHOT carries.
using SnapshotPtr = std::shared_ptr<const actors::metrics_snapshot>;

/// Spawns the feed; `target` (the app, which outlives the actors) receives
/// the events. Safe to call from any thread.
caf::actor spawn_inspector_feed(caf::actor_system& system, caf::actor registry,
                                wxEvtHandler& target);

} // namespace client

CAF_BEGIN_TYPE_ID_BLOCK(client_inspector, caf::first_custom_type_id + 1650)

  /// UI -> feed: post one snapshot.
  CAF_ADD_ATOM(client_inspector, client, inspect_atom, "insp")

CAF_END_TYPE_ID_BLOCK(client_inspector)
