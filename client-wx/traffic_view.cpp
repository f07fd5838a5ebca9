#include "traffic_view.hpp"

#include <ctime>

#include "actors/log_record.hpp"

namespace client {

namespace {

enum Column { col_time, col_connection, col_direction, col_size, col_text };

const char* direction_label(const TrafficModel::Row& row) {
  if (row.kind != actors::ui_event_kind::frame)
    return actors::to_string(row.kind);
  return row.dir == actors::direction::inbound ? "in" : "out";
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

void TrafficModel::Add(const actors::ui_event& event) {
  Row row;
  row.time_ns = event.time.count();
  row.connection = event.connection;
  row.dir = event.dir;
  row.kind = event.kind;
  row.offset = arena_.size();
  switch (event.kind) {
    case actors::ui_event_kind::frame:
      arena_ += event.payload;
      if (event.dir == actors::direction::inbound)
        ++inbound_;
      break;
    case actors::ui_event_kind::connected:
      arena_ += (event.count == 0 ? "connected to " : "accepted ") + event.payload;
      break;
    case actors::ui_event_kind::dropped:
      arena_ += std::to_string(event.count) + " events dropped: " + event.message;
      break;
    case actors::ui_event_kind::reconnecting:
      arena_ += "reconnecting, attempt " + std::to_string(event.count);
      break;
    default:
      arena_ += event.message;
  }
  row.size = static_cast<std::uint32_t>(arena_.size() - row.offset);
  rows_.push_back(row);
}

void TrafficModel::Clear() {
  rows_.clear();
  rows_.shrink_to_fit();
  arena_.clear();
  arena_.shrink_to_fit();
}

std::string_view TrafficModel::Text(std::size_t i) const {
  return std::string_view{arena_}.substr(rows_[i].offset, rows_[i].size);
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

TrafficView::TrafficView(wxWindow* parent)
  : wxListCtrl(parent, wxID_ANY, wxDefaultPosition, wxDefaultSize,
               wxLC_REPORT | wxLC_VIRTUAL | wxLC_HRULES) {
  AppendColumn("Time", wxLIST_FORMAT_LEFT, 100);
  AppendColumn("Conn", wxLIST_FORMAT_RIGHT, 50);
  AppendColumn("Dir", wxLIST_FORMAT_LEFT, 90);
  AppendColumn("Size", wxLIST_FORMAT_RIGHT, 60);
  AppendColumn("Payload", wxLIST_FORMAT_LEFT, 600);
  SetItemCount(0);
}

void TrafficView::AddEvents(const std::vector<actors::ui_event>& events) {
  for (auto& event : events) {
    model_.Add(event);
    if (filtered_ && Matches(model_.Size() - 1))
      shown_.push_back(static_cast<std::uint32_t>(model_.Size() - 1));
  }
  auto count = static_cast<long>(ShownRows());
  SetItemCount(count);
  if (auto_scroll_ && count > 0)
    EnsureVisible(count - 1);
  Refresh(false);
}

std::size_t TrafficView::ShownRows() const {
  return filtered_ ? shown_.size() : model_.Size();
}

bool TrafficView::Matches(std::size_t row) const {
  if (filter_connection_ != 0 && model_.At(row).connection != filter_connection_)
    return false;
  return filter_text_.empty()
         || model_.Text(row).find(filter_text_) != std::string_view::npos;
}

void TrafficView::SetFilter(std::uint64_t connection, const wxString& text) {
  filter_connection_ = connection;
  filter_text_ = text.ToStdString(wxConvUTF8);
  filtered_ = connection != 0 || !filter_text_.empty();
  Rebuild();
}

void TrafficView::Rebuild() {
  shown_.clear();
  if (filtered_)
    for (std::size_t i = 0; i < model_.Size(); ++i)
      if (Matches(i))
        shown_.push_back(static_cast<std::uint32_t>(i));
  SetItemCount(static_cast<long>(ShownRows()));
  Refresh(false);
}

void TrafficView::SetHex(bool hex) {
  hex_ = hex;
  Refresh(false);
}

void TrafficView::ClearAll() {
  model_.Clear();
  Rebuild();
}

std::size_t TrafficView::ModelIndex(long item) const {
  return filtered_ ? shown_[static_cast<std::size_t>(item)] : static_cast<std::size_t>(item);
}

wxString TrafficView::OnGetItemText(long item, long column) const {
  if (item < 0 || static_cast<std::size_t>(item) >= ShownRows())
    return {};
  auto index = ModelIndex(item);
  auto& row = model_.At(index);
  switch (column) {
    case col_time: return time_label(row.time_ns);
    case col_connection: return row.connection ? wxString::Format("%llu",
                                  static_cast<unsigned long long>(row.connection))
                                               : wxString{};
    case col_direction: return direction_label(row);
    case col_size: return row.kind == actors::ui_event_kind::frame
                            ? wxString::Format("%u", row.size) : wxString{};
    default: {
      auto text = model_.Text(index);
      return hex_ && row.kind == actors::ui_event_kind::frame ? HexText(text) : DisplayText(text);
    }
  }
}

wxString TrafficView::SelectedText() const {
  wxString out;
  for (long item = GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED); item != -1;
       item = GetNextItem(item, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED)) {
    for (long col = 0; col < GetColumnCount(); ++col)
      out << OnGetItemText(item, col) << (col + 1 < GetColumnCount() ? "\t" : "\n");
  }
  return out;
}

} // namespace client
