#pragma once

// The one place where events cross into a wx program's UI thread: the UI
// bridge's sink, implemented with wxQueueEvent.

#include <wx/event.h>

#include "actors/ui_sink.hpp"

namespace actors::wx {

/// Posts each batch to a wx event handler as a `ui_batch_event`, with
/// `wxQueueEvent`: wx documents it as safe from any thread, and it takes
/// ownership of the event. Pair it with a `batch_receiver`, which applies
/// and acknowledges the batches on the UI thread.
class ui_sink : public actors::ui_sink {
public:
  /// `target` receives the events. It must outlive the UI bridge that holds
  /// this sink: a wxApp does (destroy the actor system in `OnExit`); a window
  /// does not, since the user can close it while the bridge still posts.
  explicit ui_sink(wxEvtHandler& target);

  /// Called by the bridge on its actor's thread; never blocks.
  void post(ui_batch batch) override;

  /// Where the events go.
  wxEvtHandler& target() const { return *target_; }

  /// The id of this sink's events, unique in the process, so that the
  /// batches of two bridges posting to one target never meet.
  int id() const { return id_; }

private:
  wxEvtHandler* target_;
  int id_;
};

} // namespace actors::wx
