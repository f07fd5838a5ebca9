#pragma once

// The traffic view: a custom-drawn virtual list over a compact model, so
// millions of frames cost a few dozen bytes each plus their payload, and a
// repaint costs one line of text per visible row whatever the row count.

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <wx/event.h>
#include <wx/font.h>
#include <wx/panel.h>
#include <wx/vscroll.h>

#include "actors/ui_event.hpp"

class wxStaticText;

namespace re2 {
class RE2;
} // namespace re2

namespace client {

/// How much the traffic view keeps: the newest rows up to both limits;
/// older rows are evicted (the log file, when on, holds all of them).
struct Retention {
  /// At most this many rows (at least one block of 16,384).
  std::size_t rows = 1'000'000;
  /// At most about this many bytes of payload and message text.
  std::size_t text_bytes = 256 * 1024 * 1024;
};

/// Every frame and event shown, stored compactly; the view's data. Keeps
/// only the newest rows within its `Retention`.
class TrafficModel {
public:
  /// Rows per block: rows are stored, and evicted, this many at a time.
  static constexpr std::size_t rows_per_block = 16 * 1024;

  /// One shown line: what happened and where its text lives.
  struct Row {
    std::int64_t time_ns = 0;
    std::uint64_t connection = 0;
    std::uint32_t block = 0;  // the text block holding the text
    std::uint32_t offset = 0; // where in that block it starts
    std::uint32_t size = 0;
    actors::direction dir = actors::direction::event;
    actors::ui_event_kind kind = actors::ui_event_kind::message;
    std::uint16_t peer_size = 0; // a datagram's peer, stored before the text
  };

  /// Appends the event as a row, evicting the oldest rows past the
  /// retention limits. Must be called on the UI thread.
  void Add(const actors::ui_event& event);
  /// Sets the limits (evicting at the next `Add`).
  void SetRetention(Retention retention);
  /// The limits.
  const Retention& GetRetention() const { return retention_; }
  /// Rows evicted since the start or the last Clear.
  std::uint64_t Evicted() const { return evicted_; }
  /// Bytes of text stored (whole blocks).
  std::size_t TextBytes() const { return text_bytes_; }
  /// Removes everything.
  void Clear();
  /// Number of rows.
  std::size_t Size() const { return size_; }
  /// Row `i`.
  const Row& At(std::size_t i) const {
    i += first_;
    return row_blocks_[i / rows_per_block][i % rows_per_block];
  }
  /// The payload or message of row `i`.
  std::string_view Text(std::size_t i) const;
  /// The peer of row `i` if it is a datagram ("address:port"), else empty.
  std::string_view Peer(std::size_t i) const;
  /// Inbound frames added since the start (not reduced by Clear).
  std::uint64_t InboundFrames() const { return inbound_; }
  /// The time of the first row added since the start or the last Clear
  /// (evicting it does not change this); 0 before any.
  std::int64_t OriginNs() const { return origin_ns_; }

private:
  // Rows and text live in fixed-size blocks that never move: appending never
  // copies what is stored. (A growing vector copies everything when it
  // doubles, which froze the UI for tens of milliseconds at a million rows.)
  // Eviction drops the oldest rows one by one but frees memory only in
  // whole blocks: a row block once all its rows are gone, a text block once
  // no row left uses it.
  static constexpr std::size_t text_block_size = 1024 * 1024;

  void AppendText(Row& row, std::string_view text, std::string_view peer = {});
  void EvictOldest();
  const std::string& TextBlock(std::uint32_t number) const {
    return text_blocks_[number - first_text_block_];
  }

  std::deque<std::unique_ptr<Row[]>> row_blocks_;
  std::size_t first_ = 0; // the first live row in row_blocks_.front()
  std::size_t size_ = 0;  // live rows
  std::deque<std::string> text_blocks_; // each filled only up to its capacity
  std::uint32_t first_text_block_ = 0;  // the number of text_blocks_.front()
  std::uint32_t next_text_block_ = 0;   // the number the next block gets
  std::size_t text_bytes_ = 0;
  Retention retention_;
  std::uint64_t evicted_ = 0;
  std::uint64_t inbound_ = 0;
  std::int64_t origin_ns_ = 0;
};

class TrafficRows;

/// What the time column shows.
enum class TimeFormat {
  /// The time of day (HH:MM:SS.mmm).
  absolute,
  /// Seconds since the first row (since the start or the last Clear).
  relative,
  /// Seconds since the row shown above.
  delta,
};

/// Which rows the traffic view shows.
struct TrafficFilter {
  enum class Direction { any, in, out, events };
  /// Only this connection's rows; 0: every connection.
  std::uint64_t connection = 0;
  /// Only rows whose payload or message contains this (empty: any).
  std::string text;
  /// `text` is an RE2 regular expression, found anywhere in the row.
  bool regex = false;
  /// Only frames received, frames sent, or events (anything but frames).
  Direction direction = Direction::any;
};

/// The formats File > Export writes.
enum class ExportFormat {
  /// One row per line, columns separated by tabs (as Copy does).
  text,
  /// RFC 4180 CSV with a header: time, connection, direction, size, peer, payload.
  csv,
  /// Each row's header, then its bytes 16 to a line in hex and as text.
  hex_dump,
};

/// The format a file named `path` asks for by its extension (.txt or .tsv,
/// .csv, .hex), else `chosen` (the file dialog's type).
ExportFormat ExportFormatFor(const std::string& path, ExportFormat chosen);

/// The columns of one row, as text.
struct RowCells {
  wxString time, connection, direction, size, payload;
};

/// Sent by a TrafficView when the user changes its selection (a click,
/// the keys) or Select() does; the selection is the view's.
wxDECLARE_EVENT(EVT_TRAFFIC_SELECTION, wxCommandEvent);

/// The traffic list: a header and the rows of a TrafficModel, with filters,
/// hex display, auto-scroll and a selection (click, Shift+click, arrows,
/// Page Up/Down, Home/End, Ctrl+A).
class TrafficView : public wxPanel {
public:
  explicit TrafficView(wxWindow* parent);

  /// Appends a batch's events; the list repaints once per batch at most.
  void AddEvents(const std::vector<actors::ui_event>& events);
  /// Shows only rows of `connection` (0: all) containing `text` (empty: all).
  void SetFilter(std::uint64_t connection, const wxString& text);
  /// Shows only the rows `filter` lets through; returns why it cannot
  /// (a bad regular expression, with RE2's reason), keeping the filter
  /// before it, or empty.
  std::string SetFilter(const TrafficFilter& filter);
  /// What the time column shows.
  void SetTimeFormat(TimeFormat format);
  /// Writes the selected rows, or every shown row when `selected_only` is
  /// false, to `out` in `format`; returns how many rows it wrote.
  std::size_t Export(std::ostream& out, ExportFormat format, bool selected_only) const;
  /// The first and last selected shown rows, if any are.
  std::optional<std::pair<std::size_t, std::size_t>> SelectedRange() const;
  /// Payloads as hex instead of text.
  void SetHex(bool hex);
  /// Keeps the newest row in view while on.
  void SetAutoScroll(bool on) { auto_scroll_ = on; }
  /// Removes every row.
  void ClearAll();
  /// Selects the shown rows `first` to `last`, as a click on one and a
  /// Shift+click on the other would.
  void Select(std::size_t first, std::size_t last);
  /// The selected rows as text, one per line (columns separated by tabs).
  wxString SelectedText() const;
  /// The first selected row, if it is a datagram: its endpoint's id and its
  /// peer, the address a reply goes to.
  std::optional<std::pair<std::uint64_t, std::string>> SelectedDatagramPeer() const;
  /// The model (for tests and the status bar).
  const TrafficModel& Model() const { return model_; }
  /// Sets how much the view keeps.
  void SetRetention(Retention retention) { model_.SetRetention(retention); }
  /// Rows currently shown (after filtering).
  std::size_t ShownRows() const;
  /// Row `shown` (an index among the shown rows) as one line of text, its
  /// payload cut to `max_payload` bytes.
  wxString RowText(std::size_t shown, std::size_t max_payload) const;
  /// The model row behind shown row `shown`.
  std::size_t ModelIndex(std::size_t shown) const;
  /// The columns of shown row `shown`, its payload cut to `max_payload`
  /// bytes (shown as text, or as hex bytes when Hex is on).
  RowCells Cells(std::size_t shown, std::size_t max_payload) const;

private:
  bool Matches(std::size_t row) const;
  void UpdateHeader();
  void Rebuild();
  // The `evicted` oldest model rows are gone: shifts the filtered rows;
  // returns how many shown rows went.
  std::size_t ForgetOldest(std::size_t evicted);
  // Tells the rows how many there are, scrolls (auto-scroll, or back onto
  // the same rows after an eviction), repaints.
  void UpdateRows(bool rows_evicted = false);

  TrafficModel model_;
  TrafficRows* rows_;
  wxStaticText* header_;
  std::vector<std::uint32_t> shown_; // used only while a filter is set
  bool filtered_ = false;
  TrafficFilter filter_;
  // The compiled filter_.text when it is a regular expression.
  std::shared_ptr<const re2::RE2> filter_regex_;
  TimeFormat time_format_ = TimeFormat::absolute;
  bool hex_ = false;
  bool auto_scroll_ = true;
};

/// A payload for display: valid UTF-8 as is, other bytes and control
/// characters escaped (\n, \xHH); at most `limit` bytes are shown.
wxString DisplayText(std::string_view payload, std::size_t limit = 512);

/// A payload as hex bytes ("68 65 6c"), at most `limit` bytes.
wxString HexText(std::string_view payload, std::size_t limit = 256);

} // namespace client
