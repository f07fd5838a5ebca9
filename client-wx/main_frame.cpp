#include "main_frame.hpp"

#include <cstdio>
#include <fstream>
#include <optional>

#include <caf/send.hpp>
#include <wx/artprov.h>
#include <wx/checkbox.h>
#include <wx/choice.h>
#include <wx/clipbrd.h>
#include <wx/filedlg.h>
#include <wx/filename.h>
#include <wx/dcclient.h>
#include <wx/infobar.h>
#include <wx/menu.h>
#include <wx/sizer.h>
#include <wx/splitter.h>
#include <wx/statusbr.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>
#include <wx/toolbar.h>

#include "actors/connection_protocol.hpp"
#include "connection_panel.hpp"
#include "connection_relay.hpp"
#include "endpoint_dialogs.hpp"
#include "frame_sync.hpp"
#include "generator_dialog.hpp"
#include "inspector.hpp"
#include "inspector_feed.hpp"
#include "pinned_attributes.hpp"
#include "preferences_dialog.hpp"
#include "reply_rules_dialog.hpp"
#include "saved_messages.hpp"
#include "session_recorder.hpp"
#include "send_bar.hpp"
#include "sequence_dialog.hpp"
#include "sequence_runner.hpp"
#include "status_bar.hpp"
#include "throughput_graph.hpp"
#include "traffic_generator.hpp"
#include "traffic_view.hpp"
#include "workbench.hpp"

namespace client {

namespace {

enum MenuId {
  id_connect = wxID_HIGHEST + 1,
  id_listen,
  id_log,
  id_record,
  id_close_connection,
  id_connect_again,
  id_sequence,
  id_generate,
  id_export,
  id_inspector,
  id_time_absolute,
  id_time_relative,
  id_time_delta,
  id_hex,
  id_autoscroll,
  id_clear,
  id_filter,
  id_focus_send,
  id_preferences,
  id_reply_rules,
  id_saved_first, // Ctrl+1 .. Ctrl+9: nine ids from here
};

enum StatusField { field_connections, field_rx, field_tx, field_dropped, field_log, field_count };

// wxSplitterWindow draws its sash (a GTK theme render) on every paint, and
// the splitter around the traffic view is repainted with the view on every
// frame. Its sash is drawn only when it is in the region being repainted.
void DrawSashOnlyWhenExposed(wxSplitterWindow* splitter) {
  splitter->Bind(wxEVT_PAINT, [splitter](wxPaintEvent& event) {
    auto size = splitter->GetClientSize();
    auto at = splitter->GetSashPosition();
    auto width = splitter->GetSashSize();
    auto sash = splitter->GetSplitMode() == wxSPLIT_VERTICAL ? wxRect(at, 0, width, size.y)
                                                             : wxRect(0, at, size.x, width);
    if (!splitter->IsSplit() || splitter->GetUpdateRegion().Contains(sash) != wxOutRegion) {
      event.Skip(); // wxSplitterWindow's own handler draws it
      return;
    }
    wxPaintDC dc(splitter); // a paint handler makes one, even to draw nothing
  });
}

// Whether `event`'s text starts with `prefix` (how the window tells the
// workbench's, the sequence's and the generator's messages apart).
bool StartsWith(const actors::ui_event& event, const char* prefix) {
  return event.message.rfind(prefix, 0) == 0;
}

// A listener's or UDP endpoint's address on stdout, as the example servers
// print theirs: "listening on 127.0.0.1:40123", "UDP on 127.0.0.1:5353".
// A script that starts the client with port 0 learns the port so.
void PrintAddress(const actors::ui_event& event) {
  std::printf("%s\n", event.message.c_str());
  std::fflush(stdout);
}

} // namespace

MainFrame::MainFrame(const actors::wx::ui_sink& sink, caf::actor workbench,
                     caf::actor bridge)
  : wxFrame(nullptr, wxID_ANY, "actors client", wxDefaultPosition, wxSize(1200, 720)),
    workbench_(std::move(workbench)), second_timer_(this),
    batches_(sink, std::move(bridge),
             [this](const actors::ui_batch& batch) { ApplyBatch(batch); },
             actors::wx::ack_timing::next_turn),
    reply_hold_(*this, reply_hold_limit_ms) {
  BuildMenus();
  BuildToolBar();
  auto* root = new wxPanel(this);
  info_bar_ = new wxInfoBar(root);
  // Its Close button had the focus: give it back to the send bar, or the
  // window is left without one (typing goes nowhere).
  info_bar_->Bind(wxEVT_BUTTON, [this](wxCommandEvent& event) {
    event.Skip(); // the info bar closes itself
    CallAfter([this] { send_bar_->FocusInput(); });
  });
  auto* split = new wxSplitterWindow(root, wxID_ANY, wxDefaultPosition, wxDefaultSize,
                                     wxSP_LIVE_UPDATE);
  // Left: the connections above the saved messages.
  auto* left = new wxSplitterWindow(split, wxID_ANY, wxDefaultPosition, wxDefaultSize,
                                    wxSP_LIVE_UPDATE);
  connections_ = new ConnectionPanel(left);
  saved_ = new SavedMessagesPanel(
    left, [this](const std::string& payload) { Send(payload, send_bar_->ToAll()); },
    [this](const wxString& error) { ShowError(error); });
  left->SplitHorizontally(connections_, saved_, -180);
  left->SetMinimumPaneSize(60);
  left->SetSashGravity(1.0);
  auto* right = new wxPanel(split);
  traffic_ = new TrafficView(right);
  traffic_->SetRetention(RememberedRetention());
  auto* right_sizer = new wxBoxSizer(wxVERTICAL);
  right_sizer->Add(BuildFilterRow(right), 0, wxEXPAND);
  right_sizer->Add(traffic_, 1, wxEXPAND);
  right->SetSizer(right_sizer);
  split->SplitVertically(left, right, 600);
  split->SetMinimumPaneSize(120);
  send_bar_ = new SendBar(root, [this](const std::string& payload, bool all) {
    Send(payload, all);
  });
  graph_ = new ThroughputGraph(root);
  auto* bottom = new wxBoxSizer(wxHORIZONTAL);
  bottom->Add(send_bar_, 1, wxEXPAND);
  bottom->Add(graph_, 0, wxEXPAND | wxALL, 3);
  auto* sizer = new wxBoxSizer(wxVERTICAL);
  sizer->Add(info_bar_, 0, wxEXPAND);
  sizer->Add(split, 1, wxEXPAND);
  sizer->Add(bottom, 0, wxEXPAND);
  root->SetSizer(sizer);
  PinDefaultAttributesUpFrom(traffic_);
  DrawSashOnlyWhenExposed(split);
  PinDefaultAttributes(send_bar_);
  // Repainted once a second (or more) while traffic flows.
  PinDefaultAttributes(graph_);
  PinDefaultAttributes(connections_);
  for (auto* part : connections_->GetChildren()) // its rows and its header
    PinDefaultAttributes(part);
  CreateStatusBar(field_count);
  // The dropped field also counts evicted rows: give it room.
  const int widths[field_count] = {-2, -2, -2, -4, -6};
  SetStatusWidths(field_count, widths);
  Bind(wxEVT_TIMER, &MainFrame::OnSecond, this);
  second_timer_.Start(1000);
  connections_->Bind(wxEVT_LIST_ITEM_RIGHT_CLICK, &MainFrame::OnConnectionMenu, this);
  connections_->Bind(wxEVT_LIST_ITEM_SELECTED, [this](wxListEvent& event) {
    datagram_is_target_ = false;
    UpdateSendTarget();
    event.Skip();
  });
  connections_->Bind(wxEVT_LIST_ITEM_DESELECTED, [this](wxListEvent& event) {
    UpdateSendTarget();
    event.Skip();
  });
  traffic_->Bind(EVT_TRAFFIC_SELECTION, [this](wxCommandEvent&) {
    datagram_is_target_ = traffic_->SelectedDatagramPeer().has_value();
    UpdateSendTarget();
  });
  connections_->Bind(wxEVT_LIST_KEY_DOWN, [this](wxListEvent& event) {
    if (event.GetKeyCode() == WXK_DELETE || event.GetKeyCode() == WXK_BACK)
      CloseSelected();
    else
      event.Skip();
  });
  UpdateStatus();
  send_bar_->FocusInput();
}

void MainFrame::BuildMenus() {
  auto* file = new wxMenu;
  file->Append(id_connect, "&Connect...\tCtrl+N");
  file->Append(id_listen, "&Listen...\tCtrl+L");
  file->AppendCheckItem(id_log, "Log to &file...\tCtrl+Shift+L");
  file->AppendCheckItem(id_record, "&Record session as a script...\tCtrl+Shift+R");
  file->Append(id_export, "&Export rows...\tCtrl+E",
               "The selected rows, or every row the filter shows, as text, CSV or a hex dump");
  file->AppendSeparator();
  file->Append(wxID_EXIT, "&Quit\tCtrl+Q");
  auto* view = new wxMenu;
  view->AppendCheckItem(id_hex, "&Hex payloads\tCtrl+H");
  view->AppendCheckItem(id_autoscroll, "&Auto-scroll\tCtrl+End")->Check(true);
  view->Append(id_filter, "&Filter...\tCtrl+F");
  auto* time = new wxMenu;
  time->AppendRadioItem(id_time_absolute, "&Time of day");
  time->AppendRadioItem(id_time_relative, "&Since the first row");
  time->AppendRadioItem(id_time_delta, "&Delta to the row above");
  view->AppendSubMenu(time, "&Time column");
  view->Append(id_clear, "C&lear\tCtrl+K");
  view->Append(wxID_COPY, "&Copy selected\tCtrl+C");
  view->Append(id_focus_send, "&Send bar\tCtrl+Enter");
  view->AppendSeparator();
  view->Append(id_reply_rules, "&Reply rules...");
  view->Append(id_sequence, "Run a se&quence...\tCtrl+Shift+Q");
  view->Append(id_generate, "&Generate traffic...\tCtrl+G");
  view->Append(id_inspector, "&Inspector\tCtrl+I", "Every actor of the client, live");
  view->Append(id_preferences, "&Preferences...");
  auto* bar = new wxMenuBar;
  bar->Append(file, "&File");
  bar->Append(view, "&View");
  SetMenuBar(bar);
  Bind(wxEVT_MENU, &MainFrame::OnConnect, this, id_connect);
  Bind(wxEVT_MENU, &MainFrame::OnListen, this, id_listen);
  Bind(wxEVT_MENU, &MainFrame::OnToggleLog, this, id_log);
  Bind(wxEVT_MENU, &MainFrame::OnToggleRecord, this, id_record);
  Bind(wxEVT_MENU, [this](wxCommandEvent&) { ShowSequences(); }, id_sequence);
  Bind(wxEVT_MENU, [this](wxCommandEvent&) { ShowGenerator(); }, id_generate);
  Bind(wxEVT_MENU, [this](wxCommandEvent&) { ShowInspector(); }, id_inspector);
  Bind(wxEVT_MENU, [this](wxCommandEvent&) { CloseSelected(); }, id_close_connection);
  Bind(wxEVT_MENU, &MainFrame::OnCopy, this, wxID_COPY);
  Bind(wxEVT_MENU, &MainFrame::OnExport, this, id_export);
  Bind(wxEVT_MENU, [this](wxCommandEvent&) { traffic_->SetTimeFormat(TimeFormat::absolute); },
       id_time_absolute);
  Bind(wxEVT_MENU, [this](wxCommandEvent&) { traffic_->SetTimeFormat(TimeFormat::relative); },
       id_time_relative);
  Bind(wxEVT_MENU, [this](wxCommandEvent&) { traffic_->SetTimeFormat(TimeFormat::delta); },
       id_time_delta);
  Bind(wxEVT_MENU, [this](wxCommandEvent&) { Close(); }, wxID_EXIT);
  Bind(wxEVT_MENU, [this](wxCommandEvent& e) { traffic_->SetHex(e.IsChecked()); }, id_hex);
  Bind(wxEVT_MENU, [this](wxCommandEvent& e) { traffic_->SetAutoScroll(e.IsChecked()); },
       id_autoscroll);
  Bind(wxEVT_MENU, [this](wxCommandEvent&) { traffic_->ClearAll(); }, id_clear);
  Bind(wxEVT_MENU, [this](wxCommandEvent&) { filter_text_->SetFocus(); }, id_filter);
  Bind(wxEVT_MENU, [this](wxCommandEvent&) { send_bar_->FocusInput(); }, id_focus_send);
  // Ctrl+1..9: send saved message 1..9. Menu items, not an accelerator
  // table: GTK handles a menu's shortcuts wherever the focus is, also when
  // no window has it (after the info bar's Close button went away).
  auto* saved = new wxMenu;
  for (int i = 0; i < 9; ++i) {
    saved->Append(id_saved_first + i, wxString::Format("Saved message &%d\tCtrl+%d", i + 1, i + 1));
    Bind(wxEVT_MENU, [this, i](wxCommandEvent&) { saved_->SendMessage(static_cast<std::size_t>(i)); },
         id_saved_first + i);
  }
  view->AppendSubMenu(saved, "Send sa&ved message");
  Bind(wxEVT_MENU, [this](wxCommandEvent&) {
    auto shown = traffic_->Model().GetRetention();
    PreferencesDialog dialog(this, shown);
    if (dialog.ShowModal() != wxID_OK)
      return;
    auto chosen = dialog.Result();
    RememberRetention(RetentionToRemember(RememberedRetention(), shown, chosen));
    traffic_->SetRetention(chosen);
  }, id_preferences);
  Bind(wxEVT_MENU, [this](wxCommandEvent&) {
    ReplyRulesDialog dialog(this, reply_rules_);
    if (dialog.ShowModal() != wxID_OK)
      return;
    RememberReplyRules(dialog.Result());
    SetReplyRules(dialog.Result());
  }, id_reply_rules);
}

void MainFrame::BuildToolBar() {
  // The menu's ids: a tool does what its menu item does.
  auto* bar = CreateToolBar(wxTB_HORIZONTAL | wxTB_TEXT | wxTB_HORZ_LAYOUT);
  auto icon = [](const wxArtID& id) { return wxArtProvider::GetBitmap(id, wxART_TOOLBAR); };
  bar->AddTool(id_connect, "Connect", icon(wxART_GO_FORWARD), "Connect to a server (Ctrl+N)");
  bar->AddTool(id_listen, "Listen", icon(wxART_GO_DOWN), "Listen for connections (Ctrl+L)");
  bar->AddTool(id_close_connection, "Close", icon(wxART_CROSS_MARK),
               "Close the connection or listener selected on the left (Delete)");
  bar->AddSeparator();
  bar->AddCheckTool(id_log, "Log", icon(wxART_FILE_SAVE), wxNullBitmap,
                    "Log every frame to a file (Ctrl+Shift+L)");
  bar->AddCheckTool(id_record, "Record", icon(wxART_EXECUTABLE_FILE), wxNullBitmap,
                    "Record the session as a scenario script (Ctrl+Shift+R)");
  bar->AddTool(id_generate, "Generate", icon(wxART_REDO),
               "Generate traffic: a payload N times, for a while, at a rate (Ctrl+G)");
  bar->AddSeparator();
  bar->AddTool(id_clear, "Clear", icon(wxART_DELETE), "Clear the traffic view (Ctrl+K)");
  bar->Realize();
}

void MainFrame::CheckItem(int id, bool on) {
  GetMenuBar()->Check(id, on);
  if (auto* bar = GetToolBar())
    bar->ToggleTool(id, on);
}

wxWindow* MainFrame::BuildFilterRow(wxWindow* parent) {
  auto* row = new wxPanel(parent);
  filter_text_ = new wxTextCtrl(row, wxID_ANY);
  filter_text_->SetHint("filter: text in payload");
  filter_regex_ = new wxCheckBox(row, wxID_ANY, "regex");
  filter_regex_->SetToolTip("The filter is an RE2 regular expression, found anywhere in the row");
  const wxString directions[] = {"in, out, events", "in", "out", "events"};
  filter_direction_ = new wxChoice(row, wxID_ANY, wxDefaultPosition, wxDefaultSize, 4,
                                   directions);
  filter_direction_->SetSelection(0);
  filter_selected_ = new wxCheckBox(row, wxID_ANY, "selected connection only");
  auto* sizer = new wxBoxSizer(wxHORIZONTAL);
  sizer->Add(new wxStaticText(row, wxID_ANY, "Filter"), 0, wxALIGN_CENTER_VERTICAL | wxALL, 4);
  sizer->Add(filter_text_, 1, wxEXPAND | wxALL, 2);
  sizer->Add(filter_regex_, 0, wxALIGN_CENTER_VERTICAL | wxALL, 4);
  sizer->Add(filter_direction_, 0, wxALIGN_CENTER_VERTICAL | wxALL, 2);
  sizer->Add(filter_selected_, 0, wxALIGN_CENTER_VERTICAL | wxALL, 4);
  row->SetSizer(sizer);
  filter_text_->Bind(wxEVT_TEXT, [this](wxCommandEvent&) { ApplyFilter(); });
  filter_regex_->Bind(wxEVT_CHECKBOX, [this](wxCommandEvent&) { ApplyFilter(); });
  filter_direction_->Bind(wxEVT_CHOICE, [this](wxCommandEvent&) { ApplyFilter(); });
  filter_selected_->Bind(wxEVT_CHECKBOX, [this](wxCommandEvent&) { ApplyFilter(); });
  return row;
}

void MainFrame::ApplyFilter() {
  TrafficFilter filter;
  filter.connection = filter_selected_->GetValue() ? connections_->SelectedConnection() : 0;
  filter.text = filter_text_->GetValue().ToStdString(wxConvUTF8);
  filter.regex = filter_regex_->GetValue();
  filter.direction = static_cast<TrafficFilter::Direction>(
    std::max(0, filter_direction_->GetSelection()));
  auto why = traffic_->SetFilter(filter);
  UpdateSendTarget(); // a new filter clears the traffic view's selection
  // A regex being typed is often incomplete: say so beside it, without
  // the info bar, and keep the rows of the last good filter.
  filter_text_->SetForegroundColour(why.empty() ? wxNullColour : *wxRED);
  filter_text_->SetToolTip(why.empty() ? wxString{} : wxString::FromUTF8(why));
  filter_text_->Refresh();
  if (!why.empty())
    SetStatusText(wxString::FromUTF8(why), field_log);
}

std::string MainFrame::ExportRows(const std::string& path, int format) {
  std::ofstream out{path, std::ios::binary | std::ios::trunc};
  if (!out)
    return "cannot write " + path;
  bool selected = traffic_->SelectedRange().has_value();
  auto rows = traffic_->Export(out, static_cast<ExportFormat>(format), selected);
  out.close();
  if (!out)
    return "writing " + path + " failed";
  SetStatusText(wxString::Format("exported %zu %s rows to %s", rows,
                                 selected ? "selected" : "shown", wxString::FromUTF8(path)),
                field_log);
  return {};
}

void MainFrame::OnExport(wxCommandEvent&) {
  wxFileDialog dialog(this,
                      traffic_->SelectedRange() ? "Export the selected rows"
                                                : "Export every row shown",
                      {}, "traffic.txt",
                      "Text, tab-separated (*.txt)|*.txt|CSV (*.csv)|*.csv|Hex dump (*.hex)|*.hex",
                      wxFD_SAVE | wxFD_OVERWRITE_PROMPT);
  if (dialog.ShowModal() != wxID_OK)
    return;
  // A name ending in .csv writes CSV whatever type the dialog shows.
  auto path = dialog.GetPath().ToStdString(wxConvUTF8);
  auto format = ExportFormatFor(path, static_cast<ExportFormat>(dialog.GetFilterIndex()));
  auto why = ExportRows(path, static_cast<int>(format));
  if (!why.empty())
    ShowError(wxString::FromUTF8(why));
}

void MainFrame::ApplyBatch(const actors::ui_batch& batch) {
  for (auto& event : batch.events) {
    using kind = actors::ui_event_kind;
    if (event.kind == kind::frame)
      ++(event.dir == actors::direction::in ? rx_frames_ : tx_frames_);
    else if (event.kind == kind::dropped)
      dropped_ += event.dropped;
    else if (event.kind == kind::error)
      ShowError(wxString::FromUTF8(event.message));
    else if (event.kind == kind::listening || event.kind == kind::opened)
      PrintAddress(event);
    else if (event.kind == kind::message && StartsWith(event, sequence_prefix))
      ShowSequenceState(wxString::FromUTF8(event.message));
    else if (event.kind == kind::message && StartsWith(event, generator_prefix))
      ShowGeneratorState(wxString::FromUTF8(event.message));
    // A recording that could not start: the button and status say so.
    if (event.kind == kind::error && !record_path_.empty()
        && StartsWith(event, (record_failed_prefix + record_path_).c_str()))
      RecordTo({});
    // The log's state, told by an error (shown above too) or a message.
    if (!log_path_.empty() && StartsWith(event, log_failing_prefix))
      ShowLogState("log failing: " + log_path_);
    else if (!log_path_.empty() && StartsWith(event, log_recovered_prefix))
      ShowLogState("log: " + log_path_);
  }
  connections_->Apply(batch.events);
  UpdateSendTarget(); // a peer's address, a connection that closed
  traffic_->AddEvents(batch.events);
  reply_hold_.Applied(batch.events);
  // After applying, so the window closes with everything it was shown.
  for (auto& event : batch.events)
    if (event.kind == actors::ui_event_kind::stop_requested) {
      Close();
      break;
    }
}

void MainFrame::Send(const std::string& payload, bool to_all) {
  if (to_all) {
    caf::anon_send(workbench_, send_all_atom::value, payload);
    for (auto id : connections_->OpenConnections())
      reply_hold_.Sent(id);
    return;
  }
  // A datagram selected in the traffic view after the sidebar's row: the
  // reply goes to its sender, from the endpoint that received it.
  if (auto datagram = datagram_is_target_ ? traffic_->SelectedDatagramPeer() : std::nullopt) {
    caf::anon_send(workbench_, udp_reply_atom_v, datagram->first, datagram->second, payload);
    reply_hold_.Sent(datagram->first);
    return;
  }
  auto id = connections_->SelectedConnection();
  if (id == 0) {
    ShowError("select a connection on the left, or tick \"to all\"");
    return;
  }
  caf::anon_send(workbench_, actors::send_atom::value, id, payload);
  reply_hold_.Sent(id);
}

void MainFrame::UpdateSendTarget() {
  if (auto datagram = datagram_is_target_ ? traffic_->SelectedDatagramPeer() : std::nullopt) {
    send_bar_->SetTarget(wxString::Format("reply to %s (from %llu)",
                                          wxString::FromUTF8(datagram->second),
                                          static_cast<unsigned long long>(datagram->first)));
    return;
  }
  auto id = connections_->SelectedConnection();
  if (id == 0) {
    send_bar_->SetTarget("no connection selected");
    return;
  }
  send_bar_->SetTarget(wxString::Format("to %llu %s%s", static_cast<unsigned long long>(id),
                                        connections_->PeerOf(id),
                                        connections_->IsOpen(id) ? "" : " (closed)"));
}

void MainFrame::SetReplyRules(std::vector<ReplyRule> rules) {
  reply_rules_ = rules;
  caf::anon_send(workbench_, reply_rules_atom_v, std::move(rules));
}

void MainFrame::LogTo(const std::string& path) {
  log_path_ = wxString::FromUTF8(path);
  log_state_ = path.empty() ? "log: off" : "log: " + log_path_;
  CheckItem(id_log, !path.empty());
  caf::anon_send(workbench_, log_to_atom::value, path);
  UpdateStatus();
}

void MainFrame::ShowLogState(const wxString& state) {
  log_state_ = state;
  UpdateStatus();
}

void MainFrame::RecordTo(const std::string& path) {
  record_path_ = path;
  CheckItem(id_record, !path.empty());
  caf::anon_send(workbench_, record_atom_v, path);
  UpdateStatus();
}

void MainFrame::OnToggleRecord(wxCommandEvent& event) {
  if (!event.IsChecked()) {
    RecordTo({});
    return;
  }
  wxFileDialog dialog(this, "Record the session as a scenario script", {}, "session.scn",
                      "Scenario scripts (*.scn)|*.scn", wxFD_SAVE | wxFD_OVERWRITE_PROMPT);
  if (dialog.ShowModal() != wxID_OK) {
    CheckItem(id_record, false);
    return;
  }
  RecordTo(dialog.GetPath().ToStdString(wxConvUTF8));
}

SequenceDialog& MainFrame::ShowSequences() {
  if (!sequence_dialog_) {
    // The example names a connection it can run on: the selected one if
    // it is open, else the first open one.
    auto id = connections_->SelectedConnection();
    if (id == 0 || !connections_->IsOpen(id) || connections_->IsUdpEndpoint(id)) {
      auto open = connections_->OpenTcpConnections();
      id = open.empty() ? 0 : open.front();
    }
    auto name = "c" + std::to_string(id == 0 ? 1 : id);
    auto example = "# Runs on the open connections, named c<id> as in the sidebar.\n"
                   "send " + name + " hello\n"
                   "expect " + name + " frame ~ hello within 2s\n";
    sequence_dialog_ = new SequenceDialog(
      this, example, [this](const std::string& text) { return RunSequence(text); },
      [this] { caf::anon_send(workbench_, stop_sequence_atom_v); });
  }
  sequence_dialog_->Show();
  sequence_dialog_->Raise();
  return *sequence_dialog_;
}

std::string MainFrame::RunSequence(const std::string& text) {
  std::vector<std::uint64_t> open;
  for (auto id : connections_->OpenConnections())
    open.push_back(id);
  auto parsed = ParseSequence(text, open);
  if (!parsed && parsed.error->line == 0) // of the whole text, e.g. no steps
    return parsed.error->message;
  if (!parsed)
    return "line " + std::to_string(parsed.error->line) + ": " + parsed.error->message;
  caf::anon_send(workbench_, run_sequence_atom_v, std::move(parsed.value));
  return {};
}

void MainFrame::ShowSequenceState(const wxString& text) {
  sequence_state_ = text;
  if (sequence_dialog_)
    sequence_dialog_->SetStatus(text);
  UpdateStatus();
}

InspectorFrame& MainFrame::ShowInspector() {
  bool created = inspector_ == nullptr;
  if (created)
    inspector_ = new InspectorFrame(this, [this](std::uint64_t id) {
      connections_->SelectConnection(id);
    });
  inspector_->Show();
  if (created)
    SkipFrameSyncWithoutWindowManager(*inspector_);
  inspector_->Raise();
  // The first snapshot now, not at the next tick.
  if (inspector_feed_ && !inspect_pending_) {
    caf::anon_send(inspector_feed_, inspect_atom_v);
    inspect_pending_ = true;
  }
  return *inspector_;
}

void MainFrame::ShowSnapshot(const std::shared_ptr<const actors::metrics_snapshot>& snapshot) {
  inspect_pending_ = false;
  if (snapshot && inspector_ && inspector_->IsShown())
    inspector_->Update(*snapshot);
}

GeneratorDialog& MainFrame::ShowGenerator() {
  if (!generator_dialog_)
    generator_dialog_ = new GeneratorDialog(
      this, [this](const GeneratorSettings& settings) { return GenerateTraffic(settings); },
      [this] { caf::anon_send(workbench_, stop_generator_atom_v); });
  generator_dialog_->Show();
  generator_dialog_->Raise();
  return *generator_dialog_;
}

std::string MainFrame::GenerateTraffic(const GeneratorSettings& settings) {
  GeneratorPlan plan;
  plan.payload = settings.payload;
  plan.count = settings.count;
  plan.duration = settings.duration;
  plan.rate = settings.rate;
  // TCP connections only: a datagram per frame is not what it measures.
  if (settings.to_all) {
    plan.targets = connections_->OpenTcpConnections();
  } else if (auto id = connections_->SelectedConnection(); id != 0 && connections_->IsOpen(id)) {
    if (connections_->IsUdpEndpoint(id))
      return "the generator sends on TCP connections, not UDP endpoints: select a connection";
    plan.targets.push_back(id);
  }
  if (auto why = CheckGeneratorPlan(plan); !why.empty())
    return why;
  caf::anon_send(workbench_, generate_atom_v, std::move(plan));
  return {};
}

void MainFrame::ShowGeneratorState(const wxString& text) {
  generator_state_ = text;
  if (generator_dialog_)
    generator_dialog_->SetStatus(text);
  UpdateStatus();
}

void MainFrame::CloseSelected() {
  auto id = connections_->SelectedConnection();
  if (id != 0 && connections_->IsOpen(id))
    caf::anon_send(workbench_, actors::close_atom::value, id);
  auto listener = connections_->SelectedListener();
  if (listener != 0 && connections_->IsListening(listener))
    caf::anon_send(workbench_, unlisten_atom_v, listener);
}

void MainFrame::OnConnectionMenu(wxListEvent&) {
  auto id = connections_->SelectedConnection();
  if (auto listener = connections_->SelectedListener(); listener != 0) {
    wxMenu menu;
    menu.Append(id_close_connection, "&Close (stop listening)\tDelete")
      ->Enable(connections_->IsListening(listener));
    if (connections_->GetPopupMenuSelectionFromUser(menu) == id_close_connection)
      CloseSelected();
    return;
  }
  if (id == 0)
    return;
  wxMenu menu;
  menu.Append(id_close_connection, "&Close\tDelete")->Enable(connections_->IsOpen(id));
  menu.Append(id_connect_again, "Connect &again...");
  auto choice = connections_->GetPopupMenuSelectionFromUser(menu);
  if (choice == id_close_connection) {
    CloseSelected();
  } else if (choice == id_connect_again) {
    // The dialog opens filled in with this peer (TLS and framing to choose).
    auto peer = ParseHostField(connections_->PeerOf(id).ToStdString(wxConvUTF8));
    if (peer.port != 0)
      ConnectDialog::Remember(peer.host, peer.port);
    wxCommandEvent none;
    OnConnect(none);
  }
}

void MainFrame::OnConnect(wxCommandEvent&) {
  ConnectDialog dialog(this);
  if (dialog.ShowModal() != wxID_OK)
    return;
  auto endpoint = dialog.Result();
  ConnectDialog::Remember(endpoint.host, endpoint.port);
  if (endpoint.udp) // bound to any free port, talking to the remote peer
    caf::anon_send(workbench_, udp_open_atom_v, std::string{}, std::uint16_t{0},
                   endpoint.udp_options);
  else
    caf::anon_send(workbench_, connect_atom::value, endpoint.host, endpoint.port,
                   endpoint.options);
}

void MainFrame::OnListen(wxCommandEvent&) {
  ListenDialog dialog(this);
  if (dialog.ShowModal() != wxID_OK)
    return;
  auto endpoint = dialog.Result();
  if (endpoint.udp)
    caf::anon_send(workbench_, udp_open_atom_v, endpoint.host, endpoint.port,
                   endpoint.udp_options);
  else
    caf::anon_send(workbench_, listen_atom::value, endpoint.host, endpoint.port,
                   endpoint.options);
}

void MainFrame::OnToggleLog(wxCommandEvent& event) {
  if (!event.IsChecked()) {
    LogTo({});
    return;
  }
  wxFileDialog dialog(this, "Log every frame to", {}, "traffic.log", "*.log",
                      wxFD_SAVE | wxFD_OVERWRITE_PROMPT);
  if (dialog.ShowModal() != wxID_OK) {
    CheckItem(id_log, false);
    return;
  }
  LogTo(dialog.GetPath().ToStdString(wxConvUTF8));
}

void MainFrame::OnCopy(wxCommandEvent&) {
  auto text = traffic_->SelectedText();
  if (text.empty() || !wxTheClipboard->Open())
    return;
  wxTheClipboard->SetData(new wxTextDataObject(text));
  wxTheClipboard->Close();
}

wxStatusBar* MainFrame::OnCreateStatusBar(int fields, long style, wxWindowID id,
                                          const wxString& name) {
  auto* bar = new DeferredStatusBar(this, id, style, name);
  bar->SetFieldsCount(fields);
  return bar;
}

void MainFrame::OnSecond(wxTimerEvent&) {
  rx_rate_ = static_cast<double>(rx_frames_ - last_rx_);
  tx_rate_ = static_cast<double>(tx_frames_ - last_tx_);
  last_rx_ = rx_frames_;
  last_tx_ = tx_frames_;
  total_rates_.emplace_back(rx_rate_, tx_rate_);
  if (total_rates_.size() > 60)
    total_rates_.pop_front();
  connections_->Tick();
  if (inspector_ && inspector_->IsShown() && inspector_feed_ && !inspect_pending_) {
    caf::anon_send(inspector_feed_, inspect_atom_v);
    inspect_pending_ = true;
  }
  auto selected = connections_->SelectedConnection();
  if (selected != 0) {
    auto* figures = connections_->FiguresOf(selected);
    graph_->SetSamples(figures ? figures->history : std::deque<std::pair<double, double>>{},
                       wxString::Format("conn %llu", static_cast<unsigned long long>(selected)));
  } else {
    graph_->SetSamples(total_rates_, "all");
  }
  UpdateStatus();
}

void MainFrame::ShowError(const wxString& text) {
  // Not modal: the info bar shows the latest error until dismissed.
  info_bar_->ShowMessage(text, wxICON_WARNING);
  SetStatusText(text, field_log);
}

void MainFrame::UpdateStatus() {
  auto open = connections_->OpenCount();
  SetStatusText(wxString::Format("%zu connection%s", open, open == 1 ? "" : "s"),
                field_connections);
  // Short, to fit the field under a flood ("rx 2.9M frames/s").
  SetStatusText("rx " + FormatShort(rx_rate_) + " frames/s", field_rx);
  SetStatusText("tx " + FormatShort(tx_rate_) + " frames/s", field_tx);
  auto dropped = wxString::Format("%llu dropped", static_cast<unsigned long long>(dropped_));
  if (auto evicted = traffic_->Model().Evicted(); evicted > 0)
    dropped += wxString::Format(", %llu older rows evicted%s",
                                static_cast<unsigned long long>(evicted),
                                GetMenuBar()->IsChecked(id_log) ? " (written to the log)" : "");
  SetStatusText(dropped, field_dropped);
  auto state = log_state_;
  // The file's name only: a long path pushed the generator's state out of
  // the status bar (the traffic view's message has the whole path).
  if (!record_path_.empty())
    state += ", recording: " + wxFileName{wxString::FromUTF8(record_path_)}.GetFullName();
  // The verdict or the step under way, without its "sequence" prefix's line.
  if (!sequence_state_.empty())
    state += ", " + sequence_state_.BeforeFirst('\n');
  if (!generator_state_.empty())
    state += ", " + generator_state_;
  SetStatusText(state, field_log);
}

} // namespace client
