#include "connection_panel.hpp"

#include <cstdio>
#include <iterator>
#include <string>

namespace client {

ConnectionPanel::ConnectionPanel(wxWindow* parent)
  : wxListCtrl(parent, wxID_ANY, wxDefaultPosition, wxSize(600, -1),
               wxLC_REPORT | wxLC_SINGLE_SEL) {
  AppendColumn("Conn", wxLIST_FORMAT_RIGHT, 40);
  AppendColumn("Peer", wxLIST_FORMAT_LEFT, 170); // "udp://127.0.0.1:47999" whole
  AppendColumn("State", wxLIST_FORMAT_LEFT, 150); // "connected, TLSv1.3"
  AppendColumn("In", wxLIST_FORMAT_RIGHT, 120); // "999,999 (52.4 MB)", "26.2M (1.3 GB)"
  AppendColumn("Out", wxLIST_FORMAT_RIGHT, 120);
  AppendColumn("Rate in/out", wxLIST_FORMAT_RIGHT, 80);
  // Protocol version and cipher suite; empty for plain TCP.
  AppendColumn("TLS", wxLIST_FORMAT_LEFT, 140);
  SetToolTip("In and Out: frames (bytes) the window saw; Rate: frames per second.\n"
             "Right-click or Delete: close; Connect again... opens the dialog for its peer.");
}

namespace {

constexpr std::size_t history_seconds = 60;

// A UDP endpoint's address reads "udp://..." (ui_event.hpp), in its event
// and so in its peer column.
bool IsUdpAddress(const wxString& address) {
  return address.StartsWith("udp://");
}

// "refused" for connection_refused, "tls handshake failed": short enough
// for the state column.
wxString ReasonForPeople(actors::error_kind kind) {
  wxString text = actors::to_string(kind);
  text.StartsWith("connection_", &text);
  text.Replace("_", " ");
  return text;
}

} // namespace

wxString FormatCount(std::uint64_t count) {
  auto digits = std::to_string(count);
  std::string result;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0)
      result += ',';
    result += digits[i];
  }
  return wxString::FromUTF8(result);
}

wxString FormatShort(double value) {
  char text[32];
  if (value >= 1e6)
    std::snprintf(text, sizeof text, "%.1fM", value / 1e6);
  else if (value >= 1e4)
    std::snprintf(text, sizeof text, "%.1fk", value / 1e3);
  else
    std::snprintf(text, sizeof text, "%.0f", value);
  return text;
}

wxString FormatFrames(std::uint64_t count) {
  return count < 1'000'000 ? FormatCount(count) : FormatShort(static_cast<double>(count));
}

wxString FormatBytes(std::uint64_t bytes) {
  static const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  auto value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1000 && unit + 1 < std::size(units)) {
    value /= 1000;
    ++unit;
  }
  return unit == 0 ? wxString::Format("%llu B", static_cast<unsigned long long>(bytes))
                   : wxString::Format("%.1f %s", value, units[unit]);
}

const ConnectionPanel::Figures* ConnectionPanel::FiguresOf(std::uint64_t connection) const {
  auto i = figures_.find(connection);
  return i == figures_.end() ? nullptr : &i->second;
}

wxString ConnectionPanel::PeerOf(std::uint64_t connection) const {
  auto i = rows_.find(connection);
  return i == rows_.end() ? wxString{} : GetItemText(i->second, column_peer);
}

bool ConnectionPanel::IsUdpEndpoint(std::uint64_t connection) const {
  return IsUdpAddress(PeerOf(connection));
}

std::vector<std::uint64_t> ConnectionPanel::OpenTcpConnections() const {
  std::vector<std::uint64_t> result;
  for (auto id : open_)
    if (!IsUdpEndpoint(id))
      result.push_back(id);
  return result;
}

void ConnectionPanel::Tick() {
  for (auto& [connection, f] : figures_) {
    auto& last = at_last_tick_[connection];
    f.rate_in = static_cast<double>(f.frames_in - last.first);
    f.rate_out = static_cast<double>(f.frames_out - last.second);
    last = {f.frames_in, f.frames_out};
    f.history.emplace_back(f.rate_in, f.rate_out);
    if (f.history.size() > history_seconds)
      f.history.pop_front();
    auto row = RowOf(connection);
    SetItem(row, column_in, FormatFrames(f.frames_in) + " (" + FormatBytes(f.bytes_in) + ")");
    SetItem(row, column_out,
            FormatFrames(f.frames_out) + " (" + FormatBytes(f.bytes_out) + ")");
    SetItem(row, column_rate, FormatShort(f.rate_in) + " / " + FormatShort(f.rate_out));
  }
}

long ConnectionPanel::RowOf(std::uint64_t connection) {
  auto i = rows_.find(connection);
  if (i != rows_.end())
    return i->second;
  auto row = AppendRow(wxString::Format("%llu", static_cast<unsigned long long>(connection)),
                       connection);
  rows_[connection] = row;
  return row;
}

long ConnectionPanel::AppendRow(const wxString& label, std::uint64_t connection) {
  // Follows new rows while the last one is in view, as a log view does.
  bool at_end = GetItemCount() == 0 || GetTopItem() + GetCountPerPage() >= GetItemCount();
  auto row = InsertItem(GetItemCount(), label);
  if (at_end)
    EnsureVisible(row);
  row_connections_.resize(static_cast<std::size_t>(GetItemCount()), 0);
  row_connections_[static_cast<std::size_t>(row)] = connection;
  return row;
}

void ConnectionPanel::SetState(std::uint64_t connection, const wxString& peer,
                               const wxString& state) {
  auto row = RowOf(connection);
  if (!peer.empty())
    SetItem(row, column_peer, peer);
  SetItem(row, column_state, state);
}

wxString ConnectionPanel::OpenState(const actors::ui_event& connected) {
  // UDP has no connection: an endpoint is open, whether it has a remote
  // peer or only receives (its peer column then shows its own address).
  if (connected.kind == actors::ui_event_kind::opened)
    return "open";
  wxString state = connected.listener != 0
                     ? wxString::Format("accepted by L%llu",
                                        static_cast<unsigned long long>(connected.listener))
                     : wxString{"connected"};
  // The TLS column, with the cipher, is off-screen at the sidebar's
  // default width; the version is what tells tls:// rows apart.
  if (!connected.tls.empty())
    state += ", " + wxString::FromUTF8(connected.tls.substr(0, connected.tls.find(' ')));
  return state;
}

void ConnectionPanel::Apply(const std::vector<actors::ui_event>& events) {
  using kind = actors::ui_event_kind;
  for (auto& event : events) {
    if (event.kind == kind::listening) {
      auto row = AppendRow(wxString::Format("L%llu", static_cast<unsigned long long>(event.listener)),
                           0);
      row_listeners_[row] = event.listener;
      listening_.insert(event.listener);
      SetItem(row, column_peer, wxString::FromUTF8(event.address));
      SetItem(row, column_state, "listening");
      continue;
    }
    // The workbench's word that a listener stopped names it.
    if (event.kind == kind::message && event.listener != 0 && listening_.erase(event.listener)) {
      for (auto& [row, number] : row_listeners_)
        if (number == event.listener)
          SetItem(row, column_state, "closed");
      continue;
    }
    if (event.connection == 0)
      continue;
    // The workbench's word that it is connecting names the connection and
    // the address asked for; it comes through the relay before any event
    // of the connection itself.
    if (event.kind == kind::message && !event.address.empty()) {
      if (rows_.count(event.connection) == 0)
        SetState(event.connection, wxString::FromUTF8(event.address), "connecting");
      continue;
    }
    switch (event.kind) {
      case kind::frame: {
        auto& f = figures_[event.connection];
        if (event.dir == actors::direction::out) {
          ++f.frames_out;
          f.bytes_out += event.payload.size();
        } else {
          ++f.frames_in;
          f.bytes_in += event.payload.size();
        }
        break;
      }
      case kind::dropped:
        // Frames the window did not get to see still arrived.
        figures_[event.connection].frames_in += event.dropped;
        break;
      case kind::connected:
      case kind::opened:
        open_.insert(event.connection);
        figures_[event.connection]; // zeros until its first frame
        SetState(event.connection, wxString::FromUTF8(event.address), OpenState(event));
        SetItem(RowOf(event.connection), column_tls, wxString::FromUTF8(event.tls));
        // Something is always selected, so the send bar works at once.
        if (GetSelectedItemCount() == 0)
          SetItemState(RowOf(event.connection), wxLIST_STATE_SELECTED,
                       wxLIST_STATE_SELECTED);
        break;
      case kind::peer_finished:
        SetState(event.connection, {}, "peer finished sending");
        break;
      case kind::reconnecting:
        SetState(event.connection, {}, wxString::Format("reconnecting (%u)",
                                         static_cast<unsigned>(event.attempt)));
        break;
      case kind::disconnected: {
        open_.erase(event.connection);
        auto reason = event.error == actors::error_kind::none
                        ? wxString{"closed"}
                        : "closed: " + ReasonForPeople(event.error);
        SetState(event.connection, {}, reason);
        break;
      }
      default:
        break;
    }
  }
}

std::uint64_t ConnectionPanel::SelectedListener() const {
  auto row = GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED);
  auto i = row_listeners_.find(row);
  return i == row_listeners_.end() ? 0 : i->second;
}

std::uint64_t ConnectionPanel::SelectedConnection() const {
  auto row = GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED);
  if (row < 0 || static_cast<std::size_t>(row) >= row_connections_.size())
    return 0;
  return row_connections_[static_cast<std::size_t>(row)];
}

} // namespace client

namespace client {

void ConnectionPanel::SelectConnection(std::uint64_t connection) {
  auto i = rows_.find(connection);
  if (i == rows_.end())
    return;
  for (long row = 0; row < GetItemCount(); ++row)
    SetItemState(row, row == i->second ? wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED : 0,
                 wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED);
  EnsureVisible(i->second);
}

} // namespace client
