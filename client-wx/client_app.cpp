#include "client_app.hpp"

#include <iostream>

#include <wx/app.h>
#include <wx/dcmemory.h>
#include <wx/dcscreen.h>
#include <wx/event.h>
#include <wx/image.h>
#include <wx/log.h>

#include "actors/termination_signal.hpp"
#include "frame_sync.hpp"
#include "generator_dialog.hpp"
#include "inspector.hpp"
#include "inspector_feed.hpp"
#include "main_frame.hpp"
#include "sequence_dialog.hpp"
#include "reply_rules_dialog.hpp"
#include "traffic_view.hpp"

namespace client {

ClientApp::ClientApp(ClientOptions options) : options_(std::move(options)) {
  // Snapshots for the inspector come to the app, which outlives the actors
  // that post them, and go on to the window if it is still there.
  Bind(EVT_METRICS_SNAPSHOT, [this](wxThreadEvent& event) {
    if (frame_)
      frame_->ShowSnapshot(event.GetPayload<SnapshotPtr>());
  });
}

void SendWxErrorsToStderr() {
  delete wxLog::SetActiveTarget(new wxLogStderr);
}

bool ClientApp::OnInit() {
  SetAppName("actors-client");
  SendWxErrorsToStderr(); // again: wx put its GUI log target in its place
  // Before the actor system starts its threads, so that none of them takes
  // SIGINT/SIGTERM: the runtime's watch does, and the window closes on it
  // like the user would, the log complete.
  actors::block_termination_signals();
  Launch(options_);
  runtime_->WatchTerminationSignals();
  return true;
}

void ClientApp::Launch(const ClientOptions& options) {
  // wx sends an idle event and update-UI events to every window each time
  // the loop goes idle: under traffic thousands of times a second, each a
  // search of every window's handlers. No window here handles either, so
  // only windows that ask for them (wxWS_EX_PROCESS_IDLE/_UI_UPDATES) do.
  wxIdleEvent::SetMode(wxIDLE_PROCESS_SPECIFIED);
  wxUpdateUIEvent::SetMode(wxUPDATE_UI_PROCESS_SPECIFIED);
  runtime_ = std::make_unique<Runtime>(*this);
  frame_ = new MainFrame(runtime_->Sink(), runtime_->Workbench(), runtime_->Bridge());
  frame_->SetInspectorFeed(runtime_->InspectorFeed());
  frame_->Bind(wxEVT_CLOSE_WINDOW, [this](wxCloseEvent& event) {
    frame_ = nullptr;
    event.Skip(); // destroys the window; OnExit then shuts the actors down
  });
  if (options.keep_rows) {
    auto retention = frame_->Traffic().Model().GetRetention();
    retention.rows = *options.keep_rows;
    frame_->Traffic().SetRetention(retention);
  }
  auto rules = RememberedReplyRules();
  for (auto& text : options.replies)
    if (auto rule = ParseReplyRule(text))
      rules.push_back(std::move(*rule));
  if (!rules.empty())
    frame_->SetReplyRules(std::move(rules));
  frame_->Show();
  SkipFrameSyncWithoutWindowManager(*frame_);
  if (!options.log.empty())
    frame_->LogTo(options.log);
  // Before the connections open, so the script has them from the start.
  if (!options.record.empty())
    frame_->RecordTo(options.record);
  runtime_->Start(options);
  if (!options.screenshot.empty())
    SaveScreenshot(options.screenshot);
  if (!options.show.empty()) {
    show_timer_.Bind(wxEVT_TIMER, [this, panel = options.show](wxTimerEvent&) { ShowPanel(panel); });
    show_timer_.StartOnce(800);
  }
}

void ClientApp::ShowPanel(const std::string& panel) {
  if (!frame_)
    return;
  if (panel == "generator") {
    auto& dialog = frame_->ShowGenerator();
    GeneratorSettings settings;
    settings.payload = "ping {{counter}} at {{time}}";
    settings.to_all = true;
    settings.count = 0;
    settings.rate = 25;
    dialog.SetSettings(settings);
    dialog.Start();
  } else if (panel == "sequence") {
    auto& dialog = frame_->ShowSequences();
    dialog.Run();
  } else if (panel == "inspector") {
    auto& inspector = frame_->ShowInspector();
    inspector.SetPosition(frame_->GetPosition() + wxPoint(0, 380));
    inspector.SetSize(wxSize(1100, 320));
  } else if (panel == "rules") {
    // Examples to look at; the rules in use change only on OK.
    auto examples = ParseReplyRules("regex:^GET (\\S+)=>200 OK {{1}}\n"
                                    "exact+250ms@7000:ping=>pong {{counter}}\n"
                                    "-contains:error=>sorry at {{time}}\n");
    auto* dialog = new ReplyRulesDialog(frame_, examples ? *examples : frame_->ReplyRules());
    dialog->Show();
  }
}

void ClientApp::SaveScreenshot(const std::string& path) {
  screenshot_timer_.Bind(wxEVT_TIMER, [this, path](wxTimerEvent&) {
    if (!frame_)
      return;
    frame_->Raise();
    frame_->Update();
    auto rect = frame_->GetScreenRect();
    // Dialogs open over the window (--show) are in the picture too.
    for (auto* child : frame_->GetChildren())
      if (child->IsTopLevel() && child->IsShown()) {
        child->Raise();
        child->Update();
        rect.Union(child->GetScreenRect());
      }
    wxYield();
    wxScreenDC screen;
    wxBitmap bitmap(rect.width, rect.height);
    wxMemoryDC memory(bitmap);
    memory.Blit(0, 0, rect.width, rect.height, &screen, rect.x, rect.y);
    memory.SelectObject(wxNullBitmap);
    wxImage::AddHandler(new wxPNGHandler);
    if (!bitmap.SaveFile(path, wxBITMAP_TYPE_PNG)) {
      std::cerr << "error: cannot save the screenshot to " << path << "\n";
      screenshot_failed_ = true;
    }
    frame_->Close();
  });
  screenshot_timer_.StartOnce(2500);
}

int ClientApp::OnRun() {
  auto status = wxApp::OnRun();
  return screenshot_failed_ ? 1 : status;
}

void ClientApp::Stop() {
  if (frame_) {
    frame_->Destroy();
    frame_ = nullptr;
  }
  if (runtime_)
    runtime_->Shutdown();
  // Waits for the actors, none of which needs the UI thread any more.
  runtime_.reset();
}

int ClientApp::OnExit() {
  Stop();
  return wxApp::OnExit();
}

} // namespace client
