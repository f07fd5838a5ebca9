#include "actors/wx/ui_sink.hpp"

#include <atomic>
#include <memory>
#include <utility>

#include "actors/wx/batch_event.hpp"

namespace actors::wx {

namespace {

// Sinks may be created on any thread.
std::atomic<int> next_sink_id{1};

} // namespace

ui_sink::ui_sink(wxEvtHandler& target) : target_(&target), id_(next_sink_id++) {
}

void ui_sink::post(ui_batch batch) {
  auto* event = new wxThreadEvent(ui_batch_event, id_);
  event->SetPayload(std::make_shared<const ui_batch>(std::move(batch)));
  wxQueueEvent(target_, event);
}

} // namespace actors::wx
