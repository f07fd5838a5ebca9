#pragma once

// The one place where events cross into the UI thread: the UI bridge's sink,
// implemented with wxQueueEvent.

#include <wx/event.h>

#include "actors/ui_sink.hpp"

namespace client {

/// Carries one batch to the UI thread; its payload is a
/// std::shared_ptr<const actors::ui_batch>.
wxDECLARE_EVENT(EVT_UI_BATCH, wxThreadEvent);

/// Posts each batch to `target` as an EVT_UI_BATCH event.
class WxUiSink : public actors::ui_sink {
public:
  /// `target` must outlive the UI bridge (client-wx uses the wxApp).
  explicit WxUiSink(wxEvtHandler* target) : target_(target) {}

  /// Called by the bridge on its actor's thread: wxQueueEvent is the
  /// thread-safe way in, and takes ownership of the event.
  void post(actors::ui_batch batch) override;

private:
  wxEvtHandler* target_;
};

} // namespace client
