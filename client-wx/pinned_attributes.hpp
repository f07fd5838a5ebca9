#pragma once

// wxGTK resolves a window's default font and colours through GTK's style
// machinery for every paint DC made on it, the one for erasing its
// background included: several style lookups per window per frame. Windows
// repainted on every frame (the traffic view's parents, the inspector) get
// theirs resolved once, here, and keep them.

#include <wx/window.h>

namespace client {

/// Makes `window`'s current default font and colours its own.
inline void PinDefaultAttributes(wxWindow* window) {
  window->SetOwnFont(window->GetFont());
  window->SetOwnForegroundColour(window->GetForegroundColour());
  window->SetOwnBackgroundColour(window->GetBackgroundColour());
}

/// PinDefaultAttributes for `window` and each of its parents.
inline void PinDefaultAttributesUpFrom(wxWindow* window) {
  for (; window; window = window->GetParent())
    PinDefaultAttributes(window);
}

} // namespace client
