// The client's workbench features in the real window under Xvfb: the
// toolbar, the traffic generator, the time column, export.

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <set>
#include <stdexcept>
#include <sstream>
#include <string>
#include <vector>

#include <wx/frame.h>
#include <wx/listctrl.h>
#include <wx/stattext.h>
#include <wx/statusbr.h>
#include <wx/textctrl.h>
#include <wx/timer.h>
#include <wx/toolbar.h>

#include "actors/error_kind.hpp"
#include "actors/ui_event.hpp"
#include "connection_panel.hpp"
#include "endpoint_dialogs.hpp"
#include "generator_dialog.hpp"
#include "inspector.hpp"
#include "main_frame.hpp"
#include "reply_rules.hpp"
#include "reply_rules_dialog.hpp"
#include "saved_messages.hpp"
#include "send_bar.hpp"
#include "support/raw_socket.hpp"
#include "support/client_fixture.hpp"
#include "traffic_view.hpp"

using namespace std::chrono_literals;
using testing_support::gui_fixture;
using testing_support::launch_connected;
using testing_support::pump_until;
using testing_support::socat_echo;

namespace {

// Inbound rows in the traffic view.
std::size_t inbound_rows(const client::TrafficModel& model) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < model.Size(); ++i)
    count += model.At(i).dir == actors::direction::in
             && model.At(i).kind == actors::ui_event_kind::frame;
  return count;
}

} // namespace

TEST_CASE_METHOD(gui_fixture, "the toolbar offers what a first-time user needs") {
  socat_echo echo;
  auto* frame = launch_connected(the_app, echo.port);
  auto* bar = frame->GetToolBar();
  REQUIRE(bar != nullptr);
  std::vector<std::string> labels;
  for (std::size_t i = 0; i < bar->GetToolsCount(); ++i) {
    auto* tool = bar->GetToolByPos(static_cast<int>(i));
    if (!tool->IsSeparator())
      labels.push_back(tool->GetLabel().ToStdString());
  }
  CHECK(labels == std::vector<std::string>{"Connect", "Listen", "Close", "Log", "Record",
                                           "Generate", "Clear"});
}

TEST_CASE_METHOD(gui_fixture, "the traffic generator sends at the rate set, and reports in the status bar") {
  socat_echo echo;
  auto* frame = launch_connected(the_app, echo.port);
  REQUIRE(pump_until([&] { return frame->Connections().OpenCount() == 1; }, 10s));
  CHECK(pump_until([&] { return frame->GetStatusBar()->GetStatusText(0) == "1 connection"; },
                   5s)); // not "1 connections"
  auto& dialog = frame->ShowGenerator();
  client::GeneratorSettings settings;
  settings.payload = "gen {{counter}}";
  settings.count = 200;
  settings.rate = 100;
  dialog.SetSettings(settings);
  auto start = std::chrono::steady_clock::now();
  dialog.Start();
  auto* status = frame->GetStatusBar();
  REQUIRE(pump_until([&] { return status->GetStatusText(4).Contains("generator: done"); },
                     20s));
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK_THAT(status->GetStatusText(4).ToStdString(),
             Catch::Contains("generator: done: 200 frames on 1 connection"));
  // 200 frames at 100/s: 2 s, within 10% (and the echoes all arrive).
  CHECK(seconds == Approx(2.0).epsilon(0.1));
  CHECK(pump_until([&] { return inbound_rows(frame->Traffic().Model()) == 200; }, 10s));
  // Nothing selected and not "to all": the dialog says why it cannot start.
  settings.to_all = false;
  auto& sidebar = frame->Connections();
  for (long row = 0; row < sidebar.GetItemCount(); ++row)
    sidebar.SetItemState(row, 0, wxLIST_STATE_SELECTED);
  CHECK_THAT(frame->GenerateTraffic(settings), Catch::Contains("no connection"));
}

TEST_CASE_METHOD(gui_fixture, "a recording names its file in the status bar, and says where it went when it stops") {
  socat_echo echo;
  auto* frame = launch_connected(the_app, echo.port);
  REQUIRE(pump_until([&] { return frame->Connections().OpenCount() == 1; }, 10s));
  char dir[] = "/tmp/actors-record-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  auto path = std::string{dir} + "/session.scn";
  frame->RecordTo(path);
  auto* status = frame->GetStatusBar();
  // The file's name, not its whole path, which pushed the rest out.
  CHECK_THAT(status->GetStatusText(4).ToStdString(),
             Catch::Contains("recording: session.scn") && !Catch::Contains(dir));
  frame->RecordTo("");
  auto& model = frame->Traffic().Model();
  auto said_stopped = [&] {
    for (std::size_t i = 0; i < model.Size(); ++i)
      if (model.Text(i).rfind("recording stopped: " + path + " (", 0) == 0)
        return true;
    return false;
  };
  CHECK(pump_until(said_stopped, 10s));
  CHECK_FALSE(status->GetStatusText(4).Contains("recording"));
  std::system(("rm -rf '" + std::string{dir} + "'").c_str());
}

TEST_CASE_METHOD(gui_fixture, "the traffic generator leaves UDP endpoints out, and says so when one is selected") {
  socat_echo echo;
  client::ClientOptions opts;
  opts.connects.emplace_back("127.0.0.1", echo.port);
  opts.listen_udp = {0};
  the_app.Launch(opts);
  auto* frame = the_app.Frame();
  REQUIRE(frame != nullptr);
  REQUIRE(pump_until([&] { return frame->Connections().OpenCount() == 2; }, 10s));
  auto& dialog = frame->ShowGenerator();
  client::GeneratorSettings settings;
  settings.payload = "gen {{counter}}";
  settings.count = 20;
  settings.to_all = true;
  dialog.SetSettings(settings);
  dialog.Start();
  auto* status = frame->GetStatusBar();
  REQUIRE(pump_until([&] { return status->GetStatusText(4).Contains("generator: done"); },
                     20s));
  // It said "on 2 connections", and "connection N stopped taking frames".
  CHECK_THAT(status->GetStatusText(4).ToStdString(),
             Catch::Contains("generator: done: 20 frames on 1 connection"));
  std::uint64_t udp = 0;
  for (auto id : frame->Connections().OpenConnections())
    if (frame->Connections().IsUdpEndpoint(id))
      udp = id;
  REQUIRE(udp != 0);
  frame->Connections().SelectConnection(udp);
  settings.to_all = false;
  CHECK(frame->GenerateTraffic(settings)
        == "the generator sends on TCP connections, not UDP endpoints: select a connection");
}

namespace {

// A traffic view in a frame of its own, with four rows at known times: a
// frame in, a frame out with CSV's special characters, an event, and a
// binary datagram from a peer.
struct view_fixture : gui_fixture {
  wxFrame* window = new wxFrame(nullptr, wxID_ANY, "view");
  client::TrafficView* view = new client::TrafficView(window);

  view_fixture() {
    using std::chrono::nanoseconds;
    constexpr std::int64_t t0 = 1'700'000'000'000'000'000;
    std::vector<actors::ui_event> events;
    auto frame = [&](std::uint64_t conn, actors::direction dir, std::string payload,
                     std::int64_t at) {
      auto ev = actors::make_frame_event(conn, dir, std::move(payload));
      ev.time = nanoseconds{t0 + at};
      events.push_back(std::move(ev));
    };
    frame(1, actors::direction::in, "hello", 0);
    frame(1, actors::direction::out, "a,b\"c", 1'500'000);
    auto note = actors::make_message_event("logging to x");
    note.time = nanoseconds{t0 + 2'000'000};
    events.push_back(note);
    frame(2, actors::direction::in, std::string{"\x00\x01\xff", 3} + std::string(18, 'z'),
          1'002'000'000);
    events.back().address = "127.0.0.1:9";
    view->AddEvents(events);
  }

  ~view_fixture() { window->Destroy(); }

  std::string exported(client::ExportFormat format, bool selected = false) {
    std::ostringstream out;
    view->Export(out, format, selected);
    return out.str();
  }
};

} // namespace

TEST_CASE_METHOD(view_fixture, "the time column shows time of day, time since the first row, or the delta") {
  CHECK_THAT(view->RowText(1, 50).ToStdString(), Catch::Matches(R"(\d\d:\d\d:\d\d\.001 .*)"));
  view->SetTimeFormat(client::TimeFormat::relative);
  CHECK_THAT(view->RowText(3, 50).ToStdString(), Catch::StartsWith("+1.002000 "));
  view->SetTimeFormat(client::TimeFormat::delta);
  CHECK_THAT(view->RowText(0, 50).ToStdString(), Catch::StartsWith("+0.000000 "));
  CHECK_THAT(view->RowText(3, 50).ToStdString(), Catch::StartsWith("+1.000000 "));
  // Delta to the row shown above: under a filter, that is another row.
  client::TrafficFilter in;
  in.direction = client::TrafficFilter::Direction::in;
  REQUIRE(view->SetFilter(in).empty());
  REQUIRE(view->ShownRows() == 2);
  CHECK_THAT(view->RowText(1, 50).ToStdString(), Catch::StartsWith("+1.002000 "));
}

TEST_CASE_METHOD(view_fixture, "the filter takes a regex and a direction, and names a bad regex") {
  client::TrafficFilter filter;
  filter.text = "^h.l+o$";
  filter.regex = true;
  REQUIRE(view->SetFilter(filter).empty());
  CHECK(view->ShownRows() == 1);
  filter.text = "(";
  CHECK_THAT(view->SetFilter(filter), Catch::StartsWith("bad regular expression: ")
                                        && Catch::Contains("missing )"));
  CHECK(view->ShownRows() == 1); // the last good filter stays
  filter = {};
  filter.direction = client::TrafficFilter::Direction::out;
  REQUIRE(view->SetFilter(filter).empty());
  CHECK(view->ShownRows() == 1);
  filter.direction = client::TrafficFilter::Direction::events;
  REQUIRE(view->SetFilter(filter).empty());
  REQUIRE(view->ShownRows() == 1);
  CHECK_THAT(view->RowText(0, 50).ToStdString(), Catch::EndsWith("logging to x"));
  filter.direction = client::TrafficFilter::Direction::in;
  filter.connection = 2;
  REQUIRE(view->SetFilter(filter).empty());
  CHECK(view->ShownRows() == 1);
}

TEST_CASE_METHOD(view_fixture, "export writes the shown or selected rows as text, CSV and a hex dump") {
  view->SetTimeFormat(client::TimeFormat::relative);
  CHECK(exported(client::ExportFormat::text)
        == "+0.000000\t1\tin\t5\thello\n"
           "+0.001500\t1\tout\t5\ta,b\"c\n"
           "+0.002000\t\tmessage\t\tlogging to x\n"
           "+1.002000\t2\tin\t21\t127.0.0.1:9 \\x00\\x01\\xffzzzzzzzzzzzzzzzzzz\n");
  CHECK(exported(client::ExportFormat::csv)
        == "time,connection,direction,size,peer,payload\r\n"
           "+0.000000,1,in,5,,hello\r\n"
           "+0.001500,1,out,5,,\"a,b\"\"c\"\r\n"
           "+0.002000,,message,,,logging to x\r\n"
           "+1.002000,2,in,21,127.0.0.1:9,\\x00\\x01\\xffzzzzzzzzzzzzzzzzzz\r\n");
  view->Select(3, 3);
  CHECK(exported(client::ExportFormat::hex_dump, true)
        == "+1.002000  conn 2  in  21 bytes  127.0.0.1:9\n"
           "  00000000  00 01 ff 7a 7a 7a 7a 7a 7a 7a 7a 7a 7a 7a 7a 7a  |...zzzzzzzzzzzzz|\n"
           "  00000010  7a 7a 7a 7a 7a                                   |zzzzz|\n");
  // Escape selects nothing again (a selection could not be undone, so
  // exporting every row was out of reach once a row had been clicked).
  wxWindow* rows = nullptr;
  for (auto* child : view->GetChildren())
    if (dynamic_cast<wxVScrolledWindow*>(child) != nullptr)
      rows = child;
  REQUIRE(rows != nullptr);
  wxKeyEvent escape{wxEVT_KEY_DOWN};
  escape.m_keyCode = WXK_ESCAPE;
  escape.SetEventObject(rows);
  rows->ProcessWindowEvent(escape);
  CHECK_FALSE(view->SelectedRange().has_value()); // the window exports all then
  // Under a filter, only what it shows.
  client::TrafficFilter out;
  out.direction = client::TrafficFilter::Direction::out;
  REQUIRE(view->SetFilter(out).empty());
  CHECK(exported(client::ExportFormat::text) == "+0.001500\t1\tout\t5\ta,b\"c\n");
}

TEST_CASE("export takes its format from the file's extension before the dialog's type") {
  using client::ExportFormat;
  using client::ExportFormatFor;
  CHECK(ExportFormatFor("/tmp/rows.csv", ExportFormat::text) == ExportFormat::csv);
  CHECK(ExportFormatFor("/tmp/rows.CSV", ExportFormat::hex_dump) == ExportFormat::csv);
  CHECK(ExportFormatFor("rows.hex", ExportFormat::text) == ExportFormat::hex_dump);
  CHECK(ExportFormatFor("rows.txt", ExportFormat::csv) == ExportFormat::text);
  CHECK(ExportFormatFor("rows.log", ExportFormat::csv) == ExportFormat::csv);
  CHECK(ExportFormatFor("/tmp/a.dir/rows", ExportFormat::hex_dump) == ExportFormat::hex_dump);
}

TEST_CASE("a reply rule may be limited to a port or a connection") {
  auto port = client::ParseReplyRule("contains+20ms@7000:ping=>pong");
  REQUIRE(port);
  CHECK(port->only_port == 7000);
  CHECK(port->delay == 20ms);
  CHECK(client::FormatReplyRule(*port) == "contains+20ms@7000:ping=>pong");
  auto conn = client::ParseReplyRule("-exact@c12:hi=>hello");
  REQUIRE(conn);
  CHECK(conn->only_connection == 12);
  CHECK(client::FormatReplyRule(*conn) == "-exact@c12:hi=>hello");
  for (auto bad : {"exact@0:a=>b", "exact@70000:a=>b", "exact@cx:a=>b", "exact@:a=>b"})
    CHECK_THAT(actors::message_of(client::ParseReplyRule(bad).error()),
               Catch::StartsWith("after @ comes a port"));
  std::vector<client::ReplyRule> rules{*port};
  CHECK_FALSE(client::ReplyTo(rules, "ping", {1, 7001}));
  CHECK(client::ReplyTo(rules, "ping", {1, 7000})->first == "pong");
}

TEST_CASE_METHOD(gui_fixture, "rules limited to a listener's port or a connection answer only there") {
  socat_echo echo;
  client::ClientOptions opts;
  opts.connects.emplace_back("127.0.0.1", echo.port, false);
  auto listening = testing_support::launch_listening(the_app, opts);
  auto* frame = listening.frame;
  auto listen_port = listening.port;
  auto& panel = frame->Connections();
  REQUIRE(pump_until([&] { return panel.OpenCount() == 1; }, 10s));
  auto echo_id = *panel.OpenConnections().begin();
  auto rules = client::ParseReplyRules(
    "contains@" + std::to_string(listen_port) + ":hello=>from the listener\n"
    "exact@c" + std::to_string(echo_id) + ":hello=>from the connection\n");
  REQUIRE(rules);
  frame->SetReplyRules(*rules);
  // On the echo connection: its "hello" comes back and the @c rule answers
  // (which also shows the relay has the rules: they went the same way).
  frame->Send("hello", false);
  auto& model = frame->Traffic().Model();
  auto shows = [&](actors::direction dir, std::string_view text) {
    for (std::size_t i = 0; i < model.Size(); ++i)
      if (model.At(i).dir == dir && model.At(i).connection == echo_id && model.Text(i) == text)
        return true;
    return false;
  };
  CHECK(pump_until([&] { return shows(actors::direction::in, "from the connection"); }, 10s));
  CHECK_FALSE(shows(actors::direction::out, "from the listener"));
  testing_support::raw_socket peer{static_cast<std::uint16_t>(listen_port)};
  REQUIRE(peer.write_all("hello\n"));
  std::string got;
  REQUIRE(pump_until([&] {
    got += peer.read_until("\n", 20ms);
    return got.find('\n') != std::string::npos;
  }, 10s));
  CHECK(got == "from the listener\n");
}

TEST_CASE_METHOD(gui_fixture, "Close on a listener row stops listening and closes what it accepted") {
  auto listening = testing_support::launch_listening(the_app);
  auto* frame = listening.frame;
  auto listener_row = listening.row;
  auto listen_port = listening.port;
  auto& panel = frame->Connections();
  testing_support::raw_socket peer{listen_port};
  REQUIRE(pump_until([&] { return panel.OpenCount() == 1; }, 10s));
  panel.SetItemState(listener_row, wxLIST_STATE_SELECTED, wxLIST_STATE_SELECTED);
  REQUIRE(panel.SelectedListener() == 1);
  frame->CloseSelected();
  CHECK(pump_until([&] {
    return panel.GetItemText(listener_row, 2) == "closed" && panel.OpenCount() == 0;
  }, 10s));
  CHECK_FALSE(panel.IsListening(1));
  CHECK(peer.closed_by_peer(5s));
  // Nobody listens on that port any more.
  CHECK_THROWS_AS(testing_support::raw_socket{listen_port}, std::runtime_error);
}

TEST_CASE_METHOD(gui_fixture, "reply rules that do not parse are named under them, with no modal box") {
  client::ClientOptions opts;
  opts.demo = false;
  the_app.Launch(opts);
  REQUIRE(the_app.Frame() != nullptr);
  client::ReplyRulesDialog dialog(the_app.Frame(), {});
  wxTextCtrl* text = nullptr;
  std::vector<wxStaticText*> labels;
  for (auto* child : dialog.GetChildren()) {
    if (auto* t = dynamic_cast<wxTextCtrl*>(child))
      text = t;
    else if (auto* l = dynamic_cast<wxStaticText*>(child))
      labels.push_back(l);
  }
  REQUIRE(text != nullptr);
  text->SetValue("ok=>1\n(=>2\n");
  CHECK_FALSE(dialog.TransferDataFromWindow()); // returns: no modal box waits
  auto named = std::any_of(labels.begin(), labels.end(), [](wxStaticText* l) {
    return l->GetLabel().Contains("rule line 2");
  });
  CHECK(named);
  CHECK(text->GetValue() == "ok=>1\n(=>2\n"); // kept to mend
}

TEST_CASE_METHOD(gui_fixture, "a saved message goes to every connection with to all ticked") {
  socat_echo first, second;
  client::ClientOptions opts;
  opts.connects.emplace_back("127.0.0.1", first.port, false);
  opts.connects.emplace_back("127.0.0.1", second.port, false);
  the_app.Launch(opts);
  auto* frame = the_app.Frame();
  REQUIRE(frame != nullptr);
  REQUIRE(pump_until([&] { return frame->Connections().OpenCount() == 2; }, 10s));
  frame->Saved().SetMessages({{"all", "to all {{counter}}", false, 0}});
  frame->Sender().SetToAll(true);
  frame->Saved().SendMessage(0);
  auto& model = frame->Traffic().Model();
  auto echoes = [&] {
    std::set<std::uint64_t> connections;
    for (std::size_t i = 0; i < model.Size(); ++i)
      if (model.At(i).dir == actors::direction::in && model.Text(i) == "to all 0")
        connections.insert(model.At(i).connection);
    return connections.size();
  };
  CHECK(pump_until([&] { return echoes() == 2; }, 10s));
  frame->Sender().SetToAll(false);
  frame->Saved().SetMessages({});
}

TEST_CASE_METHOD(gui_fixture, "Ctrl+Enter in the focused send bar sends nothing") {
  // Ctrl+Enter is the window's shortcut to focus the send bar; pressed
  // there, it used to send the input (an empty line on an empty bar).
  std::vector<std::string> sent;
  auto* window = new wxFrame(nullptr, wxID_ANY, "send bar");
  auto* bar = new client::SendBar(window, [&](const std::string& payload, bool) {
    sent.push_back(payload);
  });
  wxTextCtrl* input = nullptr;
  for (auto* child : bar->GetChildren())
    if (auto* text = dynamic_cast<wxTextCtrl*>(child))
      input = text;
  REQUIRE(input != nullptr);
  // Whether the bar's own handlers take a key (true), or pass it on to the
  // text control, which turns a plain Enter into a send.
  auto taken = [&](int code, bool control) {
    wxKeyEvent key{wxEVT_KEY_DOWN};
    key.m_keyCode = code;
    key.SetControlDown(control);
    key.SetEventObject(input);
    return input->ProcessWindowEvent(key);
  };
  bar->SetInput("typed");
  CHECK(taken(WXK_RETURN, true));
  CHECK(taken(WXK_NUMPAD_ENTER, true));
  CHECK_FALSE(taken(WXK_RETURN, false));
  CHECK_FALSE(taken('A', true)); // Ctrl+A and the rest still reach the input
  CHECK(sent.empty());
  bar->SendInput(); // what Enter does
  CHECK(sent == std::vector<std::string>{"typed"}); // line framing adds the LF
  window->Destroy();
}

TEST_CASE("the connect dialog's host field takes host:port as typed") {
  auto field = client::ParseHostField(" 127.0.0.1:7310 ");
  CHECK(field.host == "127.0.0.1");
  CHECK(field.port == 7310);
  field = client::ParseHostField("example.org");
  CHECK(field.host == "example.org");
  CHECK(field.port == 0); // the port field's
  field = client::ParseHostField("tls://example.org:443");
  CHECK((field.tls && field.host == "example.org" && field.port == 443));
  field = client::ParseHostField("udp://[::1]:5353");
  CHECK((field.udp && field.host == "::1" && field.port == 5353));
  field = client::ParseHostField("::1");
  CHECK((field.host == "::1" && field.port == 0));
  field = client::ParseHostField("fe80::1:99");
  CHECK((field.host == "fe80::1:99" && field.port == 0)); // a bare IPv6 address
  field = client::ParseHostField("host:99999");
  CHECK(field.error == "the port after ':' must be a number from 1 to 65535, not \"99999\"");
  field = client::ParseHostField("127.0.0.1:abc");
  CHECK(field.error == "the port after ':' must be a number from 1 to 65535, not \"abc\"");
  field = client::ParseHostField("127.0.0.1:");
  CHECK_FALSE(field.error.empty());
  field = client::ParseHostField("127.0.0.1:+80");
  CHECK_FALSE(field.error.empty());
  CHECK(client::ParseHostField("[::1]:7000").error.empty());
  // Looked up in DNS as a whole ("cannot resolve host 'ftp://...'") before.
  CHECK(client::ParseHostField("ftp://127.0.0.1:21").error
        == "unknown scheme 'ftp://': write tls://, udp:// or tcp:// (or none) before the host");
  CHECK(client::ParseHostField("127.0.0.1 7000").error
        == "'127.0.0.1 7000' is not a host name or address: a space cannot be in one");
}

TEST_CASE_METHOD(gui_fixture, "the connect dialog keeps a bad host:port open with the reason, and remembers IPv6 hosts readably") {
  client::ClientOptions opts;
  the_app.Launch(opts);
  REQUIRE(the_app.Frame() != nullptr);
  client::ConnectDialog dialog(the_app.Frame());
  dialog.SetHostText("127.0.0.1:abc");
  CHECK_FALSE(dialog.Validate());
  CHECK(dialog.HostError() == "the port after ':' must be a number from 1 to 65535, not \"abc\"");
  dialog.SetHostText("");
  CHECK_FALSE(dialog.Validate());
  dialog.SetHostText("127.0.0.1:7000");
  CHECK(dialog.Validate());
  CHECK(dialog.HostError().empty());
  CHECK(dialog.Result().host == "127.0.0.1");
  CHECK(dialog.Result().port == 7000);
  // A remembered IPv6 host reads back as the same host and port.
  client::ConnectDialog::Remember("::1", 7001);
  client::ConnectDialog again(the_app.Frame());
  CHECK(again.Result().host == "::1");
  CHECK(again.Result().port == 7001);
}

TEST_CASE_METHOD(gui_fixture, "the inspector lists every actor live and selects a connection in the sidebar") {
  socat_echo echo;
  auto* frame = launch_connected(the_app, echo.port);
  REQUIRE(pump_until([&] { return frame->Connections().OpenCount() == 1; }, 10s));
  auto id = *frame->Connections().OpenConnections().begin();
  auto& inspector = frame->ShowInspector();
  REQUIRE(pump_until([&] { return inspector.Updates() >= 2; }, 10s));
  std::set<std::string> kinds;
  std::size_t connection_row = inspector.Rows().size();
  for (std::size_t i = 0; i < inspector.Rows().size(); ++i) {
    auto& row = inspector.Rows()[i];
    kinds.insert(row.kind);
    if (row.kind == "connection" && row.id == id)
      connection_row = i;
  }
  CHECK(kinds == std::set<std::string>{"client", "connection", "ui_bridge"});
  REQUIRE(connection_row < inspector.Rows().size());
  CHECK(inspector.Rows()[connection_row].state == "connected");
  CHECK(inspector.Rows()[connection_row].credit > 0);
  // Selecting it selects it in the sidebar.
  for (long row = 0; row < frame->Connections().GetItemCount(); ++row)
    frame->Connections().SetItemState(row, 0, wxLIST_STATE_SELECTED);
  REQUIRE(frame->Connections().SelectedConnection() == 0);
  inspector.SelectRow(connection_row);
  CHECK(frame->Connections().SelectedConnection() == id);
  // Rates follow traffic: 2,000 lines echoed show as frames in per second.
  for (int i = 0; i < 2000; ++i)
    frame->Send("line " + std::to_string(i), false);
  auto rate_seen = [&] {
    for (auto& row : inspector.Rows())
      if (row.id == id && row.in_rate > 0)
        return true;
    return false;
  };
  CHECK(pump_until(rate_seen, 10s));
  inspector.SortBy(client::InspectorFrame::column_in);
  CHECK(inspector.Rows().front().in_rate >= inspector.Rows().back().in_rate);
}

TEST_CASE_METHOD(gui_fixture, "the inspector keeps updating under a flood without stalling the window") {
  testing_support::child_process flood{
    {"socat", "TCP-LISTEN:0,bind=127.0.0.1,reuseaddr", "SYSTEM:yes flood-line-of-text"},
    testing_support::stderr_to::pipe};
  auto port = flood.listening_port(10s);
  REQUIRE(port);
  auto* frame = launch_connected(the_app, *port);
  auto& inspector = frame->ShowInspector();
  REQUIRE(pump_until([&] { return inspector.Updates() >= 1; }, 10s));
  // A timer every 5 ms measures the UI loop's longest gap over 4 s.
  auto last = std::chrono::steady_clock::now();
  std::chrono::steady_clock::duration gap{};
  wxTimer timer;
  timer.Bind(wxEVT_TIMER, [&](wxTimerEvent&) {
    auto now = std::chrono::steady_clock::now();
    gap = std::max(gap, now - last);
    last = now;
  });
  auto updates = inspector.Updates();
  last = std::chrono::steady_clock::now();
  timer.Start(5);
  // The client's own loop: pump_until's pauses would be counted as gaps.
  testing_support::run_main_loop_for(4s);
  timer.Stop();
  CHECK(inspector.Updates() >= updates + 3);
  double flood_rate = 0;
  for (auto& row : inspector.Rows())
    if (row.kind == "connection")
      flood_rate = std::max(flood_rate, row.in_rate);
  auto gap_ms = std::chrono::duration_cast<std::chrono::microseconds>(gap).count() / 1000.0;
  WARN("inspector under a flood: " << flood_rate << " frames/s in, longest UI gap " << gap_ms
                                   << " ms");
  CHECK(flood_rate > 0);
  // A stalled loop would show as a gap of seconds; the figure itself (about
  // 9-13 ms here) is reported above, and measured in tests/bench.
  CHECK(gap_ms < 250);
}
