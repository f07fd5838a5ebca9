// The client's workbench features in the real window under Xvfb: the
// toolbar, the traffic generator, the time column, export.

#include <catch2/catch.hpp>

#include <chrono>
#include <sstream>
#include <string>
#include <vector>

#include <wx/frame.h>
#include <wx/listctrl.h>
#include <wx/statusbr.h>
#include <wx/toolbar.h>

#include "actors/ui_event.hpp"
#include "connection_panel.hpp"
#include "generator_dialog.hpp"
#include "main_frame.hpp"
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
  // Under a filter, only what it shows.
  client::TrafficFilter out;
  out.direction = client::TrafficFilter::Direction::out;
  REQUIRE(view->SetFilter(out).empty());
  CHECK(exported(client::ExportFormat::text) == "+0.001500\t1\tout\t5\ta,b\"c\n");
}
