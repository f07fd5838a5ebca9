#pragma once

// The wxApp of the client: owns the runtime and the window. Batches from the
// UI bridge arrive at the app (it outlives the bridge) and go to the window,
// which receives them with an actors::wx::batch_receiver.

#include <memory>
#include <string>

#include <wx/app.h>
#include <wx/timer.h>

#include "runtime.hpp"

namespace client {

/// Sends wx's own errors (no display, a file it cannot write) to stderr.
/// wx's GUI default shows them in a modal box, which without a display
/// crashed, which kept --screenshot from quitting, and which the window
/// never uses otherwise (its info bar says what went wrong). Call it before
/// wxEntry, for errors while wx starts, and again in OnInit: wx installs its
/// GUI log target while it starts, in place of this one.
void SendWxErrorsToStderr();

class MainFrame;

/// The application object; app.cpp instantiates it with wxIMPLEMENT_APP.
class ClientApp : public wxApp {
public:
  /// `options` come from the command line (app.cpp), checked before wx starts.
  explicit ClientApp(ClientOptions options);

  bool OnInit() override;
  int OnExit() override;
  /// The main loop; 1 once --screenshot could not save its file.
  int OnRun() override;

  /// The window, or null once it is gone.
  MainFrame* Frame() const { return frame_; }
  /// The actors.
  Runtime& Actors() { return *runtime_; }

  /// Opens the window and starts the actors for `options` (OnInit calls
  /// this; tests call it once per case, with Stop in between).
  void Launch(const ClientOptions& options);

  /// Destroys the window, shuts the actors down and waits until they are
  /// done (log flushed): the UI loop no longer runs the window by then.
  void Stop();

private:
  void SaveScreenshot(const std::string& path);
  // Opens View > `panel` (--show) and puts it to work.
  void ShowPanel(const std::string& panel);

  ClientOptions options_;
  std::unique_ptr<Runtime> runtime_;
  MainFrame* frame_ = nullptr;
  wxTimer screenshot_timer_;
  bool screenshot_failed_ = false;
  wxTimer show_timer_;
};

} // namespace client
