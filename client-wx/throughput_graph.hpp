#pragma once

// A small live graph of frames received and sent per second.

#include <deque>

#include <wx/panel.h>

namespace client {

/// The last minute of receive and send rates, one sample per second.
class ThroughputGraph : public wxPanel {
public:
  explicit ThroughputGraph(wxWindow* parent);
  /// Adds one second's rates and repaints. Must be called on the UI thread.
  void AddSample(double rx_per_second, double tx_per_second);

private:
  void OnPaint(wxPaintEvent& event);

  std::deque<std::pair<double, double>> samples_;
};

} // namespace client
