#pragma once

// The wx event that carries one UI bridge batch into the UI thread.

#include <memory>

#include <wx/event.h>

#include "actors/ui_sink.hpp"

namespace actors::wx {

/// The event type of a batch: a `wxThreadEvent` whose payload is a
/// `std::shared_ptr<const actors::ui_batch>` and whose id is its sink's
/// (`ui_sink::id`). `batch_receiver` handles it; programs rarely bind it.
wxDECLARE_EVENT(ui_batch_event, wxThreadEvent);

/// The batch `event` carries, or null for an event of another type. The
/// batch is shared, not copied: wxAny hands out copies, and copying thousands
/// of events on the UI thread would cost more than applying them.
/// UI thread only.
std::shared_ptr<const ui_batch> batch_of(const wxThreadEvent& event);

} // namespace actors::wx
