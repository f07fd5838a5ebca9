#pragma once

// wxGTK resolves a window's default font and colours through GTK's style
// machinery for every paint DC made on it, the one for erasing its
// background included: several style lookups per window per frame. Windows
// repainted on every frame (the traffic view's parents, the inspector) get
// theirs resolved once, here, and again when the theme changes.

#include <wx/event.h>
#include <wx/window.h>

namespace client {

/// Makes `window`'s current default font and colours its own, until the
/// system's colours change (wxEVT_SYS_COLOUR_CHANGED, e.g. a dark theme at
/// sunset): then the new defaults are pinned in their place.
inline void PinDefaultAttributes(wxWindow* window) {
  auto pin = [window] {
    window->SetOwnFont(window->GetFont());
    window->SetOwnForegroundColour(window->GetForegroundColour());
    window->SetOwnBackgroundColour(window->GetBackgroundColour());
  };
  pin();
  window->Bind(wxEVT_SYS_COLOUR_CHANGED, [window, pin](wxSysColourChangedEvent& event) {
    // Null values drop ours, so the getters answer the theme's defaults.
    window->SetOwnFont(wxNullFont);
    window->SetOwnForegroundColour(wxNullColour);
    window->SetOwnBackgroundColour(wxNullColour);
    pin();
    event.Skip(); // wx passes the event on to the children
  });
}

/// PinDefaultAttributes for `window` and each of its parents up to its
/// top-level window (not beyond: a dialog's parent frame pins its own).
inline void PinDefaultAttributesUpFrom(wxWindow* window) {
  for (; window; window = window->GetParent()) {
    PinDefaultAttributes(window);
    if (window->IsTopLevel())
      break;
  }
}

} // namespace client
