#include "actors/wx/batch_event.hpp"

namespace actors::wx {

wxDEFINE_EVENT(ui_batch_event, wxThreadEvent);

std::shared_ptr<const ui_batch> batch_of(const wxThreadEvent& event) {
  if (event.GetEventType() != ui_batch_event)
    return nullptr;
  return event.GetPayload<std::shared_ptr<const ui_batch>>();
}

} // namespace actors::wx
