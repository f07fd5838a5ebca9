#pragma once

// wx for GUI tests: the app started once per process, and a loop pump that
// waits for a condition. Must be used on the test's main thread, which is
// the UI thread. ctest runs the GUI tests under xvfb-run.

#include <chrono>
#include <cstdlib>
#include <thread>

#include <catch2/catch.hpp>
#include <wx/app.h>
#include <wx/evtloop.h>
#include <wx/init.h>
#include <wx/timer.h>

namespace testing_support {

/// Initializes wx the first time, with `make()` as the app; returns that
/// app every time. Fails the test when there is no display.
template <class App, class Make>
App& wx_app_once(Make make) {
  static App* instance = [&] {
    if (std::getenv("DISPLAY") == nullptr)
      FAIL("DISPLAY is not set: run the GUI tests under xvfb-run");
    App* created = make();
    wxApp::SetInstance(created);
    static int argc = 1;
    static char name[] = "actors_gui_test";
    static char* argv[] = {name, nullptr};
    REQUIRE(wxEntryStart(argc, argv));
    return created;
  }();
  return *instance;
}

/// Runs the wx event loop until `done()` or the deadline; true if done.
template <class Predicate>
bool pump_until(Predicate done, std::chrono::milliseconds timeout) {
  using clock_type = std::chrono::steady_clock;
  wxGUIEventLoop loop;
  wxEventLoopActivator activate(&loop);
  auto deadline = clock_type::now() + timeout;
  while (!done()) {
    if (clock_type::now() > deadline)
      return false;
    while (loop.Pending())
      loop.Dispatch();
    wxTheApp->ProcessPendingEvents();
    // Not a synchronization: `done()` is checked again after each pass; the
    // pause keeps this loop from spinning a core while it waits.
    std::this_thread::sleep_for(std::chrono::milliseconds{1});
  }
  return true;
}

/// Runs the app's own main loop, as the client runs it, for `duration`.
/// pump_until polls with pauses and never sends idle events; timing the
/// loop (its longest gap) needs the real one.
inline void run_main_loop_for(std::chrono::milliseconds duration) {
  wxTimer stop;
  stop.Bind(wxEVT_TIMER, [](wxTimerEvent&) { wxTheApp->ExitMainLoop(); });
  stop.StartOnce(static_cast<int>(duration.count()));
  wxTheApp->OnRun();
}

} // namespace testing_support
