#include "inspector_feed.hpp"

#include <chrono>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>

namespace client {

wxDEFINE_EVENT(EVT_METRICS_SNAPSHOT, wxThreadEvent);

namespace {

void post(wxEvtHandler* target, SnapshotPtr snapshot) {
  auto* event = new wxThreadEvent(EVT_METRICS_SNAPSHOT);
  event->SetPayload(std::move(snapshot));
  wxQueueEvent(target, event); // takes ownership; safe from any thread
}

caf::behavior inspector_feed(caf::event_based_actor* self, caf::actor registry,
                             wxEvtHandler* target) {
  return {
    [=](inspect_atom) {
      self->request(registry, std::chrono::seconds{2}, actors::metrics_collect_atom_v)
        .then(
          [=](actors::metrics_snapshot& snapshot) {
            post(target, std::make_shared<const actors::metrics_snapshot>(std::move(snapshot)));
          },
          [=](caf::error&) { post(target, nullptr); });
    },
  };
}

} // namespace

caf::actor spawn_inspector_feed(caf::actor_system& system, caf::actor registry,
                                wxEvtHandler& target) {
  return system.spawn(inspector_feed, std::move(registry), &target);
}

} // namespace client
