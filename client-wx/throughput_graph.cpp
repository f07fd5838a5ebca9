#include "throughput_graph.hpp"

#include <algorithm>
#include <vector>

#include <wx/dcbuffer.h>

namespace client {

namespace {
constexpr std::size_t max_samples = 60;
}

ThroughputGraph::ThroughputGraph(wxWindow* parent)
  : wxPanel(parent, wxID_ANY, wxDefaultPosition, wxSize(180, 40)) {
  SetBackgroundStyle(wxBG_STYLE_PAINT);
  SetToolTip("frames per second, last minute, of the selected connection "
             "(or all): green received, blue sent");
  label_font_ = GetFont().Smaller();
  Bind(wxEVT_PAINT, &ThroughputGraph::OnPaint, this);
}

void ThroughputGraph::SetSamples(std::deque<std::pair<double, double>> samples,
                                 const wxString& label) {
  samples_ = std::move(samples);
  while (samples_.size() > max_samples)
    samples_.pop_front();
  label_ = label;
  Refresh(false);
}

void ThroughputGraph::OnPaint(wxPaintEvent&) {
  wxAutoBufferedPaintDC dc(this);
  dc.SetBackground(*wxWHITE_BRUSH);
  dc.Clear();
  auto size = GetClientSize();
  double top = 1;
  for (auto& [rx, tx] : samples_)
    top = std::max({top, rx, tx});
  auto x_of = [&](std::size_t i) {
    return static_cast<int>(i * static_cast<std::size_t>(size.x - 1) / (max_samples - 1));
  };
  auto y_of = [&](double v) { return size.y - 1 - static_cast<int>(v / top * (size.y - 2)); };
  // One polyline per series: a line per segment costs a stroke each.
  std::vector<wxPoint> points(samples_.size());
  auto plot = [&](const wxColour& colour, bool sent) {
    if (samples_.size() < 2)
      return;
    for (std::size_t i = 0; i < samples_.size(); ++i)
      points[i] = wxPoint(x_of(i), y_of(sent ? samples_[i].second : samples_[i].first));
    dc.SetPen(wxPen(colour, 1));
    dc.DrawLines(static_cast<int>(points.size()), points.data());
  };
  plot(wxColour(0, 150, 0), false);
  plot(wxColour(0, 0, 200), true);
  dc.SetFont(label_font_);
  dc.SetTextForeground(wxColour(110, 110, 110));
  dc.DrawText(label_, 2, 0);
}

} // namespace client
