#pragma once

// The sidebar: every connection (opened by the user or accepted by one of
// its listeners) with its peer, state, TLS, frames and bytes in and out, and
// rates. Events only add to counters; the cells are rewritten once a second
// (Tick), so a flood costs the list nothing.

#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include <wx/listctrl.h>

#include "actors/ui_event.hpp"

namespace client {

/// A list of connections and their states, updated from UI events.
class ConnectionPanel : public wxListCtrl {
public:
  /// The columns, left to right: the figures before TLS, so they show
  /// without scrolling.
  enum Column : long {
    column_id,
    column_peer,
    column_state,
    column_in,
    column_out,
    column_rate,
    column_tls,
  };

  explicit ConnectionPanel(wxWindow* parent);

  /// Updates states from a batch's events. Must be called on the UI thread.
  void Apply(const std::vector<actors::ui_event>& events);
  /// The selected connection's id, or 0.
  std::uint64_t SelectedConnection() const;
  /// The number of the selected listener (its row "L1", ...), or 0.
  std::uint64_t SelectedListener() const;
  /// Whether listener `number` still listens.
  bool IsListening(std::uint64_t number) const { return listening_.count(number) > 0; }
  /// Connections currently open.
  std::size_t OpenCount() const { return open_.size(); }

  /// Once a second: computes each connection's rates, keeps the last
  /// minute of them, and shows the figures. Must be called on the UI thread.
  void Tick();

  /// What the sidebar counts for one connection.
  struct Figures {
    std::uint64_t frames_in = 0;
    std::uint64_t frames_out = 0;
    std::uint64_t bytes_in = 0;
    std::uint64_t bytes_out = 0;
    /// Frames per second in the last second.
    double rate_in = 0;
    double rate_out = 0;
    /// The last minute of (in, out) rates, oldest first.
    std::deque<std::pair<double, double>> history;
  };

  /// The figures of `connection`, or nullptr if it never had any.
  const Figures* FiguresOf(std::uint64_t connection) const;

  /// The connections open now, by id.
  const std::set<std::uint64_t>& OpenConnections() const { return open_; }

  /// The TCP connections open now, by id (UDP endpoints left out).
  std::vector<std::uint64_t> OpenTcpConnections() const;

  /// Whether `connection` is open now.
  bool IsOpen(std::uint64_t connection) const { return open_.count(connection) > 0; }

  /// Selects `connection`'s row and scrolls it into view, if it has one.
  void SelectConnection(std::uint64_t connection);

  /// The peer ("host:port") shown for `connection`.
  wxString PeerOf(std::uint64_t connection) const;

  /// True if `connection` is a UDP endpoint (its peer column reads udp://).
  bool IsUdpEndpoint(std::uint64_t connection) const;

private:
  long RowOf(std::uint64_t connection);
  long AppendRow(const wxString& label, std::uint64_t connection);
  void SetState(std::uint64_t connection, const wxString& peer, const wxString& state);
  // The state a `connected` or `opened` event opens a row with.
  static wxString OpenState(const actors::ui_event& connected);

  std::map<std::uint64_t, long> rows_;
  // The connection of each row, by row index; 0 for a listener. Rows are
  // only ever appended, so the indexes stay valid.
  std::vector<std::uint64_t> row_connections_;
  // The listener of each listener row, by row index (0 for connections),
  // and the listeners that still listen.
  std::map<long, std::uint64_t> row_listeners_;
  std::set<std::uint64_t> listening_;
  std::set<std::uint64_t> open_;
  std::map<std::uint64_t, Figures> figures_;
  // Frame counts at the last tick, for the rates.
  std::map<std::uint64_t, std::pair<std::uint64_t, std::uint64_t>> at_last_tick_;
};

/// "12,345" and "1.2 MB": counts and sizes for people.
wxString FormatCount(std::uint64_t count);
wxString FormatBytes(std::uint64_t bytes);
/// "950", "12.3k", "2.9M": a rate or a figure that must stay short.
wxString FormatShort(double value);
/// A sidebar's frame count: exact below a million ("999,999"), then short
/// ("26.2M"), so that it and its size fit the column.
wxString FormatFrames(std::uint64_t count);

} // namespace client
