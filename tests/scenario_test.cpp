#include "actors/testing/scenario.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <sstream>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

#include "actors/connection_protocol.hpp"
#include "actors/testing/script_runner.hpp"

using namespace actors;
using namespace actors::testing;
using namespace std::chrono_literals;

namespace {

scenario_options deterministic_options() {
  scenario_options opts;
  opts.mode = scenario_mode::deterministic;
  return opts;
}

// An app session for the user-defined server test: answers "ping" with
// "pong" and tells the UI about every ping.
caf::behavior ping_session(caf::event_based_actor* self, caf::actor connection,
                           caf::actor bridge) {
  return {
    [=](frame_received& frame) {
      if (frame.payload == "ping") {
        self->send(connection, send_atom::value, std::string{"pong"});
        self->send(bridge, make_message_event("ping from " + std::to_string(frame.id)));
      }
      self->send(connection, credit_atom::value, std::uint32_t{1});
    },
    [=](const connected&) {},
    [=](const connection_error&) {},
    [=](const disconnected&) { self->quit(); },
  };
}

} // namespace

TEST_CASE("a real echo scenario sees frames at the peer and in the UI") {
  scenario s;
  REQUIRE(s.start_server(server_kind::echo));
  REQUIRE(s.connect("c1"));
  REQUIRE(s.connect("c2"));
  REQUIRE(s.send("c1", "hello"));
  REQUIRE(s.send("c2", "world"));
  CHECK(s.expect_frame("c1", "hello", 2s));
  CHECK(s.expect_frame("c2", "world", 2s));
  CHECK(s.expect_ui_count(ui_counter::connected, 2, 2s));
  CHECK(s.expect_ui_count(ui_counter::frames, 2, 2s));
  REQUIRE(s.close("c1"));
  CHECK(s.expect_ui_event(ui_event_kind::disconnected, "peer_closed", 2s));
}

TEST_CASE("a peer reset reaches the UI as peer_reset") {
  scenario s;
  REQUIRE(s.start_server(server_kind::sink));
  REQUIRE(s.connect("c1"));
  CHECK(s.expect_ui_event(ui_event_kind::connected, "", 2s));
  REQUIRE(s.reset("c1"));
  CHECK(s.expect_ui_event(ui_event_kind::error, "peer_reset", 2s));
  CHECK(s.expect_ui_event(ui_event_kind::disconnected, "peer_reset", 2s));
}

TEST_CASE("a user-defined app runs under a real scenario") {
  scenario s;
  REQUIRE(s.start_server([&s](const caf::actor& connection, const caf::actor& bridge) {
    return s.system().spawn(ping_session, connection, bridge);
  }));
  REQUIRE(s.connect("c1"));
  REQUIRE(s.send("c1", "ping"));
  CHECK(s.expect_frame("c1", "pong", 2s));
  CHECK(s.expect_ui_count(ui_counter::messages, 1, 2s));
}

TEST_CASE("a stalled UI holds a simulated peer back, and resuming lets it through") {
  auto opts = deterministic_options();
  opts.bridge.high_water = 16;
  opts.connection.read_credit = 16;
  scenario s{opts};
  REQUIRE(s.connect("c1"));
  REQUIRE(s.stall_sink());
  REQUIRE(s.flood("c1", 100));
  CHECK(s.expect_blocked("c1"));
  auto stats = s.bridge_stats();
  CHECK(stats.throttled_connections == 1);
  CHECK(stats.events_dropped == 0);
  REQUIRE(s.resume_sink());
  CHECK(s.expect_ui_count(ui_counter::frames, 100, 1s));
  CHECK(s.expect_ui_count(ui_counter::overlaps, 0, 1s));
  CHECK(s.expect_ui_event(ui_event_kind::frame, "c1:0", 1s));
  CHECK(s.expect_ui_event(ui_event_kind::frame, "c1:1", 1s));
  CHECK_FALSE(s.expect_blocked("c1"));
}

TEST_CASE("a slow UI in deterministic mode acknowledges on the simulated clock") {
  scenario s{deterministic_options()};
  REQUIRE(s.slow_sink(50ms));
  REQUIRE(s.post("one"));
  REQUIRE(s.post("two"));
  // "two" waits for the first batch's acknowledgement, 50 ms away.
  CHECK(s.expect_ui_count(ui_counter::messages, 1, 10ms));
  CHECK_FALSE(s.expect_ui_count(ui_counter::messages, 2, 10ms));
  CHECK(s.expect_ui_count(ui_counter::messages, 2, 100ms));
}

TEST_CASE("a failed expectation says what was expected and what happened") {
  scenario s{deterministic_options()};
  REQUIRE(s.post("hello"));
  auto wrong = s.expect_ui_event(ui_event_kind::message, "goodbye", 100ms);
  REQUIRE_FALSE(wrong);
  CHECK_THAT(wrong.message(), Catch::Contains("\"hello\"") && Catch::Contains("\"goodbye\""));
  auto missing = s.expect_ui_count(ui_counter::frames, 1, 100ms);
  REQUIRE_FALSE(missing);
  CHECK_THAT(missing.message(), Catch::Contains("expected 1, got 0"));
}

TEST_CASE("steps that need sockets fail clearly in deterministic mode") {
  scenario s{deterministic_options()};
  auto result = s.start_server(server_kind::echo);
  REQUIRE_FALSE(result);
  CHECK_THAT(result.message(), Catch::Contains("needs mode real"));
  CHECK_FALSE(s.send("nobody", "x"));
}

TEST_CASE("a script with a wrong expectation fails with the right line number") {
  std::ostringstream log;
  auto report = run_script("mode deterministic\n"
                           "connect c1\n"
                           "# the peer sends one frame\n"
                           "send c1 hello\n"
                           "expect ui event frame goodbye within 1s\n"
                           "expect ui frames 1\n",
                           "wrong.scn", log);
  CHECK_FALSE(report.passed);
  CHECK(report.failed_line == 5);
  CHECK_THAT(log.str(), Catch::Contains("wrong.scn:4: send c1 hello"));
  CHECK_THAT(log.str(), Catch::Contains("wrong.scn:5: error:")
                          && Catch::Contains("expected \"goodbye\""));
  CHECK_THAT(log.str(), !Catch::Contains("wrong.scn:6"));
}

TEST_CASE("a passing real script reports success") {
  std::ostringstream log;
  auto report = run_script("server echo\n"
                           "connect c1\n"
                           "send c1 \"two  spaces\"\n"
                           "expect c1 frame \"two  spaces\" within 2s\n",
                           "echo.scn", log);
  INFO(log.str());
  CHECK(report.passed);
  CHECK(report.failed_line == 0);
}
