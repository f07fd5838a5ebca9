#pragma once

// View > Inspector: every actor of the client, live, in the spirit of
// Erlang's etop: kind, name, state, mailbox, rates in and out, read credit,
// what waits to be written, and a sparkline of the last minute. The window
// sends the feed one request a second (inspector_feed.hpp) and shows the
// snapshot when it arrives: it never waits for an actor. Click a header to
// sort by it; selecting a connection or UDP endpoint selects it in the
// sidebar.

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <wx/frame.h>

#include "actors/metrics.hpp"

class wxHeaderCtrlSimple;
class wxHeaderCtrlEvent;
class wxStaticText;

namespace client {

class InspectorRows;

/// The inspector's window.
class InspectorFrame : public wxFrame {
public:
  /// The columns, in order.
  enum Column {
    column_kind,
    column_name,
    column_state,
    column_mailbox,
    column_in,
    column_out,
    column_credit,
    column_queued,
    column_history,
    column_count,
  };

  /// One actor as shown.
  struct Row {
    std::string kind, name, state;
    std::uint64_t id = 0;
    double mailbox = 0;
    /// Per second, from the counters' change since the last snapshot.
    double in_rate = 0, out_rate = 0;
    /// Read credit left (connections), or -1 where it means nothing.
    double credit = -1;
    /// Bytes or events waiting (connections, logs, bridges), or -1.
    double queued = -1;
    /// The last minute of in_rate, oldest first.
    std::deque<double> history;
  };

  /// `select_connection` is called with a connection's id when the user
  /// selects its row.
  InspectorFrame(wxWindow* parent, std::function<void(std::uint64_t)> select_connection);

  /// Shows `snapshot` (the window calls it once a second while shown).
  void Update(const actors::metrics_snapshot& snapshot);

  /// The rows, in the order shown.
  const std::vector<Row>& Rows() const { return rows_; }

  /// Sorts by `column`, descending for the figures, ascending for the text.
  void SortBy(Column column);

  /// Snapshots shown so far.
  std::size_t Updates() const { return updates_; }

  /// Selects row `index`, as a click would.
  void SelectRow(std::size_t index);

private:
  struct Previous {
    double in = 0, out = 0;
    std::deque<double> history;
  };

  void Sort();
  void OnHeaderClick(wxHeaderCtrlEvent& event);

  wxHeaderCtrlSimple* header_;
  InspectorRows* list_;
  wxStaticText* summary_;
  std::vector<Row> rows_;
  // By kind and id: connections and UDP endpoints are numbered apart from
  // other actors, whose ids are actor ids.
  std::map<std::pair<std::string, std::uint64_t>, Previous> previous_;
  std::chrono::steady_clock::time_point last_update_;
  Column sort_column_ = column_mailbox;
  std::size_t updates_ = 0;
  std::function<void(std::uint64_t)> select_connection_;
};

} // namespace client
