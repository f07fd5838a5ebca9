#pragma once

// The real wx client for GUI tests: the app (wx starts once per process),
// a fixture that stops the client after each test, a socat echo peer, and
// a launch with one connection. ctest runs the GUI tests under xvfb-run.

#include <chrono>
#include <cstdint>

#include <catch2/catch.hpp>
#include <wx/app.h>

#include "client_app.hpp"
#include "main_frame.hpp"
#include "support/child_process.hpp"
#include "support/wx_test_app.hpp"

namespace testing_support {

/// The client's app: wx is initialized once per process, with it.
inline client::ClientApp& app() {
  return wx_app_once<client::ClientApp>(
    [] { return new client::ClientApp(client::ClientOptions{}); });
}

/// socat echoing one connection's lines, on a port of its choosing.
struct socat_echo {
  child_process process{
    {"socat", "TCP-LISTEN:0,bind=127.0.0.1,reuseaddr", "EXEC:cat"}};
  std::uint16_t port = process.listening_port(std::chrono::seconds{10}).value_or(0);
};

/// Launches the client with one connection to 127.0.0.1:`port`.
inline client::MainFrame* launch_connected(client::ClientApp& app, std::uint16_t port) {
  REQUIRE(port != 0);
  client::ClientOptions opts;
  opts.connects.emplace_back("127.0.0.1", port, false);
  app.Launch(opts);
  REQUIRE(app.Frame() != nullptr);
  return app.Frame();
}

/// The client, launched with `opts` and a listener on a free port, once
/// the listener's row shows: its window, that row, and the port.
struct listening_client {
  client::MainFrame* frame = nullptr;
  long row = -1;
  std::uint16_t port = 0;
};

inline listening_client launch_listening(client::ClientApp& app,
                                         client::ClientOptions opts = {}) {
  opts.listen = {0};
  app.Launch(opts);
  listening_client result;
  result.frame = app.Frame();
  REQUIRE(result.frame != nullptr);
  auto& panel = result.frame->Connections();
  REQUIRE(pump_until([&] {
    for (long row = 0; row < panel.GetItemCount(); ++row) {
      unsigned long port = 0;
      if (panel.GetItemText(row, 2).StartsWith("listening")
          && panel.GetItemText(row, 1).AfterLast(':').ToULong(&port)) {
        result.row = row;
        result.port = static_cast<std::uint16_t>(port);
      }
    }
    return result.port != 0;
  }, std::chrono::seconds{10}));
  return result;
}

/// Stops the client after each test.
struct gui_fixture {
  client::ClientApp& the_app = app();

  ~gui_fixture() {
    the_app.Stop();
    wxTheApp->ProcessPendingEvents(); // batches of the old runtime are dropped
  }
};

} // namespace testing_support
