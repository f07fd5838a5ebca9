#pragma once

// A small live graph of frames received and sent per second.

#include <deque>
#include <utility>

#include <wx/font.h>
#include <wx/panel.h>
#include <wx/string.h>

namespace client {

/// The last minute of receive and send rates, one sample per second: of
/// the selected connection, or of all.
class ThroughputGraph : public wxPanel {
public:
  explicit ThroughputGraph(wxWindow* parent);
  /// Shows `samples` ((received, sent) per second, oldest first, at most a
  /// minute's) under `label` and repaints. Must be called on the UI thread.
  void SetSamples(std::deque<std::pair<double, double>> samples, const wxString& label);

private:
  void OnPaint(wxPaintEvent& event);

  std::deque<std::pair<double, double>> samples_;
  wxString label_;
  wxFont label_font_; // made once: a new font per paint asks GTK for it
};

} // namespace client
