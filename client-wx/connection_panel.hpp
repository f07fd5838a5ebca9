#pragma once

// The sidebar: every connection (opened by the user or accepted by one of
// its listeners) with its peer and state.

#include <cstdint>
#include <map>
#include <set>
#include <vector>

#include <wx/listctrl.h>

#include "actors/ui_event.hpp"

namespace client {

/// A list of connections and their states, updated from UI events.
class ConnectionPanel : public wxListCtrl {
public:
  explicit ConnectionPanel(wxWindow* parent);

  /// Updates states from a batch's events. Must be called on the UI thread.
  void Apply(const std::vector<actors::ui_event>& events);
  /// The selected connection's id, or 0.
  std::uint64_t SelectedConnection() const;
  /// Connections currently open.
  std::size_t OpenCount() const { return open_.size(); }

private:
  long RowOf(std::uint64_t connection);
  long AppendRow(const wxString& label, std::uint64_t connection);
  void SetState(std::uint64_t connection, const wxString& peer, const wxString& state);

  std::map<std::uint64_t, long> rows_;
  // The connection of each row, by row index; 0 for a listener. Rows are
  // only ever appended, so the indexes stay valid.
  std::vector<std::uint64_t> row_connections_;
  std::set<std::uint64_t> open_;
};

} // namespace client
