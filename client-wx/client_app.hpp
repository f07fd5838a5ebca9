#pragma once

// The wxApp of the client: parses the command line, owns the runtime and the
// window, and hands each UI bridge batch to the window.

#include <memory>
#include <string>

#include <wx/app.h>
#include <wx/timer.h>

#include "runtime.hpp"

namespace client {

class MainFrame;

/// The application object; app.cpp instantiates it with wxIMPLEMENT_APP.
class ClientApp : public wxApp {
public:
  /// `options` come from ParseCommandLine, checked before wx starts.
  explicit ClientApp(ClientOptions options) : options_(std::move(options)) {}

  bool OnInit() override;
  int OnExit() override;

  /// The window, or null once it is gone.
  MainFrame* Frame() const { return frame_; }
  /// The actors.
  Runtime& Actors() { return *runtime_; }

  /// Starts with `options` (OnInit calls this; tests may too).
  void Launch(const ClientOptions& options);

private:
  void OnBatch(wxThreadEvent& event);
  void WatchTerminationSignals();
  void SaveScreenshot(const std::string& path);

  ClientOptions options_;
  std::unique_ptr<Runtime> runtime_;
  MainFrame* frame_ = nullptr;
  wxTimer screenshot_timer_;
};

} // namespace client
