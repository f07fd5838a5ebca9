#include "connection_panel.hpp"

namespace client {

ConnectionPanel::ConnectionPanel(wxWindow* parent)
  : wxListCtrl(parent, wxID_ANY, wxDefaultPosition, wxSize(420, -1),
               wxLC_REPORT | wxLC_SINGLE_SEL) {
  AppendColumn("Conn", wxLIST_FORMAT_RIGHT, 45);
  AppendColumn("Peer", wxLIST_FORMAT_LEFT, 125);
  AppendColumn("State", wxLIST_FORMAT_LEFT, 105);
  // Protocol version and cipher suite; empty for plain TCP.
  AppendColumn("TLS", wxLIST_FORMAT_LEFT, 140);
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
  auto row = InsertItem(GetItemCount(), label);
  row_connections_.resize(static_cast<std::size_t>(GetItemCount()), 0);
  row_connections_[static_cast<std::size_t>(row)] = connection;
  return row;
}

void ConnectionPanel::SetState(std::uint64_t connection, const wxString& peer,
                               const wxString& state) {
  auto row = RowOf(connection);
  if (!peer.empty())
    SetItem(row, 1, peer);
  SetItem(row, 2, state);
}

void ConnectionPanel::Apply(const std::vector<actors::ui_event>& events) {
  using kind = actors::ui_event_kind;
  for (auto& event : events) {
    if (event.kind == kind::listening) {
      auto row = AppendRow(wxString::Format("L%llu", static_cast<unsigned long long>(event.listener)),
                           0);
      SetItem(row, 1, wxString::FromUTF8(event.address));
      SetItem(row, 2, "listening");
      continue;
    }
    if (event.connection == 0)
      continue;
    switch (event.kind) {
      case kind::connected:
        open_.insert(event.connection);
        SetState(event.connection, wxString::FromUTF8(event.address),
                 event.listener == 0 ? wxString{"connected"}
                                     : wxString::Format("accepted by L%llu",
                                         static_cast<unsigned long long>(event.listener)));
        SetItem(RowOf(event.connection), 3, wxString::FromUTF8(event.tls));
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
                        : "closed: " + wxString{actors::to_string(event.error)};
        SetState(event.connection, {}, reason);
        break;
      }
      default:
        break;
    }
  }
}

std::uint64_t ConnectionPanel::SelectedConnection() const {
  auto row = GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED);
  if (row < 0 || static_cast<std::size_t>(row) >= row_connections_.size())
    return 0;
  return row_connections_[static_cast<std::size_t>(row)];
}

} // namespace client
