#include "throughput_graph.hpp"

#include <algorithm>

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
  auto plot = [&](const wxColour& colour, bool sent) {
    dc.SetPen(wxPen(colour, 1));
    for (std::size_t i = 1; i < samples_.size(); ++i) {
      auto a = sent ? samples_[i - 1].second : samples_[i - 1].first;
      auto b = sent ? samples_[i].second : samples_[i].first;
      dc.DrawLine(x_of(i - 1), y_of(a), x_of(i), y_of(b));
    }
  };
  plot(wxColour(0, 150, 0), false);
  plot(wxColour(0, 0, 200), true);
  dc.SetFont(GetFont().Smaller());
  dc.SetTextForeground(wxColour(110, 110, 110));
  dc.DrawText(label_, 2, 0);
}

} // namespace client
