#pragma once

// The main window's status bar: new text shows with the window's next frame.

#include <wx/statusbr.h>

namespace client {

/// A status bar whose SetStatusText only marks the field for repainting.
/// wx's generic status bar, the one wxGTK uses, also repaints at once
/// (wxWindow::Update, so that text shows before a long operation). On GTK 3
/// that paints every invalid part of the window, and under a flood the
/// traffic view always is: each call was a whole extra frame, and the five
/// fields set once a second held the UI loop for 5-9 ms.
class DeferredStatusBar : public wxStatusBar {
public:
  DeferredStatusBar(wxWindow* parent, wxWindowID id, long style, const wxString& name)
    : wxStatusBar(parent, id, style, name) {}

protected:
  void DoUpdateStatusText(int field) override {
    wxRect rect;
    if (GetFieldRect(field, rect))
      RefreshRect(rect);
  }
};

} // namespace client
