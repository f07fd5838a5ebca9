#pragma once

// The main window: connections on the left, traffic on the right, the send
// bar below, status and a throughput graph at the bottom. It learns what
// happens only from UI bridge batches and commands the workbench only with
// anon_send: it never waits on an actor.

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <caf/actor.hpp>
#include <wx/frame.h>
#include <wx/timer.h>

#include "actors/metrics.hpp"
#include "actors/ui_sink.hpp"
#include "actors/wx/batch_receiver.hpp"
#include "actors/wx/ui_sink.hpp"
#include "reply_hold.hpp"
#include "reply_rules.hpp"

class wxInfoBar;
class wxTextCtrl;
class wxCheckBox;
class wxChoice;
class wxListEvent;

namespace client {

class TrafficView;
class ConnectionPanel;
class SendBar;
class ThroughputGraph;
class SavedMessagesPanel;
class SequenceDialog;
class GeneratorDialog;
struct GeneratorSettings;
class InspectorFrame;

/// The client's window.
class MainFrame : public wxFrame {
public:
  /// Shows the batches of `sink`, acknowledging them to `bridge`;
  /// `workbench` carries out commands.
  MainFrame(const actors::wx::ui_sink& sink, caf::actor workbench, caf::actor bridge);

  /// Sends `payload` to the selected connection, or to all. UI thread only.
  void Send(const std::string& payload, bool to_all);

  /// Answers frames by `rules` from now on (the relay applies them).
  void SetReplyRules(std::vector<ReplyRule> rules);
  /// The rules in use.
  const std::vector<ReplyRule>& ReplyRules() const { return reply_rules_; }

  /// Starts (non-empty path) or stops logging every frame to a file.
  void LogTo(const std::string& path);

  /// Records what happens on the connections as a scenario script to
  /// `path` (File > Record session, --record); an empty path stops.
  void RecordTo(const std::string& path);

  /// The traffic view (tests read its model).
  TrafficView& Traffic() { return *traffic_; }
  /// The sidebar.
  ConnectionPanel& Connections() { return *connections_; }

  /// Writes the selected rows, or all shown rows if none is selected, to
  /// `path` in `format`; returns an error, or empty (File > Export rows).
  std::string ExportRows(const std::string& path, int format);

  /// Closes the connection selected in the sidebar, if it is open (Delete,
  /// or Close in the sidebar's context menu).
  void CloseSelected();

  /// Opens (or raises) View > Run a sequence.
  SequenceDialog& ShowSequences();

  /// Runs `text` as a sequence on the open connections; returns why it
  /// cannot run (a parse error with its line), or empty once it started.
  std::string RunSequence(const std::string& text);
  /// Opens (or raises) View > Generate traffic.
  GeneratorDialog& ShowGenerator();

  /// Starts the traffic generator with `settings` on the selected
  /// connection or all open ones; returns why it cannot start, or empty.
  std::string GenerateTraffic(const GeneratorSettings& settings);

  /// Where View > Inspector gets its snapshots (inspector_feed.hpp).
  void SetInspectorFeed(caf::actor feed) { inspector_feed_ = std::move(feed); }
  /// Opens (or raises) View > Inspector.
  InspectorFrame& ShowInspector();
  /// Shows a snapshot from the feed (null: the registry did not answer).
  void ShowSnapshot(const std::shared_ptr<const actors::metrics_snapshot>& snapshot);

  /// The send bar.
  SendBar& Sender() { return *send_bar_; }
  /// The saved messages.
  SavedMessagesPanel& Saved() { return *saved_; }
  /// Holds frames for the reply to a line sent (tests and benchmarks).
  ReplyHold& Replies() { return reply_hold_; }
  /// Receives the bridge's batches (tests and benchmarks observe it).
  actors::wx::batch_receiver& Batches() { return batches_; }

protected:
  /// The status bar CreateStatusBar makes: a DeferredStatusBar.
  wxStatusBar* OnCreateStatusBar(int fields, long style, wxWindowID id,
                                 const wxString& name) override;

private:
  void ApplyBatch(const actors::ui_batch& batch);
  void BuildMenus();
  void BuildToolBar();
  wxWindow* BuildFilterRow(wxWindow* parent);
  void OnConnect(wxCommandEvent&);
  void OnListen(wxCommandEvent&);
  void OnToggleLog(wxCommandEvent&);
  void OnToggleRecord(wxCommandEvent&);
  // The sidebar's context menu: close, connect again.
  void OnConnectionMenu(wxListEvent&);
  // A sequence's step under way or its verdict (a "sequence..." message).
  void ShowSequenceState(const wxString& text);
  // The traffic generator's progress or end (a "generator: ..." message).
  void ShowGeneratorState(const wxString& text);
  // Checks Log or Record in the menu and the toolbar alike.
  void CheckItem(int id, bool on);
  void OnCopy(wxCommandEvent&);
  void OnExport(wxCommandEvent&);
  void OnSecond(wxTimerEvent&);
  void ApplyFilter();
  void ShowError(const wxString& text);
  void UpdateStatus();
  void ShowLogState(const wxString& state);
  // Names in the send bar where a line goes: the datagram selected in the
  // traffic view when it was selected after the sidebar's row, else the
  // sidebar's connection.
  void UpdateSendTarget();

  caf::actor workbench_;
  TrafficView* traffic_;
  ConnectionPanel* connections_;
  SendBar* send_bar_;
  SavedMessagesPanel* saved_;
  ThroughputGraph* graph_;
  wxInfoBar* info_bar_;
  wxTextCtrl* filter_text_;
  wxCheckBox* filter_selected_;
  wxCheckBox* filter_regex_;
  wxChoice* filter_direction_;
  wxTimer second_timer_;
  // Acknowledges each batch one event-loop turn after applying it, so a
  // flood cannot keep wx draining batches back to back without painting or
  // running timers.
  actors::wx::batch_receiver batches_;
  // Frames wait up to this long for the reply to a line the user sent: a
  // quarter of a 60 Hz frame interval, unnoticeable, and ample for a reply
  // on the same host or network.
  static constexpr int reply_hold_limit_ms = 4;
  ReplyHold reply_hold_;
  std::uint64_t rx_frames_ = 0, tx_frames_ = 0, dropped_ = 0;
  std::uint64_t last_rx_ = 0, last_tx_ = 0;
  double rx_rate_ = 0, tx_rate_ = 0;
  wxString log_state_ = "log: off";
  // The file being logged to (empty: off), for the state shown.
  wxString log_path_;
  // The file recorded to (the status bar shows its name); empty while not
  // recording.
  std::string record_path_;
  // The last minute of all connections' rates, for the graph when no
  // connection is selected.
  std::deque<std::pair<double, double>> total_rates_;
  SequenceDialog* sequence_dialog_ = nullptr;
  wxString sequence_state_;
  GeneratorDialog* generator_dialog_ = nullptr;
  InspectorFrame* inspector_ = nullptr;
  caf::actor inspector_feed_;
  // A snapshot was asked for and has not arrived: ask for no other.
  bool inspect_pending_ = false;
  // Whether a datagram in the traffic view is the send target: the last
  // selection made, there or in the sidebar, decides.
  bool datagram_is_target_ = false;
  wxString generator_state_;
  std::vector<ReplyRule> reply_rules_;
};

} // namespace client
