// The real wx client in a real X server (ctest runs under xvfb-run).

#include "client_app.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <arpa/inet.h>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <utility>

#include <wx/evtloop.h>
#include <wx/init.h>
#include <wx/menu.h>
#include <wx/panel.h>
#include <wx/statusbr.h>
#include <wx/timer.h>
#include <wx/toolbar.h>

#include "actors/log_record.hpp"
#include "connection_panel.hpp"
#include "inspector.hpp"
#include "main_frame.hpp"
#include "send_bar.hpp"
#include "sequence_dialog.hpp"
#include "endpoint_dialogs.hpp"
#include "frame_sync.hpp"
#include "message_template.hpp"
#include "preferences_dialog.hpp"
#include "reply_rules.hpp"
#include "saved_messages.hpp"
#include "support/child_process.hpp"
#include "support/raw_socket.hpp"
#include "support/test_certificates.hpp"
#include "support/udp_peer.hpp"
#include "support/client_fixture.hpp"
#include "support/thread_wakeups.hpp"
#include "support/wx_test_app.hpp"
#include "traffic_view.hpp"

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

using testing_support::app;
using testing_support::gui_fixture;
using testing_support::launch_connected;
using testing_support::pump_until;
using testing_support::socat_echo;


// Whether an inbound line ends with `text` ("hello", or "<guest3> hello"
// from a chat room).
bool shows_inbound_ending(const client::TrafficModel& model, std::string_view text) {
  for (std::size_t i = 0; i < model.Size(); ++i) {
    auto line = model.Text(i);
    if (model.At(i).dir == actors::direction::in && line.size() >= text.size()
        && line.substr(line.size() - text.size()) == text)
      return true;
  }
  return false;
}

bool shows_inbound(const client::TrafficModel& model, std::string_view text) {
  for (std::size_t i = 0; i < model.Size(); ++i)
    if (model.At(i).dir == actors::direction::in && model.Text(i) == text)
      return true;
  return false;
}

// Whether an event's text (an error, a message) contains `text`.
bool shows_event_containing(const client::TrafficModel& model, std::string_view text) {
  for (std::size_t i = 0; i < model.Size(); ++i)
    if (model.At(i).kind != actors::ui_event_kind::frame
        && model.Text(i).find(text) != std::string_view::npos)
      return true;
  return false;
}

// A peer that accepts one connection and writes `lines` numbered lines.
struct flooding_peer {
  int listener = -1;
  std::atomic<int> peer{-1};
  std::uint16_t port = 0;
  std::thread thread;

  explicit flooding_peer(int lines) {
    listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
    REQUIRE(::listen(listener, 1) == 0);
    socklen_t len = sizeof(addr);
    ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
    thread = std::thread{[this, lines] {
      int fd = ::accept(listener, nullptr, nullptr);
      if (fd < 0)
        return;
      peer = fd;
      std::string chunk;
      for (int i = 0; i < lines; ++i) {
        chunk += std::to_string(i) + "\n";
        if (chunk.size() > 64 * 1024 || i + 1 == lines) {
          if (::send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL) < 0)
            break;
          chunk.clear();
        }
      }
      char buf[256];
      while (::recv(fd, buf, sizeof(buf), 0) > 0) {
      }
      ::close(fd);
    }};
  }

  ~flooding_peer() {
    if (peer >= 0)
      ::shutdown(peer, SHUT_RDWR);
    ::shutdown(listener, SHUT_RDWR);
    ::close(listener);
    thread.join();
  }
};


} // namespace

TEST_CASE_METHOD(gui_fixture, "the embedded demo echoes a line into the traffic view") {
  client::ClientOptions opts;
  opts.demo = true;
  the_app.Launch(opts);
  auto* frame = the_app.Frame();
  REQUIRE(frame != nullptr);
  REQUIRE(pump_until([&] { return frame->Connections().OpenCount() == 2; }, 10s));
  // The room numbers its own guests: the first visitor is guest1, however
  // many connections the process made before.
  REQUIRE(pump_until([&] { return shows_inbound_ending(frame->Traffic().Model(),
                                                       "* guest1 joined #general"); },
                     10s));
  CHECK(shows_inbound_ending(frame->Traffic().Model(), "welcome guest1! /nick NAME, /quit"));
  // The first connection to come up is selected: the echo server returns
  // the line as is, the chat room as "<guestN> line". Either proves the trip.
  frame->Sender().SetInput("hello from the GUI test");
  frame->Sender().SendInput();
  CHECK(pump_until([&] { return shows_inbound_ending(frame->Traffic().Model(),
                                                     "hello from the GUI test"); },
                   10s));
}

TEST_CASE_METHOD(gui_fixture, "the UI keeps handling timers while a peer floods a million lines") {
  constexpr int lines = 1'000'000;
  flooding_peer peer{lines};
  client::ClientOptions opts;
  opts.connects.emplace_back("127.0.0.1", peer.port);
  the_app.Launch(opts);
  auto* frame = the_app.Frame();
  REQUIRE(frame != nullptr);
  int ticks = 0;
  auto last_tick = clock_type::now();
  clock_type::duration longest{0};
  wxTimer timer;
  timer.Bind(wxEVT_TIMER, [&](wxTimerEvent&) {
    auto now = clock_type::now();
    longest = std::max(longest, now - last_tick);
    last_tick = now;
    ++ticks;
  });
  timer.Start(5);
  auto start = clock_type::now();
  auto& model = frame->Traffic().Model();
  bool all = pump_until([&] { return model.InboundFrames() >= lines; }, 180s);
  auto seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  timer.Stop();
  std::uint64_t dropped = 0;
  for (std::size_t i = 0; i < model.Size(); ++i)
    if (model.At(i).kind == actors::ui_event_kind::dropped)
      ++dropped;
  INFO(model.InboundFrames() << " of " << lines << " lines shown; " << dropped
                             << " dropped markers");
  REQUIRE(all);
  CHECK(model.InboundFrames() == lines);
  CHECK(model.Text(model.Size() - 1) == std::to_string(lines - 1));
  CHECK(ticks > 10);
  // Figures, not bounds (machines here are noisy): see tests/bench for B2.
  auto longest_ms = std::chrono::duration<double, std::milli>(longest).count();
  WARN("flood: " << lines / seconds << " lines/s into the view; " << ticks
                 << " timer ticks; longest gap between ticks " << longest_ms << " ms");
}

namespace {

// Reads a client log: the number of inbound records, and whether they are
// the peer's numbered lines in order with none missing.
std::pair<std::uint64_t, bool> read_inbound_log(const std::string& path) {
  std::ifstream in{path};
  std::uint64_t inbound = 0;
  bool in_order = true;
  for (std::string line; std::getline(in, line);) {
    auto record = actors::parse_log_line(line);
    REQUIRE(record);
    if (record->dir != actors::direction::in)
      continue;
    in_order = in_order && record->payload == std::to_string(inbound);
    ++inbound;
  }
  return {inbound, in_order};
}

} // namespace

TEST_CASE("SIGTERM during a flood closes the client promptly with a complete log") {
  if (std::getenv("DISPLAY") == nullptr)
    FAIL("DISPLAY is not set: run the GUI tests under xvfb-run");
  flooding_peer peer{5'000'000};
  char dir[] = "/tmp/actors-client-log-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  std::string log = std::string{dir} + "/traffic.log";
  testing_support::child_process client{{ACTORS_CLIENT_PATH, "--connect",
                                         "127.0.0.1:" + std::to_string(peer.port),
                                         "--log", log}};
  // Let the flood run until the log holds a good part of it. A file's
  // growth sends no event: poll it, bounded at 30 s.
  auto deadline = clock_type::now() + 30s;
  std::size_t lines_so_far = 0;
  while (clock_type::now() < deadline && lines_so_far < 100'000) {
    std::this_thread::sleep_for(100ms);
    std::ifstream in{log};
    lines_so_far = static_cast<std::size_t>(
      std::count(std::istreambuf_iterator<char>{in}, {}, '\n'));
  }
  REQUIRE(lines_so_far >= 100'000);
  auto close_start = clock_type::now();
  client.signal(SIGTERM); // closes the window as the user would
  auto status = client.wait_exit(10s);
  auto close_ms = std::chrono::duration<double, std::milli>(clock_type::now() - close_start);
  REQUIRE(status);
  CHECK(*status == 0);
  WARN("closing during the flood took " << close_ms.count() << " ms");
  // Every record whole, the lines in order from the first, nothing lost
  // of what was logged before the signal.
  auto [inbound, in_order] = read_inbound_log(log);
  INFO(lines_so_far << " lines logged before the signal, " << inbound << " after");
  CHECK(in_order);
  CHECK(inbound >= lines_so_far);
  std::system(("rm -rf '" + std::string{dir} + "'").c_str());
}

TEST_CASE_METHOD(gui_fixture, "once the client has stopped, the log holds every line the window showed") {
  flooding_peer peer{5'000'000};
  char dir[] = "/tmp/actors-client-log-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  client::ClientOptions opts;
  opts.connects.emplace_back("127.0.0.1", peer.port);
  opts.log = std::string{dir} + "/traffic.log";
  the_app.Launch(opts);
  auto* frame = the_app.Frame();
  REQUIRE(frame != nullptr);
  auto& model = frame->Traffic().Model();
  REQUIRE(pump_until([&] { return model.InboundFrames() >= 100'000; }, 60s));
  // Stopped mid-flood: nothing more is shown, the actors finish, the log is
  // flushed; the UI thread sends messages and then joins the actor system.
  auto shown = model.InboundFrames();
  auto stop_start = clock_type::now();
  the_app.Stop();
  auto stop_ms = std::chrono::duration<double, std::milli>(clock_type::now() - stop_start);
  WARN("stopping during the flood took " << stop_ms.count() << " ms");
  auto [inbound, in_order] = read_inbound_log(opts.log);
  INFO(shown << " lines shown, " << inbound << " logged");
  CHECK(in_order);
  CHECK(inbound >= shown);
  std::system(("rm -rf '" + std::string{dir} + "'").c_str());
}

TEST_CASE_METHOD(gui_fixture, "a log file that cannot be written never stalls the window") {
  // 2M records (~110 MB formatted) overflow the log writer's 64 MiB backlog
  // while its file cannot be opened: the window must show every line anyway.
  constexpr int lines = 2'000'000;
  flooding_peer peer{lines};
  client::ClientOptions opts;
  opts.connects.emplace_back("127.0.0.1", peer.port);
  opts.log = "/nonexistent-actors-dir/traffic.log";
  opts.keep_rows = 4'000'000; // the view keeps the error row among 2M lines
  the_app.Launch(opts);
  auto* frame = the_app.Frame();
  REQUIRE(frame != nullptr);
  auto& model = frame->Traffic().Model();
  CHECK(pump_until([&] { return model.InboundFrames() == lines; }, 120s));
  bool log_error_shown = false;
  for (std::size_t i = 0; i < model.Size() && !log_error_shown; ++i)
    log_error_shown = model.At(i).kind == actors::ui_event_kind::error
                      && model.Text(i).find("cannot open") != std::string_view::npos;
  CHECK(log_error_shown);
  // The status bar says the log is failing, not that it is written.
  CHECK(pump_until([&] {
    return frame->GetStatusBar()->GetStatusText(4).Contains(
      "log failing: /nonexistent-actors-dir/traffic.log");
  }, 5s));
}

TEST_CASE_METHOD(gui_fixture, "a recording that cannot start leaves Record off and says why") {
  client::ClientOptions opts;
  opts.demo = true;
  opts.record = "/nonexistent-actors-dir/session.scn";
  the_app.Launch(opts);
  auto* frame = the_app.Frame();
  REQUIRE(frame != nullptr);
  auto* menus = frame->GetMenuBar();
  auto record = menus->FindMenuItem("File", "Record session as a script...");
  REQUIRE(record != wxNOT_FOUND);
  auto status = [&] { return frame->GetStatusBar()->GetStatusText(4); };
  REQUIRE(pump_until([&] { return shows_event_containing(frame->Traffic().Model(),
                                                         "cannot record the session to "
                                                         + opts.record); },
                     10s));
  CHECK(pump_until([&] { return !menus->IsChecked(record); }, 5s));
  CHECK(pump_until([&] { return !frame->GetToolBar()->GetToolState(record); }, 5s));
  CHECK_FALSE(status().Contains("recording"));
  the_app.Stop();
}

TEST_CASE_METHOD(gui_fixture, "the status bar says while the log file fails, and when it is written again") {
  char dir[] = "/tmp/actors-client-log-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  auto later = std::string{dir} + "/later"; // made once the log has failed
  client::ClientOptions opts;
  opts.demo = true; // lines to log
  opts.log = later + "/traffic.log";
  the_app.Launch(opts);
  auto* frame = the_app.Frame();
  REQUIRE(frame != nullptr);
  auto status = [&] { return frame->GetStatusBar()->GetStatusText(4); };
  REQUIRE(pump_until([&] { return status().Contains("log failing: " + opts.log); }, 10s));
  REQUIRE(::mkdir(later.c_str(), 0700) == 0);
  // The writer tries again once a second.
  CHECK(pump_until([&] { return status().StartsWith("log: " + opts.log); }, 10s));
  CHECK(::access(opts.log.c_str(), F_OK) == 0);
  the_app.Stop();
  std::system(("rm -rf '" + std::string{dir} + "'").c_str());
}

TEST_CASE("the client explains bad arguments without needing a display") {
  testing_support::child_process help{{ACTORS_CLIENT_PATH, "--help"}};
  auto first = help.read_line(5s);
  REQUIRE(first);
  CHECK_THAT(*first, Catch::StartsWith("usage: actors-client"));
  CHECK(help.wait_exit(5s) == std::optional<int>{0});
  testing_support::child_process bad_connect{{ACTORS_CLIENT_PATH, "--connect", "nohost"},
                                             testing_support::stderr_to::pipe};
  CHECK_THAT(bad_connect.read_stderr(5s),
             Catch::Contains("--connect expects HOST:PORT") && Catch::Contains("'nohost'"));
  CHECK(bad_connect.wait_exit(5s) == std::optional<int>{2});
  testing_support::child_process no_ca{{ACTORS_CLIENT_PATH, "--connect", "tls://127.0.0.1:1",
                                        "--ca", "/nonexistent/ca.pem"},
                                       testing_support::stderr_to::pipe};
  CHECK_THAT(no_ca.read_stderr(5s),
             Catch::Contains("--ca '/nonexistent/ca.pem': cannot read it (No such file"));
  CHECK(no_ca.wait_exit(5s) == std::optional<int>{2});
  testing_support::child_process no_key{{ACTORS_CLIENT_PATH, "--listen", "0", "--tls-cert",
                                         "/nonexistent/c.pem", "--tls-key", "/nonexistent/k.pem"},
                                        testing_support::stderr_to::pipe};
  CHECK_THAT(no_key.read_stderr(5s), Catch::Contains("--tls-cert '/nonexistent/c.pem'"));
  CHECK(no_key.wait_exit(5s) == std::optional<int>{2});
  testing_support::child_process bad_listen{{ACTORS_CLIENT_PATH, "--listen", "99999"},
                                            testing_support::stderr_to::pipe};
  CHECK_THAT(bad_listen.read_stderr(5s),
             Catch::Contains("--listen needs a number from 0 to 65535") && Catch::Contains("'99999'"));
  CHECK(bad_listen.wait_exit(5s) == std::optional<int>{2});
  testing_support::child_process bad_udp{{ACTORS_CLIENT_PATH, "--listen", "udp:99999"},
                                         testing_support::stderr_to::pipe};
  CHECK_THAT(bad_udp.read_stderr(5s),
             Catch::Contains("--listen needs a number from 0 to 65535") && Catch::Contains("'99999'"));
  CHECK(bad_udp.wait_exit(5s) == std::optional<int>{2});
  // --show alone opened an ordinary window, the option silently unused.
  testing_support::child_process show_alone{{ACTORS_CLIENT_PATH, "--show", "generator"},
                                            testing_support::stderr_to::pipe};
  CHECK_THAT(show_alone.read_stderr(5s), Catch::Contains("--show is for pictures: give "
                                                         "--screenshot FILE too"));
  CHECK(show_alone.wait_exit(5s) == std::optional<int>{2});
  // --connect's forms given to --listen: "got '//0'" said nothing of why.
  for (auto form : {"udp://0", "127.0.0.1:7000"}) {
    testing_support::child_process connect_form{{ACTORS_CLIENT_PATH, "--listen", form},
                                                testing_support::stderr_to::pipe};
    CHECK_THAT(connect_form.read_stderr(5s),
               Catch::Contains("--listen '" + std::string{form} + "': write PORT or udp:PORT"));
    CHECK(connect_form.wait_exit(5s) == std::optional<int>{2});
  }
  testing_support::child_process bad_udp_connect{{ACTORS_CLIENT_PATH, "--connect", "udp://nohost"},
                                                 testing_support::stderr_to::pipe};
  CHECK_THAT(bad_udp_connect.read_stderr(5s), Catch::Contains("'nohost'"));
  CHECK(bad_udp_connect.wait_exit(5s) == std::optional<int>{2});
  // udp:PORT is --listen's form; given to --connect it became a TCP
  // connection to a host named "udp".
  testing_support::child_process slip{{ACTORS_CLIENT_PATH, "--connect", "udp:127.0.0.1:7000"},
                                      testing_support::stderr_to::pipe};
  CHECK_THAT(slip.read_stderr(5s),
             Catch::Contains("--connect 'udp:127.0.0.1:7000': write udp://HOST:PORT"));
  CHECK(slip.wait_exit(5s) == std::optional<int>{2});
  testing_support::child_process scheme{{ACTORS_CLIENT_PATH, "--connect", "ftp://127.0.0.1:21"},
                                        testing_support::stderr_to::pipe};
  CHECK_THAT(scheme.read_stderr(5s),
             Catch::Contains("--connect 'ftp://127.0.0.1' is not a host name or address"));
  CHECK(scheme.wait_exit(5s) == std::optional<int>{2});
  // TLS options that cannot mean what they seem: one certificate for every
  // listener (a second pair was taken for all), none without a listener,
  // --ca that --insecure would ignore.
  auto refused = [](std::vector<std::string> args) {
    args.insert(args.begin(), ACTORS_CLIENT_PATH);
    testing_support::child_process client{args, testing_support::stderr_to::pipe};
    auto message = client.read_stderr(5s);
    CHECK(client.wait_exit(5s) == std::optional<int>{2});
    return message;
  };
  CHECK_THAT(refused({"--listen", "0", "--tls-cert", "a.pem", "--tls-key", "a.key", "--listen",
                      "0", "--tls-cert", "b.pem", "--tls-key", "b.key"}),
             Catch::Contains("--tls-cert given twice: every TCP --listen uses one certificate"));
  CHECK_THAT(refused({"--tls-cert", "a.pem", "--tls-key", "a.key"}),
             Catch::Contains("--tls-cert and --tls-key are for a TCP --listen PORT"));
  CHECK_THAT(refused({"--connect", "tls://127.0.0.1:1", "--ca", "ca.pem", "--insecure"}),
             Catch::Contains("--ca and --insecure contradict each other"));
}

TEST_CASE("without a display, or with a screenshot it cannot save, the client says so and exits") {
  // wx showed its errors in a modal box: without a display that crashed
  // (Gtk-ERROR, status 133), and --screenshot then never quit.
  testing_support::child_process no_display{
    {"env", "-u", "DISPLAY", "-u", "WAYLAND_DISPLAY", ACTORS_CLIENT_PATH, "--listen", "0"},
    testing_support::stderr_to::pipe};
  auto said = no_display.read_stderr(10s);
  CHECK_THAT(said, Catch::Contains("Unable to initialize GTK+, is DISPLAY set properly?")
                     && !Catch::Contains("Gtk-ERROR"));
  auto status = no_display.wait_exit(5s);
  REQUIRE(status);
  CHECK(*status != 0);
  CHECK(*status != 133); // not a crash
  if (std::getenv("DISPLAY") == nullptr)
    FAIL("DISPLAY is not set: run the GUI tests under xvfb-run");
  testing_support::child_process unwritable{
    {ACTORS_CLIENT_PATH, "--listen", "0", "--screenshot", "/nonexistent/shot.png"},
    testing_support::stderr_to::pipe};
  CHECK_THAT(unwritable.read_stderr(30s),
             Catch::Contains("error: cannot save the screenshot to /nonexistent/shot.png"));
  CHECK(unwritable.wait_exit(10s) == std::optional<int>{1});
}

TEST_CASE("the listen dialog's multicast field takes GROUP or GROUP@INTERFACE") {
  auto plain = client::ParseMulticastGroup("239.1.2.3");
  CHECK(plain.group == "239.1.2.3");
  CHECK(plain.interface.empty());
  auto on = client::ParseMulticastGroup("ff02::1:3@eth0");
  CHECK(on.group == "ff02::1:3");
  CHECK(on.interface == "eth0");
}

TEST_CASE_METHOD(gui_fixture, "a listener and the peers it accepted appear in the sidebar") {
  client::ClientOptions opts;
  opts.listen = {0, 0}; // --listen is repeatable: two listeners
  the_app.Launch(opts);
  auto* frame = the_app.Frame();
  REQUIRE(frame != nullptr);
  auto& panel = frame->Connections();
  auto find_row = [&](const wxString& state_prefix) {
    for (long row = 0; row < panel.GetItemCount(); ++row)
      if (panel.GetItemText(row, 2).StartsWith(state_prefix))
        return row;
    return -1L;
  };
  auto listeners = [&] {
    int n = 0;
    for (long row = 0; row < panel.GetItemCount(); ++row)
      n += panel.GetItemText(row, 2) == "listening";
    return n;
  };
  REQUIRE(pump_until([&] { return listeners() == 2; }, 10s));
  auto address = panel.GetItemText(find_row("listening"), 1);
  CHECK(panel.GetItemText(find_row("listening"), 0) == "L1");
  unsigned long port = 0;
  REQUIRE(address.AfterLast(':').ToULong(&port));
  {
    testing_support::raw_socket peer{static_cast<std::uint16_t>(port)};
    REQUIRE(peer.write_all("hi there\n"));
    REQUIRE(pump_until([&] { return find_row("accepted by L1") >= 0; }, 10s));
    CHECK(pump_until([&] { return shows_inbound(frame->Traffic().Model(), "hi there"); },
                     10s));
    // The send target is the selected row's connection; a listener row has none.
    auto accepted = find_row("accepted by L1");
    panel.SetItemState(accepted, wxLIST_STATE_SELECTED, wxLIST_STATE_SELECTED);
    unsigned long long id = 0;
    REQUIRE(panel.GetItemText(accepted, 0).ToULongLong(&id));
    CHECK(panel.SelectedConnection() == id);
    panel.SetItemState(find_row("listening"), wxLIST_STATE_SELECTED, wxLIST_STATE_SELECTED);
    CHECK(panel.SelectedConnection() == 0);
  }
  CHECK(pump_until([&] { return find_row("closed") >= 0; }, 10s));
}

TEST_CASE_METHOD(gui_fixture, "the traffic view filters, shows hex, and copies the selected rows") {
  flooding_peer peer{300}; // lines "0" to "299"
  client::ClientOptions opts;
  opts.connects.emplace_back("127.0.0.1", peer.port);
  the_app.Launch(opts);
  auto* frame = the_app.Frame();
  REQUIRE(frame != nullptr);
  auto& view = frame->Traffic();
  REQUIRE(pump_until([&] { return view.Model().InboundFrames() == 300; }, 10s));
  auto all = view.ShownRows();
  CHECK(all == view.Model().Size()); // the lines plus the "connected" row
  // Rows are fixed-width text: time, connection, direction, size, payload.
  auto last = view.RowText(all - 1, 100).ToStdString();
  INFO(last);
  CHECK_THAT(last, Catch::EndsWith("  in                 3  299"));
  view.SetFilter(0, "29");
  // 29, 129, 229, 290-299, and the rows before them ("connecting to",
  // "connected to") whose port has a 29.
  std::size_t first = 0;
  for (std::size_t i = 0; i < view.Model().Size(); ++i)
    if (view.Model().At(i).kind != actors::ui_event_kind::frame
        && view.Model().Text(i).find("29") != std::string_view::npos)
      ++first;
  CHECK(view.ShownRows() == 13u + first);
  CHECK(view.RowText(first, 100).EndsWith(" 29"));
  view.SetHex(true);
  CHECK(view.RowText(first, 100).EndsWith(" 32 39"));
  view.SetHex(false);
  CHECK(view.SelectedText().empty()); // a new filter clears the selection
  view.Select(first + 4, first + 3); // 290 and 291, selected bottom-up
  auto copied = view.SelectedText().ToStdString();
  CHECK_THAT(copied, Catch::EndsWith("\tin\t3\t291\n") && Catch::Contains("\tin\t3\t290\n"));
  CHECK(std::count(copied.begin(), copied.end(), '\n') == 2);
  view.SetFilter(0, "");
  CHECK(view.ShownRows() == all);
  view.ClearAll();
  CHECK(view.ShownRows() == 0);
  CHECK(view.SelectedText().empty());
}

TEST_CASE("payloads that are not valid UTF-8 are shown escaped, valid text as is") {
  CHECK(client::DisplayText(std::string{"ok \xff\xfe end", 9}) == "ok \\xff\\xfe end");
  CHECK(client::DisplayText("caf\xc3\xa9") == wxString::FromUTF8("caf\xc3\xa9"));
  CHECK(client::DisplayText(std::string{"a\0b\nc", 5}) == "a\\x00b\\nc");
  CHECK(client::HexText("hi\n") == "68 69 0a");
}

TEST_CASE_METHOD(gui_fixture, "a tls:// connection shows its protocol and cipher in the sidebar") {
  testing_support::test_certificates certs;
  testing_support::child_process s_server{
    {"openssl", "s_server", "-accept", "127.0.0.1:0", "-cert", certs.cert(), "-key",
     certs.key(), "-rev"},
    testing_support::stderr_to::pipe};
  auto port = s_server.listening_port(5s);
  REQUIRE(port);
  client::ClientOptions opts;
  opts.connects.emplace_back("127.0.0.1", *port, true);
  opts.ca_file = certs.ca();
  the_app.Launch(opts);
  auto* frame = the_app.Frame();
  REQUIRE(frame != nullptr);
  auto& panel = frame->Connections();
  auto tls_row = [&] {
    for (long row = 0; row < panel.GetItemCount(); ++row)
      if (panel.GetItemText(row, 2) == "connected, TLSv1.3"
          && panel.GetItemText(row, client::ConnectionPanel::column_tls).StartsWith("TLSv1.3 TLS_"))
        return row;
    return -1L;
  };
  CHECK(pump_until([&] { return tls_row() >= 0; }, 10s));
}

TEST_CASE_METHOD(gui_fixture, "a connection has its sidebar row and peer from the start: connecting, then refused") {
  testing_support::saturated_listener hanging; // the connect never completes
  testing_support::refused_port refused;
  client::ClientOptions opts;
  opts.connects.emplace_back("127.0.0.1", hanging.port());
  opts.connects.emplace_back("127.0.0.1", refused.port());
  the_app.Launch(opts);
  auto* frame = the_app.Frame();
  REQUIRE(frame != nullptr);
  auto& panel = frame->Connections();
  auto state_of = [&](std::uint16_t port) {
    auto peer = "127.0.0.1:" + std::to_string(port);
    for (long row = 0; row < panel.GetItemCount(); ++row)
      if (panel.GetItemText(row, client::ConnectionPanel::column_peer) == peer)
        return panel.GetItemText(row, client::ConnectionPanel::column_state);
    return wxString{"(no row)"};
  };
  CHECK(pump_until([&] { return state_of(hanging.port()) == "connecting"; }, 10s));
  CHECK(pump_until([&] { return state_of(refused.port()) == "closed: refused"; }, 10s));
  CHECK(panel.OpenCount() == 0);
}

TEST_CASE_METHOD(gui_fixture, "UDP endpoints show each datagram with its peer, and a reply goes to the selected datagram's sender") {
  testing_support::udp_peer remote;
  char dir[] = "/tmp/actors-client-udp-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  client::ClientOptions opts;
  opts.listen_udp = {0};
  opts.connects.emplace_back("127.0.0.1", remote.port());
  opts.connects.back().udp = true;
  opts.log = std::string{dir} + "/udp.log";
  the_app.Launch(opts);
  auto* frame = the_app.Frame();
  REQUIRE(frame != nullptr);
  auto& panel = frame->Connections();
  auto find_row = [&](const wxString& address_prefix) {
    for (long row = 0; row < panel.GetItemCount(); ++row)
      if (panel.GetItemText(row, 1).StartsWith(address_prefix))
        return row;
    return -1L;
  };
  auto to_remote = "udp://127.0.0.1:" + std::to_string(remote.port());
  REQUIRE(pump_until([&] { return find_row(to_remote) >= 0 && find_row("udp://127.0.0.1:") >= 0
                                  && panel.GetItemCount() >= 2; },
                     10s));
  // The listening endpoint is the other udp:// row.
  long listening = -1;
  for (long row = 0; row < panel.GetItemCount(); ++row)
    if (panel.GetItemText(row, 1).StartsWith("udp://") && panel.GetItemText(row, 1) != to_remote)
      listening = row;
  REQUIRE(listening >= 0);
  unsigned long port = 0;
  REQUIRE(panel.GetItemText(listening, 1).AfterLast(':').ToULong(&port));
  // UDP has no connection: both endpoints are open, neither "connected".
  CHECK(panel.GetItemText(listening, 2) == "open");
  CHECK(panel.GetItemText(find_row(to_remote), 2) == "open");
  // So says the traffic view's Dir column.
  {
    auto& rows = frame->Traffic().Model();
    std::size_t shown = 0;
    for (std::size_t i = 0; i < rows.Size(); ++i)
      if (rows.Text(i).rfind("UDP ", 0) == 0) {
        ++shown;
        auto text = frame->Traffic().RowText(i, 200).ToStdString();
        CHECK_THAT(text, Catch::Contains(" opened ") && !Catch::Contains("connected"));
      }
    CHECK(shown == 2);
  }

  // A datagram in: shown with its sender.
  testing_support::udp_peer sender;
  REQUIRE(sender.send_to(static_cast<std::uint16_t>(port), "hello over udp"));
  auto& model = frame->Traffic().Model();
  REQUIRE(pump_until([&] { return shows_inbound(model, "hello over udp"); }, 10s));
  std::size_t row = 0;
  while (model.Text(row) != "hello over udp")
    ++row;
  CHECK(model.Peer(row) == "127.0.0.1:" + std::to_string(sender.port()));
  CHECK_THAT(frame->Traffic().RowText(row, 200).ToStdString(),
             Catch::Contains("[from 127.0.0.1:" + std::to_string(sender.port()) + "] hello"));

  // Selected, it is answered at its sender, and the send bar says so.
  auto sender_address = "127.0.0.1:" + std::to_string(sender.port());
  frame->Traffic().Select(row, row);
  CHECK_THAT(frame->Sender().Target().ToStdString(),
             Catch::StartsWith("reply to " + sender_address));
  frame->Send("answer", false);
  std::optional<testing_support::received_datagram> answer;
  REQUIRE(pump_until([&] { return (answer = sender.receive(0ms)).has_value(); }, 10s));
  CHECK(answer->payload == "answer");
  CHECK(answer->peer == "127.0.0.1:" + std::to_string(port));

  // The udp:// endpoint sends to its remote peer when its row is selected,
  // even with the datagram still selected in the traffic view: the last
  // selection made decides.
  // As a click selects it: wx's single-selection list unselects the row
  // and selects it again when the click is on the selected row (the first
  // connection is selected from the start).
  panel.SetItemState(find_row(to_remote), 0, wxLIST_STATE_SELECTED);
  panel.SetItemState(find_row(to_remote), wxLIST_STATE_SELECTED, wxLIST_STATE_SELECTED);
  REQUIRE(frame->Traffic().SelectedDatagramPeer().has_value());
  CHECK_THAT(frame->Sender().Target().ToStdString(),
             Catch::StartsWith("to ") && Catch::EndsWith(to_remote));
  frame->Send("to the remote", false);
  std::optional<testing_support::received_datagram> got;
  REQUIRE(pump_until([&] { return (got = remote.receive(0ms)).has_value(); }, 10s));
  CHECK(got->payload == "to the remote");
  REQUIRE(pump_until([&] { return model.Size() > 0 && model.Text(model.Size() - 1) == "to the remote"; }, 10s));
  CHECK_THAT(frame->Traffic().RowText(model.Size() - 1, 200).ToStdString(),
             Catch::Contains("[to 127.0.0.1:" + std::to_string(remote.port()) + "] to the remote"));
  CHECK_FALSE(sender.receive(100ms).has_value());

  // Selecting the datagram again makes its sender the target again.
  frame->Traffic().Select(row, row);
  frame->Send("answer again", false);
  REQUIRE(pump_until([&] { return (answer = sender.receive(0ms)).has_value(); }, 10s));
  CHECK(answer->payload == "answer again");
  CHECK_FALSE(remote.receive(100ms).has_value());
  frame->Sender().SetToAll(true);
  CHECK(frame->Sender().Target() == "to every open connection");
  frame->Sender().SetToAll(false);

  // A datagram too large for UDP is refused with the reason, and not shown
  // or counted as sent.
  panel.SetItemState(find_row(to_remote), 0, wxLIST_STATE_SELECTED);
  panel.SetItemState(find_row(to_remote), wxLIST_STATE_SELECTED, wxLIST_STATE_SELECTED);
  frame->Send(std::string(70'000, 'z'), false);
  auto refused = [&] {
    for (std::size_t i = 0; i < model.Size(); ++i)
      if (model.At(i).kind == actors::ui_event_kind::error
          && model.Text(i).find("a datagram of 70000 bytes exceeds max_datagram_size")
               != std::string_view::npos)
        return true;
    return false;
  };
  REQUIRE(pump_until(refused, 10s));
  for (std::size_t i = 0; i < model.Size(); ++i)
    CHECK_FALSE((model.At(i).kind == actors::ui_event_kind::frame && model.At(i).size == 70'000));
  CHECK_FALSE(remote.receive(100ms).has_value());

  // The inspector lists both endpoints with their datagrams; selecting one
  // selects it in the sidebar.
  auto& inspector = frame->ShowInspector();
  auto udp_rows = [&] {
    std::vector<client::InspectorFrame::Row> rows;
    for (auto& r : inspector.Rows())
      if (r.kind == "udp")
        rows.push_back(r);
    return rows;
  };
  REQUIRE(pump_until([&] { return udp_rows().size() == 2; }, 10s));
  std::size_t listening_index = inspector.Rows().size();
  for (std::size_t i = 0; i < inspector.Rows().size(); ++i)
    if (inspector.Rows()[i].kind == "udp"
        && Catch::endsWith(inspector.Rows()[i].name, " 127.0.0.1:" + std::to_string(port)))
      listening_index = i;
  REQUIRE(listening_index < inspector.Rows().size());
  CHECK(inspector.Rows()[listening_index].state == "open");
  CHECK(inspector.Rows()[listening_index].credit > 0);
  for (long r = 0; r < panel.GetItemCount(); ++r)
    panel.SetItemState(r, 0, wxLIST_STATE_SELECTED);
  inspector.SelectRow(listening_index);
  CHECK(panel.SelectedConnection() == inspector.Rows()[listening_index].id);
  CHECK(panel.GetItemState(listening, wxLIST_STATE_SELECTED) == wxLIST_STATE_SELECTED);

  // The log names each datagram's endpoint and peer, as the library's
  // endpoints do ("conn N" lost the sender).
  the_app.Stop();
  std::ifstream log{opts.log};
  std::string line, datagram_in, answer_out, remote_out, refusal, opened;
  auto remote_address = "127.0.0.1:" + std::to_string(remote.port());
  while (std::getline(log, line)) {
    if (line.find("hello over udp") != std::string::npos)
      datagram_in = line;
    if (line.find("\tout\t") != std::string::npos && Catch::endsWith(line, "\tanswer"))
      answer_out = line;
    if (Catch::endsWith(line, "\tto the remote"))
      remote_out = line;
    if (line.find("exceeds max_datagram_size") != std::string::npos)
      refusal = line;
    if (line.find("UDP to " + remote_address) != std::string::npos)
      opened = line;
  }
  CHECK_THAT(datagram_in, Catch::Contains("\tudp ") && Catch::Contains(" " + sender_address + "\tin\t"));
  CHECK_THAT(answer_out, Catch::Contains(" " + sender_address + "\tout\t"));
  // A send to the remote peer names it too; errors and state changes are
  // lines of the window, so they are in the log as well.
  CHECK_THAT(remote_out, Catch::Contains(" " + remote_address + "\tout\t"));
  CHECK_THAT(refusal, Catch::Contains("\tudp ") && Catch::Contains("\tevent\t"));
  CHECK_THAT(opened, Catch::Contains("\tudp ") && Catch::Contains("\tevent\t"));
  std::system(("rm -rf '" + std::string{dir} + "'").c_str());
}

namespace {

actors::ui_event message(const std::string& text) {
  return actors::make_message_event(text);
}

} // namespace

TEST_CASE("the traffic model keeps the newest rows within its limits, freeing whole blocks") {
  client::TrafficModel model;
  model.SetRetention({2 * client::TrafficModel::rows_per_block, 64 * 1024 * 1024});
  for (int i = 0; i < 100'000; ++i)
    model.Add(message("event " + std::to_string(i)));
  CHECK(model.Size() == 2 * client::TrafficModel::rows_per_block);
  CHECK(model.Evicted() == 100'000 - model.Size());
  CHECK(model.Text(0) == "event " + std::to_string(model.Evicted()));
  CHECK(model.Text(model.Size() - 1) == "event 99999");
  // Text: at most the limit, in whole 1 MiB blocks.
  client::TrafficModel big;
  big.SetRetention({1'000'000, 4 * 1024 * 1024});
  for (int i = 0; i < 10'000; ++i)
    big.Add(message(std::to_string(i) + std::string(4096, 'x')));
  CHECK(big.TextBytes() <= 4 * 1024 * 1024);
  CHECK(big.Size() < 1100);
  CHECK(big.Text(big.Size() - 1).substr(0, 4) == "9999");
  CHECK(big.Evicted() + big.Size() == 10'000);
  // A row larger than the text limit stays: the newest row always does.
  big.Add(message(std::string(5 * 1024 * 1024, 'y')));
  CHECK(big.Size() == 1);
  CHECK(big.Text(0).size() == 5u * 1024 * 1024);
  big.Clear();
  CHECK(big.Evicted() == 0);
  CHECK(big.TextBytes() == 0);
}

TEST_CASE_METHOD(gui_fixture, "eviction keeps the filter and the selection on the same rows") {
  client::ClientOptions opts;
  opts.demo = false;
  the_app.Launch(opts);
  auto* frame = the_app.Frame();
  REQUIRE(frame != nullptr);
  auto& view = frame->Traffic();
  view.SetRetention({client::TrafficModel::rows_per_block, 64 * 1024 * 1024});
  view.SetAutoScroll(false);
  std::vector<actors::ui_event> batch;
  for (int i = 0; i < 20'000; ++i)
    batch.push_back(message("row " + std::to_string(i)));
  view.AddEvents(batch);
  view.SetFilter(0, "7");
  view.Select(10, 10);
  auto selected = view.SelectedText();
  batch.clear();
  for (int i = 20'000; i < 25'000; ++i)
    batch.push_back(message("row " + std::to_string(i)));
  view.AddEvents(batch); // evicts 5,000 rows, some of them shown
  auto& model = view.Model();
  CHECK(model.Evicted() == 25'000 - client::TrafficModel::rows_per_block);
  std::size_t matching = 0;
  for (std::size_t i = 0; i < model.Size(); ++i)
    if (model.Text(i).find('7') != std::string_view::npos)
      ++matching;
  CHECK(view.ShownRows() == matching);
  for (std::size_t shown = 0; shown < view.ShownRows(); shown += 97)
    CHECK(model.Text(view.ModelIndex(shown)).find('7') != std::string_view::npos);
  // Row 10 of the filter ("row 97"...) was evicted: the selection went with it.
  CHECK(view.SelectedText().empty());
  auto last = view.ShownRows() - 1;
  view.Select(last, last);
  selected = view.SelectedText();
  batch.clear();
  for (int i = 25'000; i < 26'000; ++i)
    batch.push_back(message("row " + std::to_string(i)));
  view.AddEvents(batch);
  CHECK(view.SelectedText() == selected);
  // View > Preferences shows the limits and returns what was chosen.
  client::PreferencesDialog dialog(frame, view.Model().GetRetention());
  auto chosen = dialog.Result();
  CHECK(chosen.rows == client::TrafficModel::rows_per_block);
  CHECK(chosen.text_bytes == 64u * 1024 * 1024);
}

TEST_CASE("Preferences remembers only the limits changed, not a run's --keep-rows") {
  client::Retention remembered{1'000'000, 256u * 1024 * 1024};
  client::Retention shown{16'384, 256u * 1024 * 1024}; // --keep-rows 16384
  // OK alone kept 16384 for every later run.
  auto kept = client::RetentionToRemember(remembered, shown, shown);
  CHECK(kept.rows == 1'000'000);
  CHECK(kept.text_bytes == 256u * 1024 * 1024);
  auto more_text = client::RetentionToRemember(remembered, shown, {16'384, 512u * 1024 * 1024});
  CHECK(more_text.rows == 1'000'000);
  CHECK(more_text.text_bytes == 512u * 1024 * 1024);
  auto fewer_rows = client::RetentionToRemember(remembered, shown, {32'768, 256u * 1024 * 1024});
  CHECK(fewer_rows.rows == 32'768);
}

TEST_CASE_METHOD(gui_fixture, "a flood keeps the client's memory flat once the view is full") {
  constexpr int lines = 3'000'000;
  flooding_peer peer{lines};
  client::ClientOptions opts;
  opts.connects.emplace_back("127.0.0.1", peer.port);
  opts.keep_rows = 200'000;
  the_app.Launch(opts);
  auto* frame = the_app.Frame();
  REQUIRE(frame != nullptr);
  auto& model = frame->Traffic().Model();
  REQUIRE(pump_until([&] { return model.Evicted() > 0; }, 60s));
  auto full_kib = testing_support::resident_memory() / 1024;
  REQUIRE(pump_until([&] { return model.InboundFrames() >= lines; }, 180s));
  auto end_kib = testing_support::resident_memory() / 1024;
  auto growth_kib = end_kib > full_kib ? end_kib - full_kib : 0;
  WARN("flood of " << lines << " lines with --keep-rows 200000: RSS " << full_kib / 1024
                   << " MiB when the view filled, " << end_kib / 1024 << " MiB at the end; "
                   << model.Evicted() << " rows evicted");
  CHECK(model.Size() <= 200'000);
  CHECK(model.Evicted() + model.Size() >= static_cast<std::uint64_t>(lines));
  CHECK(model.Text(model.Size() - 1) == std::to_string(lines - 1));
  CHECK(growth_kib < 32 * 1024);
  // The status bar, updated once a second, says so.
  CHECK(pump_until([&] { return frame->GetStatusBar()->GetStatusText(3).Contains("older rows evicted"); },
                   5s));
}

TEST_CASE("message templates expand fields and escapes, and name what is wrong") {
  client::TemplateValues values;
  values.counter = 41;
  values.random = 7;
  values.captures = {"alpha", "beta"};
  CHECK(client::ExpandTemplate("n={{counter}} r={{random}} {{2}}{{1}}{{3}}", values)
        == "n=41 r=7 betaalpha");
  CHECK(client::ExpandTemplate("a\\tb\\r\\n\\x00\\x7f\\\\ \\{{counter}}", values)
        == std::string{"a\tb\r\n\0\x7f\\ {{counter}}", 20});
  auto time = client::ExpandTemplate("{{time}}", values);
  REQUIRE(time);
  CHECK(time->size() == 12); // HH:MM:SS.mmm
  auto date = client::ExpandTemplate("{{date}}", values);
  REQUIRE(date);
  CHECK(date->size() == 10); // YYYY-MM-DD
  auto unknown = client::ExpandTemplate("x {{nope}}", values);
  REQUIRE_FALSE(unknown);
  CHECK_THAT(actors::message_of(unknown.error()),
             Catch::Contains("unknown field {{nope}}") && Catch::Contains("character 3"));
  CHECK_THAT(actors::message_of(client::ExpandTemplate("\\xZ1", values).error()),
             Catch::Contains("two hex digits"));
  CHECK_THAT(actors::message_of(client::ExpandTemplate("{{counter", values).error()),
             Catch::Contains("{{ without }}"));
  CHECK_FALSE(client::ExpandTemplate("end\\", values));
}

TEST_CASE_METHOD(gui_fixture, "the saved message dialog stays open with the reason for a payload that cannot be sent") {
  // OK closed it, and the message typed was thrown away, with the reason
  // in the info bar.
  auto* parent = new wxFrame(nullptr, wxID_ANY, "parent");
  auto* bad = new client::SavedMessageDialog(parent, {"m", "x={{nope}}", false, 0});
  CHECK_FALSE(bad->Validate());
  CHECK_THAT(bad->Error().ToStdString(), Catch::Contains("unknown field {{nope}}"));
  CHECK(bad->Result().payload == "x={{nope}}"); // still there to mend
  auto* not_hex = new client::SavedMessageDialog(parent, {"h", "6g", true, 0});
  CHECK_FALSE(not_hex->Validate());
  CHECK_THAT(not_hex->Error().ToStdString(), Catch::Contains("is not hex"));
  auto* good = new client::SavedMessageDialog(parent, {"g", "n={{counter}}", false, 0});
  CHECK(good->Validate());
  CHECK(good->Error().empty());
  parent->Destroy();
}

TEST_CASE("saved messages round-trip through their file format, and bad lines are named") {
  std::vector<client::SavedMessage> messages{{"greet", "hello {{counter}}\t!", false, 0},
                                             {"ping bytes", "01 02 ff", true, 0}};
  auto parsed = client::ParseSavedMessages(client::FormatSavedMessages(messages));
  REQUIRE(parsed);
  REQUIRE(parsed->size() == 2);
  CHECK((*parsed)[0].name == "greet");
  CHECK((*parsed)[0].payload == "hello {{counter}}\\t!"); // the template expands \t
  CHECK(client::NextPayload((*parsed)[0]) == std::string{"hello 0\t!"});
  CHECK(client::NextPayload((*parsed)[0]) == std::string{"hello 1\t!"});
  CHECK((*parsed)[1].hex);
  CHECK(client::NextPayload((*parsed)[1]) == std::string{"\x01\x02\xff"});
  auto bad = client::ParseSavedMessages("# comment\n\nok\ttext\tfine\nbroken line\n");
  REQUIRE_FALSE(bad);
  CHECK_THAT(actors::message_of(bad.error()), Catch::Contains("line 4"));
  auto bad_kind = client::ParseSavedMessages("x\tbinary\t00\n");
  CHECK_THAT(actors::message_of(bad_kind.error()), Catch::Contains("text or hex, not 'binary'"));
  client::SavedMessage not_hex{"n", "zz", true, 0};
  CHECK_FALSE(client::NextPayload(not_hex));
}

TEST_CASE_METHOD(gui_fixture, "a saved message goes to the selected connection with its counter") {
  client::ClientOptions opts;
  opts.demo = true;
  the_app.Launch(opts);
  auto* frame = the_app.Frame();
  REQUIRE(frame != nullptr);
  REQUIRE(pump_until([&] { return frame->Connections().OpenCount() == 2; }, 10s));
  frame->Saved().SetMessages({{"greeting", "saved {{counter}}", false, 0}});
  frame->Saved().SendMessage(0);
  frame->Saved().SendMessage(0);
  frame->Saved().SendMessage(5); // none there: nothing happens
  auto& model = frame->Traffic().Model();
  CHECK(pump_until([&] { return shows_inbound_ending(model, "saved 0"); }, 10s));
  CHECK(pump_until([&] { return shows_inbound_ending(model, "saved 1"); }, 10s));
  frame->Saved().SetMessages({});
}

TEST_CASE("reply rules parse, name what is wrong, and answer the first match") {
  auto plain = client::ParseReplyRule("^GET (\\S+)=>200 {{1}}");
  REQUIRE(plain);
  CHECK(plain->kind == client::ReplyRule::match_kind::regex);
  CHECK(client::FormatReplyRule(*plain) == "regex:^GET (\\S+)=>200 {{1}}");
  auto delayed = client::ParseReplyRule("-contains+250ms:ping=>pong");
  REQUIRE(delayed);
  CHECK_FALSE(delayed->enabled);
  CHECK(delayed->delay == std::chrono::milliseconds{250});
  CHECK(client::FormatReplyRule(*delayed) == "-contains+250ms:ping=>pong");
  auto colon_regex = client::ParseReplyRule("^time: (\\d+)=>ok {{1}}");
  REQUIRE(colon_regex); // "time" is no kind: all of it is the regex
  CHECK(colon_regex->pattern == "^time: (\\d+)");
  CHECK_THAT(actors::message_of(client::ParseReplyRule("no arrow").error()),
             Catch::Contains("PATTERN=>REPLY"));
  CHECK_THAT(actors::message_of(client::ParseReplyRule("(unclosed=>x").error()),
             Catch::Contains("bad regular expression") && Catch::Contains("missing )"));
  CHECK_THAT(actors::message_of(client::ParseReplyRule("exact+soon:a=>b").error()),
             Catch::Contains("delay"));
  CHECK_THAT(actors::message_of(client::ParseReplyRule("a=>{{nope}}").error()),
             Catch::Contains("unknown field {{nope}}"));
  auto rules = client::ParseReplyRules("# mock\nexact:ping=>pong\n"
                                       "regex:^GET (\\S+) (\\S+)=>{{2}} {{1}} #{{counter}}\n"
                                       "contains:GET=>never: the rule above matches first\n");
  REQUIRE(rules);
  REQUIRE(rules->size() == 3);
  CHECK(client::ReplyTo(*rules, "ping")->first == "pong");
  CHECK_FALSE(client::ReplyTo(*rules, "ping!")); // exact is exact
  CHECK(client::ReplyTo(*rules, "GET /a HTTP/1.0")->first == "HTTP/1.0 /a #0");
  CHECK(client::ReplyTo(*rules, "GET /b HTTP/1.1")->first == "HTTP/1.1 /b #1");
  CHECK(client::ReplyTo(*rules, "xx GET")->first == "never: the rule above matches first");
  CHECK_FALSE(client::ReplyTo(*rules, "nothing"));
  auto no_kind = client::ParseReplyRules("exact:a=>b\nbogus:x=>y\n");
  REQUIRE(no_kind); // "bogus" is no kind, so "bogus:x" is a regex
  CHECK((*no_kind)[1].pattern == "bogus:x");
  CHECK_THAT(actors::message_of(client::ParseReplyRules("ok=>1\n(=>2\n").error()),
             Catch::Contains("rule line 2"));
}

TEST_CASE_METHOD(gui_fixture, "reply rules turn the client into a mock server, over TCP and UDP") {
  client::ClientOptions opts;
  opts.listen = {0};
  opts.listen_udp = {0};
  opts.replies = {"^GET (\\S+)=>200 {{1}} #{{counter}}", "exact+100ms:ping=>pong"};
  the_app.Launch(opts);
  auto* frame = the_app.Frame();
  REQUIRE(frame != nullptr);
  auto& panel = frame->Connections();
  auto address_of = [&](const wxString& prefix) {
    for (long row = 0; row < panel.GetItemCount(); ++row)
      if (panel.GetItemText(row, 1).StartsWith(prefix))
        return panel.GetItemText(row, 1);
    return wxString{};
  };
  REQUIRE(pump_until([&] { return !address_of("udp://").empty() && panel.GetItemCount() >= 2; },
                     10s));
  unsigned long tcp_port = 0, udp_port = 0;
  for (long row = 0; row < panel.GetItemCount(); ++row)
    if (panel.GetItemText(row, 2).StartsWith("listening"))
      panel.GetItemText(row, 1).AfterLast(':').ToULong(&tcp_port);
  REQUIRE(address_of("udp://").AfterLast(':').ToULong(&udp_port));
  REQUIRE(tcp_port != 0);
  testing_support::raw_socket peer{static_cast<std::uint16_t>(tcp_port)};
  REQUIRE(peer.write_all("GET /a\nnot a request\nGET /b\nping\n"));
  std::string got;
  REQUIRE(pump_until([&] {
    got += peer.read_until("pong", 20ms);
    return got.find("pong") != std::string::npos;
  }, 10s));
  CHECK(got == "200 /a #0\n200 /b #1\npong\n");
  testing_support::udp_peer sender;
  REQUIRE(sender.send_to(static_cast<std::uint16_t>(udp_port), "GET /udp"));
  std::optional<testing_support::received_datagram> answer;
  REQUIRE(pump_until([&] { return (answer = sender.receive(0ms)).has_value(); }, 10s));
  CHECK(answer->payload == "200 /udp #2");
  // The replies show in the traffic view as frames out, each after the
  // frame it answers.
  auto& model = frame->Traffic().Model();
  auto row_of = [&](actors::direction dir, std::string_view text) {
    for (std::size_t i = 0; i < model.Size(); ++i)
      if (model.At(i).dir == dir && model.Text(i) == text)
        return static_cast<long>(i);
    return -1L;
  };
  REQUIRE(pump_until([&] { return row_of(actors::direction::out, "pong") >= 0; }, 10s));
  REQUIRE(row_of(actors::direction::in, "GET /a") >= 0);
  CHECK(row_of(actors::direction::in, "GET /a") < row_of(actors::direction::out, "200 /a #0"));
  CHECK(row_of(actors::direction::in, "GET /b") < row_of(actors::direction::out, "200 /b #1"));
  CHECK(pump_until([&] {
    for (std::size_t i = 0; i < model.Size(); ++i)
      if (model.At(i).dir == actors::direction::out && model.Text(i) == "200 /udp #2")
        return true;
    return false;
  }, 10s));
}

TEST_CASE_METHOD(gui_fixture, "the sidebar counts each connection's frames and bytes, and Delete closes it") {
  socat_echo echo;
  auto* frame = launch_connected(the_app, echo.port);
  auto& panel = frame->Connections();
  REQUIRE(pump_until([&] { return panel.OpenCount() == 1; }, 10s));
  auto id = panel.SelectedConnection();
  REQUIRE(id != 0);
  for (auto line : {"one", "two", "three"}) {
    frame->Sender().SetInput(line);
    frame->Sender().SendInput();
  }
  REQUIRE(pump_until([&] {
    auto* f = panel.FiguresOf(id);
    return f != nullptr && f->frames_in == 3;
  }, 10s));
  auto* figures = panel.FiguresOf(id);
  CHECK(figures->frames_out == 3);
  CHECK(figures->bytes_in == 11); // "one" "two" "three", without line ends
  CHECK(figures->bytes_out == 11);
  panel.Tick();
  CHECK(panel.GetItemText(0, client::ConnectionPanel::column_in) == "3 (11 B)");
  CHECK(panel.GetItemText(0, client::ConnectionPanel::column_out) == "3 (11 B)");
  CHECK(figures->history.size() == 1);
  frame->CloseSelected();
  CHECK(pump_until([&] { return panel.OpenCount() == 0; }, 10s));
  CHECK(panel.GetItemText(0, 2) == "closed");
}

TEST_CASE("counts and sizes read well") {
  CHECK(client::FormatCount(0) == "0");
  CHECK(client::FormatCount(1234567) == "1,234,567");
  CHECK(client::FormatBytes(999) == "999 B");
  CHECK(client::FormatBytes(1500) == "1.5 KB");
  CHECK(client::FormatBytes(2'300'000'000) == "2.3 GB");
  CHECK(client::FormatShort(950) == "950");
  CHECK(client::FormatShort(12'345) == "12.3k");
  CHECK(client::FormatShort(2'854'319) == "2.9M");
  // The sidebar's frames: exact while they fit ("26,214,40..." did not).
  CHECK(client::FormatFrames(999'999) == "999,999");
  CHECK(client::FormatFrames(26'214'400) == "26.2M");
}

TEST_CASE_METHOD(gui_fixture, "a sequence runs from its dialog and the window shows its verdict") {
  socat_echo echo;
  auto* frame = launch_connected(the_app, echo.port);
  REQUIRE(pump_until([&] { return frame->Connections().OpenCount() == 1; }, 10s));
  auto c = "c" + std::to_string(frame->Connections().SelectedConnection());
  auto& dialog = frame->ShowSequences();
  CHECK(frame->RunSequence("connect x\n") == "line 1: a sequence runs send, wait, close, "
                                               "and expect or await NAME frame, frames and "
                                               "silent on the open connections (c<id>); run "
                                               "the rest with actors-scenario");
  dialog.SetScript("send " + c + " ping\nexpect " + c + " frame ~ ^p(i)ng$ as letter\n"
                   "send " + c + " \"got ${letter}\"\nexpect " + c + " frame \"got i\"\n");
  dialog.Run();
  auto* status = frame->GetStatusBar();
  CHECK(pump_until([&] {
    return status->GetStatusText(4).Contains("sequence passed (4 steps)");
  }, 10s));
  // A sequence under way does not hold the client open.
  CHECK(frame->RunSequence("wait 60s\n").empty());
  REQUIRE(pump_until([&] { return status->GetStatusText(4).Contains("wait 60s"); }, 10s));
  auto stop_start = clock_type::now();
  the_app.Stop();
  CHECK(clock_type::now() - stop_start < 5s);
}

TEST_CASE_METHOD(gui_fixture, "when the system's colours change, the window takes the theme's new ones") {
  the_app.Launch(client::ClientOptions{});
  auto* frame = the_app.Frame();
  REQUIRE(frame != nullptr);
  // The traffic view's colours are pinned for cheaper paints; stand in for
  // an old theme's colour, then say the theme changed.
  auto& view = frame->Traffic();
  view.SetOwnBackgroundColour(*wxRED);
  view.SetOwnForegroundColour(*wxRED);
  wxSysColourChangedEvent changed;
  changed.SetEventObject(frame);
  frame->GetEventHandler()->ProcessEvent(changed);
  CHECK(view.GetBackgroundColour().IsOk());
  CHECK(view.GetBackgroundColour() != *wxRED);
  CHECK(view.GetForegroundColour() != *wxRED);
  // And pinned again: still its own, not looked up on every paint.
  CHECK(view.UseBackgroundColour());
}

TEST_CASE_METHOD(gui_fixture, "status text shows with the next frame, not with a repaint of its own") {
  the_app.Launch(client::ClientOptions{});
  auto* frame = the_app.Frame();
  REQUIRE(frame != nullptr);
  auto* bar = frame->GetStatusBar();
  REQUIRE(bar != nullptr);
  int paints = 0;
  bar->Bind(wxEVT_PAINT, [&](wxPaintEvent& event) {
    ++paints;
    event.Skip(); // the bar draws its fields
  });
  REQUIRE(pump_until([&] { return paints > 0; }, 5s)); // shown once
  // wx's own status bar would paint (the whole window's invalid parts)
  // inside SetStatusText; under a flood that was an extra frame each time.
  auto before = paints;
  frame->SetStatusText("first", 0);
  frame->SetStatusText("second", 1);
  CHECK(paints == before);
  CHECK(bar->GetStatusText(0) == "first");
  CHECK(pump_until([&] { return paints > before; }, 5s)); // and then it is drawn
}

TEST_CASE_METHOD(gui_fixture, "idle events go only to windows that ask for them") {
  the_app.Launch(client::ClientOptions{});
  auto* frame = the_app.Frame();
  REQUIRE(frame != nullptr);
  // wx's default sends every window an idle event each time the loop goes
  // idle: under traffic thousands of times a second, window by window.
  int view_idles = 0, asking_idles = 0;
  frame->Traffic().Bind(wxEVT_IDLE, [&](wxIdleEvent& event) {
    ++view_idles;
    event.Skip();
  });
  auto* asking = new wxPanel(frame);
  asking->SetExtraStyle(wxWS_EX_PROCESS_IDLE);
  asking->Bind(wxEVT_IDLE, [&](wxIdleEvent& event) {
    ++asking_idles;
    event.Skip();
  });
  testing_support::run_main_loop_for(300ms); // the real loop sends idle events
  CHECK(asking_idles > 0);
  CHECK(view_idles == 0);
  asking->Destroy();
}

TEST_CASE_METHOD(gui_fixture, "an idle client leaves the cores alone: its threads wake rarely") {
  the_app.Launch(client::ClientOptions{}); // the demo servers, nothing sent
  testing_support::run_main_loop_for(1s); // settled
  auto before = testing_support::context_switches();
  testing_support::run_main_loop_for(2s);
  auto per_second = (testing_support::context_switches() - before) / 2;
  INFO("context switches per second: " << per_second);
  // CAF's workers poll for 25 ms after each job and every 10 ms while
  // idle; a timer on a worker kept them at 5,500 wakeups a second. Now
  // about 100: the idle workers look every 100 ms.
  CHECK(per_second < 200);
}

TEST_CASE_METHOD(gui_fixture, "without a window manager the windows skip GDK's frame sync, and only shown ones") {
  // ctest runs this under xvfb-run: an X server with no window manager.
  bool no_manager = std::system("xprop -root _NET_SUPPORTING_WM_CHECK 2>/dev/null"
                                " | grep -q 'window id'") != 0;
  the_app.Launch(client::ClientOptions{});
  auto* frame = the_app.Frame();
  REQUIRE(frame != nullptr);
  CHECK(client::SkipFrameSyncWithoutWindowManager(*frame) == no_manager);
  CHECK(client::SkipFrameSyncWithoutWindowManager(frame->ShowInspector()) == no_manager);
  wxFrame hidden(nullptr, wxID_ANY, "never shown");
  CHECK_FALSE(client::SkipFrameSyncWithoutWindowManager(hidden));
}

namespace {

// Counts the paints of the traffic view's rows, and notes whether one drew
// a model in which `shown()` held.
struct rows_paints {
  int count = 0;
  bool drew_it = false;

  rows_paints(client::TrafficView& view, std::function<bool()> shown) {
    for (auto* child : view.GetChildren())
      child->Bind(wxEVT_PAINT, [this, shown](wxPaintEvent& event) {
        ++count;
        drew_it = drew_it || shown();
        event.Skip(); // the rows draw themselves
      });
  }
};

bool shows_outbound(const client::TrafficModel& model, std::string_view text) {
  for (std::size_t i = 0; i < model.Size(); ++i)
    if (model.At(i).dir == actors::direction::out && model.Text(i) == text)
      return true;
  return false;
}

} // namespace

TEST_CASE_METHOD(gui_fixture, "a line sent holds the window's frames until its echo, painted at once") {
  socat_echo echo;
  auto* frame = launch_connected(the_app, echo.port);
  REQUIRE(pump_until([&] { return frame->Connections().OpenCount() == 1; }, 10s));
  testing_support::run_main_loop_for(100ms); // shown and painted
  auto& model = frame->Traffic().Model();
  std::string line; // the line of this attempt
  rows_paints rows{frame->Traffic(), [&] { return shows_inbound(model, line); }};
  auto& hold = frame->Replies();
  int paints = 0;
  bool painted_echo = false; // by the time the paint after the reply ended
  hold.ObservePaints([&](client::ReplyHold::duration) {
    ++paints;
    painted_echo = rows.drew_it;
  });
  // The hold waits 4 ms at most: on a loaded machine an echo can come
  // later, and then no paint follows the reply. A few lines make sure one
  // echo arrives while held.
  for (int attempt = 0; attempt < 10 && paints == 0; ++attempt) {
    line = "held for its echo " + std::to_string(attempt);
    rows.drew_it = false;
    auto paints_before = hold.PaintsAfterReply();
    frame->Sender().SetInput(line);
    frame->Sender().SendInput();
    // No frame starts while the echo is on its way: one under way when it
    // arrives would keep it waiting, and one painted just before it would
    // leave it off the screen until the next frame.
    CHECK(hold.Holding());
    REQUIRE(pump_until([&] { return shows_inbound(model, line); }, 10s));
    CHECK_FALSE(hold.Holding());
    pump_until([&] { return paints > 0; }, 100ms); // if the echo came in time
    CHECK(hold.PaintsAfterReply() == paints_before + static_cast<std::uint64_t>(paints));
  }
  CHECK(paints == 1);
  CHECK(painted_echo); // the paint right after the reply drew it
  hold.ObservePaints(nullptr);
}

TEST_CASE_METHOD(gui_fixture, "without a reply the hold ends within milliseconds, and frames go on") {
  testing_support::child_process silent{
    {"socat", "TCP-LISTEN:0,bind=127.0.0.1,reuseaddr", "EXEC:sleep 60"}};
  auto port = silent.listening_port(10s).value_or(0);
  auto* frame = launch_connected(the_app, port);
  REQUIRE(pump_until([&] { return frame->Connections().OpenCount() == 1; }, 10s));
  testing_support::run_main_loop_for(100ms);
  auto& model = frame->Traffic().Model();
  rows_paints rows{frame->Traffic(), [&] { return shows_outbound(model, "nobody answers"); }};
  auto& hold = frame->Replies();
  frame->Sender().SetInput("nobody answers");
  auto sent = clock_type::now();
  frame->Sender().SendInput();
  CHECK(hold.Holding());
  REQUIRE(pump_until([&] { return !hold.Holding(); }, 2s));
  auto held = clock_type::now() - sent;
  auto held_ms = std::chrono::duration<double, std::milli>(held).count();
  INFO("held for " << held_ms << " ms");
  CHECK(held >= 3ms); // the limit: 4 ms
  CHECK(held < 1s);
  // The window's own frames resume and draw the line sent; nothing was
  // painted "after a reply".
  CHECK(pump_until([&] { return rows.drew_it; }, 2s));
  CHECK(hold.PaintsAfterReply() == 0);
}
