#pragma once

// The traffic view: a virtual list over a compact model, so millions of
// frames cost a few dozen bytes each plus their payload, and painting costs
// only the visible rows.

#include <cstdint>
#include <string>
#include <vector>

#include <wx/listctrl.h>

#include "actors/ui_event.hpp"

namespace client {

/// Every frame and event shown, stored compactly; the view's data.
class TrafficModel {
public:
  /// One shown line: what happened and where its text lives in the arena.
  struct Row {
    std::int64_t time_ns = 0;
    std::uint64_t connection = 0;
    std::uint64_t offset = 0;
    std::uint32_t size = 0;
    actors::direction dir = actors::direction::none;
    actors::ui_event_kind kind = actors::ui_event_kind::message;
  };

  /// Appends the event as a row. Must be called on the UI thread.
  void Add(const actors::ui_event& event);
  /// Removes everything.
  void Clear();
  /// Number of rows.
  std::size_t Size() const { return rows_.size(); }
  /// Row `i`.
  const Row& At(std::size_t i) const { return rows_[i]; }
  /// The payload or message of row `i`.
  std::string_view Text(std::size_t i) const;
  /// Inbound frames added since the start (not reduced by Clear).
  std::uint64_t InboundFrames() const { return inbound_; }

private:
  std::vector<Row> rows_;
  std::string arena_;
  std::uint64_t inbound_ = 0;
};

/// The list control showing a TrafficModel, with filters and hex display.
class TrafficView : public wxListCtrl {
public:
  explicit TrafficView(wxWindow* parent);

  /// Appends a batch's events; refreshes and scrolls once per batch.
  void AddEvents(const std::vector<actors::ui_event>& events);
  /// Shows only rows of `connection` (0: all) containing `text` (empty: all).
  void SetFilter(std::uint64_t connection, const wxString& text);
  /// Payloads as hex instead of text.
  void SetHex(bool hex);
  /// Keeps the newest row in view while on.
  void SetAutoScroll(bool on) { auto_scroll_ = on; }
  /// Removes every row.
  void ClearAll();
  /// The selected rows as text, one per line.
  wxString SelectedText() const;
  /// The model (for tests and the status bar).
  const TrafficModel& Model() const { return model_; }
  /// Rows currently shown (after filtering).
  std::size_t ShownRows() const;

protected:
  wxString OnGetItemText(long item, long column) const override;

private:
  bool Matches(std::size_t row) const;
  std::size_t ModelIndex(long item) const;
  void Rebuild();

  TrafficModel model_;
  std::vector<std::uint32_t> shown_; // used only while a filter is set
  bool filtered_ = false;
  std::uint64_t filter_connection_ = 0;
  std::string filter_text_;
  bool hex_ = false;
  bool auto_scroll_ = true;
};

/// A payload for display: valid UTF-8 as is, other bytes and control
/// characters escaped (\n, \xHH); at most `limit` bytes are shown.
wxString DisplayText(std::string_view payload, std::size_t limit = 512);

/// A payload as hex bytes ("68 65 6c"), at most `limit` bytes.
wxString HexText(std::string_view payload, std::size_t limit = 256);

} // namespace client
