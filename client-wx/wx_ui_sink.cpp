#include "wx_ui_sink.hpp"

namespace client {

wxDEFINE_EVENT(EVT_UI_BATCH, wxThreadEvent);

void WxUiSink::post(actors::ui_batch batch) {
  auto* event = new wxThreadEvent(EVT_UI_BATCH);
  event->SetPayload(std::move(batch));
  wxQueueEvent(target_, event);
}

} // namespace client
