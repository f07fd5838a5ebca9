#include "wx_ui_sink.hpp"

#include <memory>
#include <utility>

namespace client {

wxDEFINE_EVENT(EVT_UI_BATCH, wxThreadEvent);

void WxUiSink::post(actors::ui_batch batch) {
  auto* event = new wxThreadEvent(EVT_UI_BATCH);
  // By shared pointer: wxAny hands out copies, and copying thousands of
  // events on the UI thread would cost more than applying them.
  event->SetPayload(std::make_shared<const actors::ui_batch>(std::move(batch)));
  wxQueueEvent(target_, event);
}

} // namespace client
