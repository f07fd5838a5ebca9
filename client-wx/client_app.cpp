#include "client_app.hpp"

#include <csignal>
#include <iostream>
#include <thread>

#include <wx/dcscreen.h>
#include <wx/dcmemory.h>
#include <wx/image.h>
#include <wx/timer.h>

#include "actors/termination_signal.hpp"
#include "main_frame.hpp"
#include "wx_ui_sink.hpp"

namespace client {

ClientApp::ClientApp(ClientOptions options) : options_(std::move(options)) {
  Bind(EVT_UI_BATCH, &ClientApp::OnBatch, this);
}

bool ClientApp::OnInit() {
  SetAppName("actors-client");
  WatchTerminationSignals();
  Launch(options_);
  return true;
}

void ClientApp::Launch(const ClientOptions& options) {
  runtime_ = std::make_unique<Runtime>(this);
  frame_ = new MainFrame(runtime_->Workbench(), runtime_->Bridge());
  frame_->Bind(wxEVT_CLOSE_WINDOW, [this](wxCloseEvent& event) {
    frame_ = nullptr;
    event.Skip(); // destroys the window; OnExit then shuts the actors down
  });
  frame_->Show();
  if (!options.log.empty())
    frame_->LogTo(options.log);
  runtime_->Start(options);
  if (!options.screenshot.empty())
    SaveScreenshot(options.screenshot);
}

// SIGINT/SIGTERM close the window like the user would: the log is complete.
void ClientApp::WatchTerminationSignals() {
  actors::block_termination_signals();
  std::thread{[this] {
    actors::wait_for_termination_signal();
    CallAfter([this] {
      if (frame_)
        frame_->Close();
    });
  }}.detach();
}

void ClientApp::OnBatch(wxThreadEvent& event) {
  auto batch_ptr = event.GetPayload<std::shared_ptr<const actors::ui_batch>>();
  if (!frame_ || !batch_ptr)
    return; // closing: the bridge is being shut down anyway
  const auto& batch = *batch_ptr;
  for (auto& ui_event : batch.events)
    if (ui_event.kind == actors::ui_event_kind::frame
        && ui_event.dir == actors::direction::inbound)
      ++displayed_frames_;
  frame_->ApplyBatch(batch);
  if (batch_observer_)
    batch_observer_(displayed_frames_);
}

void ClientApp::SaveScreenshot(const std::string& path) {
  screenshot_timer_.Bind(wxEVT_TIMER, [this, path](wxTimerEvent&) {
    if (!frame_)
      return;
    frame_->Raise();
    frame_->Update();
    auto rect = frame_->GetScreenRect();
    wxScreenDC screen;
    wxBitmap bitmap(rect.width, rect.height);
    wxMemoryDC memory(bitmap);
    memory.Blit(0, 0, rect.width, rect.height, &screen, rect.x, rect.y);
    memory.SelectObject(wxNullBitmap);
    wxImage::AddHandler(new wxPNGHandler);
    if (!bitmap.SaveFile(path, wxBITMAP_TYPE_PNG))
      std::cerr << "error: cannot save the screenshot to " << path << "\n";
    frame_->Close();
  });
  screenshot_timer_.StartOnce(2500);
}

void ClientApp::Stop() {
  if (frame_) {
    frame_->Destroy();
    frame_ = nullptr;
  }
  if (runtime_)
    runtime_->Shutdown();
  runtime_.reset();
}

int ClientApp::OnExit() {
  Stop();
  // For scripts and tests: what the window showed, to compare with a log.
  std::cout << "actors-client: displayed " << displayed_frames_ << " inbound frames"
            << std::endl;
  return wxApp::OnExit();
}

} // namespace client
