#include "inspector.hpp"

#include <algorithm>
#include <optional>
#include <utility>

#include <wx/dc.h>
#include <wx/headerctrl.h>
#include <wx/settings.h>
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/vlbox.h>

#include "connection_panel.hpp"
#include "pinned_attributes.hpp"

namespace client {

namespace {

constexpr int widths[InspectorFrame::column_count] = {90, 300, 150, 75, 85, 85, 75, 90, 130};
const char* titles[InspectorFrame::column_count] = {"Kind",   "Name",   "State",  "Mailbox",
                                                   "In/s",   "Out/s",  "Credit", "Queued",
                                                   "Last minute (in)"};

// Which counters make a kind's "in" and "out" rates, and which figures its
// credit and queue.
struct kind_figures {
  const char* in;
  const char* out;
  const char* credit;
  const char* queued;
};

kind_figures figures_of(const std::string& kind) {
  if (kind == "connection")
    return {"frames_received_total", "frames_sent_total", "read_credit", "bytes_queued"};
  if (kind == "udp")
    return {"datagrams_received_total", "datagrams_sent_total", "read_credit", "bytes_queued"};
  if (kind == "server")
    return {"accepted_total", "refused_total", nullptr, nullptr};
  if (kind == "ui_bridge")
    return {"events_received_total", "events_posted_total", nullptr, "events_pending"};
  if (kind == "log_writer")
    return {"records_received_total", "records_written_total", nullptr, "backlog_bytes"};
  return {nullptr, nullptr, nullptr, nullptr};
}

double figure(const actors::actor_metrics& m, const char* name, double none) {
  return name ? m.value(name) : none;
}

// A figure, or nothing where the kind has none (-1).
wxString number(double value) {
  return value < 0 ? wxString{} : FormatShort(value);
}

} // namespace

// The rows: one line of cells each, and a sparkline, drawn on demand.
class InspectorRows : public wxVListBox {
public:
  InspectorRows(wxWindow* parent, const std::vector<InspectorFrame::Row>& rows)
    : wxVListBox(parent, wxID_ANY), rows_(rows) {
    SetFont(wxFont(wxFontInfo(GetFont().GetPointSize() - 1).Family(wxFONTFAMILY_TELETYPE)));
  }

protected:
  wxCoord OnMeasureItem(size_t) const override { return GetCharHeight() + 6; }

  void OnDrawItem(wxDC& dc, const wxRect& rect, size_t n) const override {
    if (n >= rows_.size())
      return;
    auto& row = rows_[n];
    dc.SetTextForeground(IsSelected(n) ? wxSystemSettings::GetColour(wxSYS_COLOUR_HIGHLIGHTTEXT)
                                       : GetForegroundColour());
    const wxString cells[InspectorFrame::column_history] = {
      row.kind,           wxString::FromUTF8(row.name), row.state,          number(row.mailbox),
      number(row.in_rate), number(row.out_rate),         number(row.credit), number(row.queued)};
    int x = rect.x + 4;
    for (int c = 0; c < InspectorFrame::column_history; ++c) {
      dc.SetClippingRegion(x, rect.y, widths[c] - 6, rect.height);
      dc.DrawText(cells[c], x, rect.y + 3);
      dc.DestroyClippingRegion();
      x += widths[c];
    }
    DrawSparkline(dc, wxRect(x, rect.y + 2, widths[InspectorFrame::column_history] - 8,
                             rect.height - 4),
                  row.history);
  }

private:
  static void DrawSparkline(wxDC& dc, const wxRect& box, const std::deque<double>& values) {
    if (values.size() < 2)
      return;
    auto peak = std::max(1.0, *std::max_element(values.begin(), values.end()));
    dc.SetPen(wxPen(wxColour(30, 140, 60)));
    auto step = static_cast<double>(box.width) / 59.0;
    auto first = 60 - static_cast<int>(values.size());
    for (std::size_t i = 1; i < values.size(); ++i) {
      auto x0 = box.x + static_cast<int>((first + static_cast<int>(i) - 1) * step);
      auto x1 = box.x + static_cast<int>((first + static_cast<int>(i)) * step);
      auto y0 = box.GetBottom() - static_cast<int>(values[i - 1] / peak * box.height);
      auto y1 = box.GetBottom() - static_cast<int>(values[i] / peak * box.height);
      dc.DrawLine(x0, y0, x1, y1);
    }
  }

  const std::vector<InspectorFrame::Row>& rows_;
};

InspectorFrame::InspectorFrame(wxWindow* parent,
                               std::function<void(std::uint64_t)> select_connection)
  : wxFrame(parent, wxID_ANY, "Inspector: the client's actors", wxDefaultPosition,
            wxSize(1100, 420), wxDEFAULT_FRAME_STYLE | wxFRAME_FLOAT_ON_PARENT),
    select_connection_(std::move(select_connection)) {
  auto* panel = new wxPanel(this);
  header_ = new wxHeaderCtrlSimple(panel);
  for (int c = 0; c < column_count; ++c)
    header_->AppendColumn(wxHeaderColumnSimple(titles[c], widths[c]));
  header_->Bind(wxEVT_HEADER_CLICK, &InspectorFrame::OnHeaderClick, this);
  list_ = new InspectorRows(panel, rows_);
  list_->Bind(wxEVT_LISTBOX, [this](wxCommandEvent& event) {
    auto n = static_cast<std::size_t>(event.GetSelection());
    if (n < rows_.size() && (rows_[n].kind == "connection" || rows_[n].kind == "udp")
        && select_connection_)
      select_connection_(rows_[n].id);
  });
  // Fixed size: a new label then repaints the text without a new layout.
  summary_ = new wxStaticText(panel, wxID_ANY, "waiting for the first snapshot",
                              wxDefaultPosition, wxDefaultSize, wxST_NO_AUTORESIZE);
  auto* sizer = new wxBoxSizer(wxVERTICAL);
  sizer->Add(header_, 0, wxEXPAND);
  sizer->Add(list_, 1, wxEXPAND);
  sizer->Add(summary_, 0, wxEXPAND | wxALL, 4);
  panel->SetSizer(sizer);
  PinDefaultAttributes(header_);
  PinDefaultAttributes(list_);
  PinDefaultAttributes(summary_);
  PinDefaultAttributesUpFrom(panel); // and this frame
  last_update_ = std::chrono::steady_clock::now();
}

void InspectorFrame::Update(const actors::metrics_snapshot& snapshot) {
  auto now = std::chrono::steady_clock::now();
  auto seconds = std::max(0.001, std::chrono::duration<double>(now - last_update_).count());
  last_update_ = now;
  // Keep the selection on the same actor.
  auto selected = list_->GetSelection();
  std::optional<std::pair<std::string, std::uint64_t>> selected_key;
  if (selected != wxNOT_FOUND && static_cast<std::size_t>(selected) < rows_.size())
    selected_key.emplace(rows_[static_cast<std::size_t>(selected)].kind,
                         rows_[static_cast<std::size_t>(selected)].id);
  std::map<std::pair<std::string, std::uint64_t>, Previous> next;
  rows_.clear();
  double mailbox_total = 0;
  for (auto& m : snapshot.actors) {
    auto f = figures_of(m.kind);
    Row row;
    row.kind = m.kind;
    row.name = m.name;
    row.state = m.state;
    row.id = m.id;
    row.mailbox = static_cast<double>(m.mailbox);
    row.credit = figure(m, f.credit, -1);
    row.queued = figure(m, f.queued, -1);
    auto in = figure(m, f.in, 0);
    auto out = figure(m, f.out, 0);
    auto key = std::make_pair(m.kind, m.id);
    auto& before = next[key];
    before.in = in;
    before.out = out;
    if (auto i = previous_.find(key); i != previous_.end()) {
      row.in_rate = std::max(0.0, (in - i->second.in) / seconds);
      row.out_rate = std::max(0.0, (out - i->second.out) / seconds);
      before.history = std::move(i->second.history);
    }
    before.history.push_back(row.in_rate);
    if (before.history.size() > 60)
      before.history.pop_front();
    row.history = before.history;
    mailbox_total += row.mailbox;
    rows_.push_back(std::move(row));
  }
  previous_ = std::move(next);
  Sort();
  list_->SetItemCount(rows_.size());
  list_->SetSelection(wxNOT_FOUND);
  for (std::size_t i = 0; i < rows_.size() && selected_key; ++i)
    if (rows_[i].kind == selected_key->first && rows_[i].id == selected_key->second)
      list_->SetSelection(static_cast<int>(i));
  list_->RefreshAll();
  ++updates_;
  auto summary = wxString::Format("%zu actors, %.0f messages waiting in their mailboxes; "
                                   "refreshed once a second; click a header to sort",
                                   rows_.size(), mailbox_total);
  if (summary != summary_->GetLabel())
    summary_->SetLabel(summary);
}

void InspectorFrame::SortBy(Column column) {
  sort_column_ = column;
  Sort();
  list_->RefreshAll();
}

void InspectorFrame::Sort() {
  auto key = [this](const Row& row) -> double {
    switch (sort_column_) {
      case column_mailbox: return row.mailbox;
      case column_in: return row.in_rate;
      case column_out: return row.out_rate;
      case column_credit: return row.credit;
      case column_queued: return row.queued;
      case column_history: return row.history.empty() ? 0 : row.history.back();
      default: return 0;
    }
  };
  auto text = [this](const Row& row) -> const std::string& {
    return sort_column_ == column_kind ? row.kind : sort_column_ == column_state ? row.state : row.name;
  };
  bool textual = sort_column_ == column_kind || sort_column_ == column_name
                 || sort_column_ == column_state;
  std::stable_sort(rows_.begin(), rows_.end(), [&](const Row& a, const Row& b) {
    if (textual)
      return text(a) != text(b) ? text(a) < text(b) : a.id < b.id;
    return key(a) != key(b) ? key(a) > key(b) : a.id < b.id;
  });
}

void InspectorFrame::OnHeaderClick(wxHeaderCtrlEvent& event) {
  SortBy(static_cast<Column>(event.GetColumn()));
}

void InspectorFrame::SelectRow(std::size_t index) {
  if (index >= rows_.size())
    return;
  list_->SetSelection(static_cast<int>(index));
  wxCommandEvent event(wxEVT_LISTBOX, list_->GetId());
  event.SetEventObject(list_);
  event.SetInt(static_cast<int>(index));
  list_->GetEventHandler()->ProcessEvent(event);
}

} // namespace client
