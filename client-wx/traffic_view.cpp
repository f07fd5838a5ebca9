#include "traffic_view.hpp"

#include <algorithm>
#include <memory>
#include <ctime>

#include <re2/re2.h>

#include <wx/dcclient.h>
#include <wx/graphics.h>
#include <wx/settings.h>
#include <wx/sizer.h>
#include <wx/stattext.h>

#include "actors/log_record.hpp"

namespace client {

wxDEFINE_EVENT(EVT_TRAFFIC_SELECTION, wxCommandEvent);

namespace {

const char* direction_label(const TrafficModel::Row& row) {
  if (row.kind != actors::ui_event_kind::frame)
    return actors::to_string(row.kind);
  return row.dir == actors::direction::in ? "in" : "out";
}

wxString time_label(std::int64_t ns) {
  auto seconds = static_cast<std::time_t>(ns / 1'000'000'000);
  std::tm local{};
  localtime_r(&seconds, &local);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%02d:%02d:%02d.%03d", local.tm_hour, local.tm_min,
                local.tm_sec, static_cast<int>((ns / 1'000'000) % 1000));
  return buf;
}

} // namespace

void TrafficModel::AppendText(Row& row, std::string_view text, std::string_view peer) {
  peer = peer.substr(0, 0xFFFF);
  auto size = peer.size() + text.size();
  if (text_blocks_.empty()
      || text_blocks_.back().size() + size > text_blocks_.back().capacity()) {
    text_blocks_.emplace_back();
    text_blocks_.back().reserve(std::max(size, text_block_size));
    text_bytes_ += text_blocks_.back().capacity();
    ++next_text_block_;
  }
  auto& block = text_blocks_.back();
  block.append(peer);
  row.peer_size = static_cast<std::uint16_t>(peer.size());
  row.block = next_text_block_ - 1;
  row.offset = static_cast<std::uint32_t>(block.size());
  row.size = static_cast<std::uint32_t>(text.size());
  block.append(text);
}

void TrafficModel::Add(const actors::ui_event& event) {
  auto end = first_ + size_;
  if (end % rows_per_block == 0 && end / rows_per_block == row_blocks_.size())
    row_blocks_.push_back(std::make_unique<Row[]>(rows_per_block));
  Row& row = row_blocks_[end / rows_per_block][end % rows_per_block];
  row = Row{};
  row.time_ns = event.time.count();
  if (origin_ns_ == 0)
    origin_ns_ = row.time_ns;
  row.connection = event.connection;
  row.dir = event.dir;
  row.kind = event.kind;
  switch (event.kind) {
    case actors::ui_event_kind::frame:
      AppendText(row, event.payload, event.address); // a datagram's peer
      if (event.dir == actors::direction::in)
        ++inbound_;
      break;
    case actors::ui_event_kind::connected:
      if (event.listener != 0) // the bridge's "connected to" is ours for a peer we accepted
        AppendText(row, "accepted " + event.address
                          + (event.tls.empty() ? "" : " (" + event.tls + ")"));
      else
        AppendText(row, event.message); // "connected to ...", or a UDP endpoint's
      break;
    case actors::ui_event_kind::dropped:
      AppendText(row, std::to_string(event.dropped) + " events dropped: " + event.message);
      break;
    case actors::ui_event_kind::reconnecting:
      AppendText(row, "reconnecting, attempt " + std::to_string(event.attempt));
      break;
    default:
      AppendText(row, event.message);
  }
  ++size_;
  if (size_ > retention_.rows || text_bytes_ > retention_.text_bytes)
    EvictOldest();
}

void TrafficModel::EvictOldest() {
  // The newest row always stays, whatever its size.
  while (size_ > 1 && (size_ > retention_.rows || text_bytes_ > retention_.text_bytes)) {
    ++first_;
    --size_;
    ++evicted_;
    if (first_ == rows_per_block) {
      row_blocks_.pop_front();
      first_ = 0;
    }
    for (auto needed = At(0).block; first_text_block_ < needed; ++first_text_block_) {
      text_bytes_ -= text_blocks_.front().capacity();
      text_blocks_.pop_front();
    }
  }
}

void TrafficModel::SetRetention(Retention retention) {
  retention.rows = std::max(retention.rows, rows_per_block);
  retention.text_bytes = std::max(retention.text_bytes, text_block_size);
  retention_ = retention;
}

void TrafficModel::Clear() {
  row_blocks_.clear();
  text_blocks_.clear();
  first_ = size_ = text_bytes_ = 0;
  first_text_block_ = next_text_block_ = 0;
  evicted_ = 0;
  origin_ns_ = 0;
}

std::string_view TrafficModel::Text(std::size_t i) const {
  auto& row = At(i);
  return std::string_view{TextBlock(row.block)}.substr(row.offset, row.size);
}

std::string_view TrafficModel::Peer(std::size_t i) const {
  auto& row = At(i);
  return std::string_view{TextBlock(row.block)}.substr(row.offset - row.peer_size,
                                                       row.peer_size);
}

wxString DisplayText(std::string_view payload, std::size_t limit) {
  std::string escaped;
  actors::append_escaped(escaped, payload.substr(0, limit));
  if (payload.size() > limit)
    escaped += "…";
  return wxString::FromUTF8(escaped);
}

wxString HexText(std::string_view payload, std::size_t limit) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < payload.size() && i < limit; ++i) {
    auto c = static_cast<unsigned char>(payload[i]);
    if (i > 0)
      out += ' ';
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  if (payload.size() > limit)
    out += " …";
  return wxString::FromUTF8(out);
}

namespace {

// The fixed-width columns of a row: time, connection, direction, size.
constexpr const char* row_format = "%-13s %6s  %-12s %7s  ";
// How many characters they take at least: the payload starts there.
constexpr std::size_t row_prefix_columns = 13 + 1 + 6 + 2 + 12 + 1 + 7 + 2;

} // namespace

// The rows: draws each visible row as one line of fixed-width text, and
// keeps the selection (a range of shown rows, from anchor to cursor).
class TrafficRows : public wxVScrolledWindow {
public:
  TrafficRows(wxWindow* parent, const TrafficView& view, const wxFont& font)
    : wxVScrolledWindow(parent, wxID_ANY, wxDefaultPosition, wxDefaultSize,
                        wxWANTS_CHARS | wxBORDER_THEME),
      view_(view) {
    SetFont(font);
    TakeSystemColours();
    SetBackgroundStyle(wxBG_STYLE_PAINT);
    char_width_ = std::max(1, GetCharWidth());
    row_height_ = GetCharHeight() + 2;
    Bind(wxEVT_PAINT, &TrafficRows::OnPaint, this);
    Bind(wxEVT_LEFT_DOWN, &TrafficRows::OnMouse, this);
    Bind(wxEVT_MOTION, &TrafficRows::OnMouse, this);
    Bind(wxEVT_KEY_DOWN, &TrafficRows::OnKey, this);
    Bind(wxEVT_SYS_COLOUR_CHANGED, [this](wxSysColourChangedEvent& event) {
      TakeSystemColours();
      Refresh();
      event.Skip();
    });
  }

  /// The selected shown rows as [first, last], or nothing.
  bool Selection(std::size_t& first, std::size_t& last) const {
    if (anchor_ == none || cursor_ == none)
      return false;
    first = std::min(anchor_, cursor_);
    last = std::min(std::max(anchor_, cursor_), GetRowCount() - 1);
    return GetRowCount() > 0 && first <= last;
  }

  void ClearSelection() { anchor_ = cursor_ = none; }

  bool IsSelected(std::size_t row) const {
    std::size_t first = 0, last = 0;
    return Selection(first, last) && row >= first && row <= last;
  }

  /// The first `count` rows are gone: the selection and the view stay on
  /// the same rows (a selection that went is cleared).
  void ForgetFirst(std::size_t count) {
    if (count == 0)
      return;
    auto shift = [count](std::size_t& row) {
      if (row != none)
        row = row >= count ? row - count : none;
    };
    shift(anchor_);
    shift(cursor_);
    if (anchor_ == none || cursor_ == none)
      anchor_ = cursor_ = none;
    auto top = GetVisibleRowsBegin();
    top_after_forget_ = top > count ? top - count : 0;
  }

  /// Where the top row went after the last ForgetFirst.
  std::size_t TopAfterForget() const { return top_after_forget_; }

  void Select(std::size_t anchor, std::size_t cursor) {
    anchor_ = anchor;
    cursor_ = cursor;
    SelectionChanged();
  }

private:
  static constexpr std::size_t none = static_cast<std::size_t>(-1);

  wxCoord OnGetRowHeight(size_t) const override { return row_height_; }

  // Explicit colours: a paint DC otherwise asks GTK's style machinery for
  // the defaults on every paint. Taken again when the theme changes.
  void TakeSystemColours() {
    SetOwnBackgroundColour(wxSystemSettings::GetColour(wxSYS_COLOUR_LISTBOX));
    SetOwnForegroundColour(wxSystemSettings::GetColour(wxSYS_COLOUR_LISTBOXTEXT));
    normal_ = highlighted_ = wxGraphicsFont{}; // made again, in the new colours
  }

  // Draws through wxGraphicsContext directly: wxDC::DrawText also measures
  // every string (for its bounding box), which doubled the cost of a paint.
  void OnPaint(wxPaintEvent&) {
    wxPaintDC dc(this);
    auto size = GetClientSize();
    dc.SetBackground(wxBrush(GetBackgroundColour()));
    dc.Clear();
    std::unique_ptr<wxGraphicsContext> gc{wxGraphicsContext::Create(dc)};
    if (!gc)
      return;
    // Made once: creating a graphics font asks for the window's DPI.
    if (normal_.IsNull()) {
      normal_ = gc->CreateFont(GetFont(), GetForegroundColour());
      highlighted_ = gc->CreateFont(GetFont(), wxSystemSettings::GetColour(wxSYS_COLOUR_HIGHLIGHTTEXT));
    }
    gc->SetPen(*wxTRANSPARENT_PEN);
    gc->SetBrush(wxBrush(wxSystemSettings::GetColour(wxSYS_COLOUR_HIGHLIGHT)));
    // Only what fits is shaped and drawn (pango's work is per character),
    // with room for the ellipsis that marks a payload cut short.
    auto columns = static_cast<std::size_t>(std::max(0, size.x - 2) / char_width_);
    auto payload_columns = columns > row_prefix_columns + 1 ? columns - row_prefix_columns - 1 : 1;
    std::size_t first = 0, last = 0;
    bool selection = Selection(first, last);
    int y = 0;
    for (auto row = GetVisibleRowsBegin(); row < GetVisibleRowsEnd(); ++row, y += row_height_) {
      bool selected = selection && row >= first && row <= last;
      if (selected)
        gc->DrawRectangle(0, y, size.x, row_height_);
      gc->SetFont(selected ? highlighted_ : normal_);
      gc->DrawText(view_.RowText(row, payload_columns), 2, y + 1);
    }
  }

  void OnMouse(wxMouseEvent& event) {
    event.Skip();
    if (event.Moving() || (event.Dragging() && !event.LeftIsDown()))
      return;
    SetFocus();
    auto hit = VirtualHitTest(event.GetY());
    if (hit == wxNOT_FOUND)
      return;
    auto row = static_cast<std::size_t>(hit);
    auto before = std::make_pair(anchor_, cursor_);
    // Ctrl+click on a selected row selects nothing (as Escape does): then
    // export and copy take every row the filter shows.
    if (event.LeftDown() && event.ControlDown() && IsSelected(row)) {
      ClearSelection();
      SelectionChanged();
      return;
    }
    if (event.LeftDown() && !event.ShiftDown())
      anchor_ = row;
    cursor_ = row;
    if (anchor_ == none)
      anchor_ = row;
    if (std::make_pair(anchor_, cursor_) != before)
      SelectionChanged();
  }

  void OnKey(wxKeyEvent& event) {
    auto count = GetRowCount();
    if (count == 0) {
      event.Skip();
      return;
    }
    if (event.ControlDown() && event.GetKeyCode() == 'A') {
      anchor_ = 0;
      cursor_ = count - 1;
      SelectionChanged();
      return;
    }
    if (event.GetKeyCode() == WXK_ESCAPE && anchor_ != none) {
      ClearSelection();
      SelectionChanged();
      return;
    }
    std::size_t page = GetVisibleRowsEnd() - GetVisibleRowsBegin();
    if (page == 0)
      page = 1;
    auto at = cursor_ == none ? GetVisibleRowsBegin() : cursor_;
    std::size_t next;
    switch (event.GetKeyCode()) {
      case WXK_UP: next = at > 0 ? at - 1 : 0; break;
      case WXK_DOWN: next = std::min(at + 1, count - 1); break;
      case WXK_PAGEUP: next = at > page ? at - page : 0; break;
      case WXK_PAGEDOWN: next = std::min(at + page, count - 1); break;
      case WXK_HOME: next = 0; break;
      case WXK_END: next = count - 1; break;
      default: event.Skip(); return;
    }
    if (!event.ShiftDown() || anchor_ == none)
      anchor_ = next;
    cursor_ = next;
    if (next < GetVisibleRowsBegin())
      ScrollToRow(next);
    else if (next >= GetVisibleRowsEnd())
      ScrollToRow(next + 1 > page ? next + 1 - page : 0); // `next` as the last row
    SelectionChanged();
  }

  // Repaints and tells the view's parent (the window sends to what is
  // selected last: this or the sidebar).
  void SelectionChanged() {
    Refresh();
    auto* view = GetParent();
    wxCommandEvent changed(EVT_TRAFFIC_SELECTION, view->GetId());
    changed.SetEventObject(view);
    view->ProcessWindowEvent(changed);
  }

  const TrafficView& view_;
  wxGraphicsFont normal_, highlighted_;
  int char_width_ = 8;
  int row_height_ = 16;
  std::size_t anchor_ = none;
  std::size_t cursor_ = none;
  std::size_t top_after_forget_ = 0;
};

namespace {

const char* time_header(TimeFormat format) {
  switch (format) {
    case TimeFormat::relative:
      return "Since first";
    case TimeFormat::delta:
      return "Delta";
    default:
      return "Time";
  }
}

} // namespace

TrafficView::TrafficView(wxWindow* parent) : wxPanel(parent, wxID_ANY) {
  wxFont font(wxFontInfo(GetFont().GetPointSize()).Family(wxFONTFAMILY_TELETYPE));
  header_ = new wxStaticText(this, wxID_ANY, {});
  header_->SetFont(font.Bold());
  UpdateHeader();
  rows_ = new TrafficRows(this, *this, font);
  auto* sizer = new wxBoxSizer(wxVERTICAL);
  sizer->Add(header_, 0, wxLEFT | wxTOP | wxBOTTOM, 3);
  sizer->Add(rows_, 1, wxEXPAND);
  SetSizer(sizer);
}

void TrafficView::AddEvents(const std::vector<actors::ui_event>& events) {
  std::size_t shown_gone = 0;
  for (auto& event : events) {
    auto evicted = model_.Evicted();
    model_.Add(event);
    if (model_.Evicted() != evicted)
      shown_gone += ForgetOldest(model_.Evicted() - evicted);
    if (filtered_ && Matches(model_.Size() - 1))
      shown_.push_back(static_cast<std::uint32_t>(model_.Size() - 1));
  }
  if (shown_gone > 0) {
    rows_->ForgetFirst(shown_gone);
    UpdateRows(true);
  } else if (ShownRows() != rows_->GetRowCount()) {
    UpdateRows();
  }
}

std::size_t TrafficView::ForgetOldest(std::size_t evicted) {
  if (!filtered_)
    return evicted;
  auto keep = std::lower_bound(shown_.begin(), shown_.end(), evicted);
  auto gone = static_cast<std::size_t>(keep - shown_.begin());
  shown_.erase(shown_.begin(), keep);
  for (auto& index : shown_)
    index -= static_cast<std::uint32_t>(evicted);
  return gone;
}

void TrafficView::UpdateRows(bool rows_evicted) {
  auto count = ShownRows();
  rows_->SetRowCount(count);
  if (auto_scroll_ && count > 0)
    rows_->ScrollToRow(count - 1);
  else if (rows_evicted) // stay on the rows in view
    rows_->ScrollToRow(rows_->TopAfterForget());
  rows_->Refresh();
}

std::size_t TrafficView::ShownRows() const {
  return filtered_ ? shown_.size() : model_.Size();
}

void TrafficView::UpdateHeader() {
  header_->SetLabel(wxString::Format(row_format, time_header(time_format_), "Conn", "Dir",
                                     "Size")
                    + "Payload");
}

bool TrafficView::Matches(std::size_t row) const {
  auto& r = model_.At(row);
  if (filter_.connection != 0 && r.connection != filter_.connection)
    return false;
  using dir = TrafficFilter::Direction;
  bool frame = r.kind == actors::ui_event_kind::frame;
  switch (filter_.direction) {
    case dir::in:
      if (!frame || r.dir != actors::direction::in)
        return false;
      break;
    case dir::out:
      if (!frame || r.dir != actors::direction::out)
        return false;
      break;
    case dir::events:
      if (frame)
        return false;
      break;
    default:
      break;
  }
  if (filter_.text.empty())
    return true;
  auto text = model_.Text(row);
  if (filter_regex_)
    return re2::RE2::PartialMatch(re2::StringPiece{text.data(), text.size()}, *filter_regex_);
  return text.find(filter_.text) != std::string_view::npos;
}

void TrafficView::SetFilter(std::uint64_t connection, const wxString& text) {
  TrafficFilter filter;
  filter.connection = connection;
  filter.text = text.ToStdString(wxConvUTF8);
  SetFilter(filter);
}

std::string TrafficView::SetFilter(const TrafficFilter& filter) {
  std::shared_ptr<const re2::RE2> regex;
  if (filter.regex && !filter.text.empty()) {
    re2::RE2::Options options;
    options.set_log_errors(false);
    auto compiled = std::make_shared<re2::RE2>(filter.text, options);
    if (!compiled->ok())
      return "bad regular expression: " + compiled->error();
    regex = std::move(compiled);
  }
  filter_ = filter;
  filter_regex_ = std::move(regex);
  filtered_ = filter_.connection != 0 || !filter_.text.empty()
              || filter_.direction != TrafficFilter::Direction::any;
  Rebuild();
  return {};
}

void TrafficView::SetTimeFormat(TimeFormat format) {
  time_format_ = format;
  UpdateHeader();
  rows_->Refresh();
}

void TrafficView::Rebuild() {
  shown_.clear();
  if (filtered_)
    for (std::size_t i = 0; i < model_.Size(); ++i)
      if (Matches(i))
        shown_.push_back(static_cast<std::uint32_t>(i));
  rows_->ClearSelection();
  UpdateRows();
}

void TrafficView::SetHex(bool hex) {
  hex_ = hex;
  rows_->Refresh();
}

void TrafficView::ClearAll() {
  model_.Clear();
  Rebuild();
}

std::size_t TrafficView::ModelIndex(std::size_t shown) const {
  return filtered_ ? shown_[shown] : shown;
}

namespace {

wxString seconds_label(std::int64_t ns) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "+%.6f", static_cast<double>(ns) / 1e9);
  return buf;
}

} // namespace

RowCells TrafficView::Cells(std::size_t shown, std::size_t max_payload) const {
  auto index = ModelIndex(shown);
  auto& row = model_.At(index);
  RowCells cells;
  switch (time_format_) {
    case TimeFormat::absolute:
      cells.time = time_label(row.time_ns);
      break;
    case TimeFormat::relative:
      cells.time = seconds_label(row.time_ns - model_.OriginNs());
      break;
    case TimeFormat::delta:
      cells.time = seconds_label(shown == 0 ? 0 : row.time_ns - model_.At(ModelIndex(shown - 1)).time_ns);
      break;
  }
  if (row.connection != 0)
    cells.connection.Printf("%llu", static_cast<unsigned long long>(row.connection));
  cells.direction = direction_label(row);
  if (row.kind == actors::ui_event_kind::frame)
    cells.size.Printf("%u", row.size);
  auto text = model_.Text(index);
  cells.payload = hex_ && row.kind == actors::ui_event_kind::frame
                    ? HexText(text, max_payload / 3 + 1)
                    : DisplayText(text, max_payload);
  if (row.peer_size > 0) // a datagram: who sent it, or where it went
    cells.payload = (row.dir == actors::direction::in ? "[from " : "[to ")
                    + wxString::FromUTF8(std::string{model_.Peer(index)}) + "] "
                    + cells.payload;
  return cells;
}

wxString TrafficView::RowText(std::size_t shown, std::size_t max_payload) const {
  if (shown >= ShownRows())
    return {};
  auto c = Cells(shown, max_payload);
  return wxString::Format(row_format, c.time, c.connection, c.direction, c.size) + c.payload;
}

void TrafficView::Select(std::size_t first, std::size_t last) {
  rows_->Select(first, last);
}

std::optional<std::pair<std::uint64_t, std::string>>
TrafficView::SelectedDatagramPeer() const {
  std::size_t first = 0, last = 0;
  if (!rows_->Selection(first, last) || first >= ShownRows())
    return std::nullopt;
  auto index = ModelIndex(first);
  auto peer = model_.Peer(index);
  if (peer.empty())
    return std::nullopt;
  return std::make_pair(model_.At(index).connection, std::string{peer});
}

std::optional<std::pair<std::size_t, std::size_t>> TrafficView::SelectedRange() const {
  std::size_t first = 0, last = 0;
  if (!rows_->Selection(first, last) || first >= ShownRows())
    return std::nullopt;
  return std::make_pair(first, std::min(last, ShownRows() - 1));
}

wxString TrafficView::SelectedText() const {
  wxString out;
  std::size_t first = 0, last = 0;
  if (!rows_->Selection(first, last))
    return out;
  for (auto shown = first; shown <= last && shown < ShownRows(); ++shown) {
    auto c = Cells(shown, 512);
    out << c.time << '\t' << c.connection << '\t' << c.direction << '\t' << c.size << '\t'
        << c.payload << '\n';
  }
  return out;
}

} // namespace client
