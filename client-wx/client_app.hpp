#pragma once

// The wxApp of the client: parses the command line, owns the runtime and the
// window, and hands each UI bridge batch to the window.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include <wx/app.h>
#include <wx/timer.h>

#include "runtime.hpp"

namespace client {

class MainFrame;

/// The application object; app.cpp instantiates it with wxIMPLEMENT_APP.
class ClientApp : public wxApp {
public:
  /// `options` come from ParseCommandLine, checked before wx starts.
  explicit ClientApp(ClientOptions options);

  bool OnInit() override;
  int OnExit() override;

  /// The window, or null once it is gone.
  MainFrame* Frame() const { return frame_; }
  /// The actors.
  Runtime& Actors() { return *runtime_; }

  /// Opens the window and starts the actors for `options` (OnInit calls
  /// this; tests call it once per case, with Stop in between).
  void Launch(const ClientOptions& options);

  /// Destroys the window and shuts the actors down (log flushed).
  void Stop();

  /// Inbound frames the window has shown so far.
  std::uint64_t DisplayedFrames() const { return displayed_frames_; }

  /// Calls `observer` on the UI thread right after each batch is applied to
  /// the window, with DisplayedFrames(): where benchmarks stop the clock on
  /// the path from a socket to the screen. Empty to stop observing.
  void ObserveBatches(std::function<void(std::uint64_t)> observer) {
    batch_observer_ = std::move(observer);
  }

private:
  void OnBatch(wxThreadEvent& event);
  void WatchTerminationSignals();
  void SaveScreenshot(const std::string& path);

  ClientOptions options_;
  std::unique_ptr<Runtime> runtime_;
  MainFrame* frame_ = nullptr;
  wxTimer screenshot_timer_;
  std::uint64_t displayed_frames_ = 0;
  std::function<void(std::uint64_t)> batch_observer_;
};

} // namespace client
