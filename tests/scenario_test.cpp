#include "actors/testing/scenario.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <set>
#include <sstream>
#include <string>
#include <vector>

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
caf::behavior ping_session(caf::event_based_actor* self, connection_actor connection,
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
    // Everything before the FIN was answered already.
    [=](const peer_finished&) { self->send(connection, close_atom_v); },
    [=](const disconnected&) { self->quit(); },
  };
}

// The one step of `line`, parsed as a script of its own.
script_step parse_step(const std::string& line) {
  auto parsed = parse_script(line);
  INFO(line << ": " << (parsed.error ? parsed.error->message : std::string{}));
  REQUIRE(parsed);
  REQUIRE(parsed.value.steps.size() == 1);
  return parsed.value.steps.front();
}

// An event of `kind` with every field set, so each kind has a text to show.
ui_event event_of(ui_event_kind kind, const std::string& text) {
  ui_event event;
  event.kind = kind;
  event.payload = text;
  event.address = text;
  event.message = text;
  event.error = error_kind::peer_reset;
  event.listener = 2;
  event.attempt = 3;
  event.dropped = 3;
  return event;
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
  REQUIRE(s.start_server([&s](const connection_actor& connection, const caf::actor& bridge) {
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

TEST_CASE("every UI event kind parses and runs as an expectation, and a wrong text fails it") {
  scenario s{deterministic_options()};
  for (std::size_t i = 0; i < ui_event_kind_count; ++i) {
    auto kind = static_cast<ui_event_kind>(i);
    std::string name = to_string(kind);
    INFO("kind " << name);
    caf::anon_send(s.bridge(), event_of(kind, "first " + name));
    caf::anon_send(s.bridge(), event_of(kind, "second " + name));
    auto any = parse_step("expect ui event " + name + " within 1s");
    REQUIRE(any.event == kind);
    CHECK(run_step(s, any));
    auto wrong = run_step(s, parse_step("expect ui event " + name
                                        + " \"no such text\" within 1s"));
    REQUIRE_FALSE(wrong);
    CHECK_THAT(wrong.message(), Catch::Contains("`" + name + "` event")
                                  && Catch::Contains("expected \"no such text\""));
  }
}

TEST_CASE("every UI counter parses and runs as an expectation of its exact value") {
  scenario s{deterministic_options()};
  for (std::size_t i = 0; i < ui_event_kind_count; ++i)
    caf::anon_send(s.bridge(), event_of(static_cast<ui_event_kind>(i), "x"));
  REQUIRE(s.expect_ui_at_least(ui_counter::events, ui_event_kind_count, 1s));
  auto record = s.ui_snapshot();
  for (std::size_t i = 0; i < ui_counter_count; ++i) {
    auto counter = static_cast<ui_counter>(i);
    auto value = std::to_string(record.get(counter));
    std::string name = to_string(counter);
    INFO("counter " << name << " = " << value);
    auto exact = parse_step("expect ui " + name + " " + value + " within 1s");
    REQUIRE(exact.counter == counter);
    CHECK(run_step(s, exact));
    CHECK(run_step(s, parse_step("expect ui " + name + " >= " + value)));
    CHECK_FALSE(run_step(s, parse_step("expect ui " + name + " >= "
                                       + std::to_string(record.get(counter) + 1)
                                       + " within 10ms")));
  }
}

TEST_CASE("each UI event kind but dropped is counted by a counter of its own") {
  scenario s{deterministic_options()};
  std::set<std::size_t> own_counters;
  for (std::size_t i = 0; i < ui_event_kind_count; ++i) {
    auto kind = static_cast<ui_event_kind>(i);
    if (kind == ui_event_kind::dropped)
      continue;
    INFO("kind " << to_string(kind));
    auto before = s.ui_snapshot();
    caf::anon_send(s.bridge(), event_of(kind, "x"));
    REQUIRE(s.expect_ui_at_least(ui_counter::events,
                                 before.get(ui_counter::events) + 1, 1s));
    auto after = s.ui_snapshot();
    std::vector<std::size_t> grown;
    for (std::size_t j = 0; j < ui_counter_count; ++j) {
      auto counter = static_cast<ui_counter>(j);
      bool general = counter == ui_counter::events || counter == ui_counter::batches
                     || counter == ui_counter::largest_batch;
      if (!general && after.get(counter) != before.get(counter))
        grown.push_back(j);
    }
    REQUIRE(grown.size() == 1);
    CHECK(own_counters.insert(grown.front()).second);
  }
}

TEST_CASE("peers reach a server that runs elsewhere (use_server), and check it with patterns") {
  scenario app; // runs the server, as another program would
  REQUIRE(app.start_server(server_kind::echo));
  auto address = app.server_address();
  REQUIRE(address);
  scenario s;
  REQUIRE(s.use_server(address->first, address->second));
  REQUIRE(s.connect("a"));
  REQUIRE(s.send("a", "id=42"));
  std::string id;
  CHECK(s.expect_frame("a", frame_pattern{"^id=([0-9]+)$", true}, 2s, &id));
  CHECK(id == "42");
  REQUIRE(s.send("a", "one"));
  REQUIRE(s.send("a", "two"));
  CHECK(s.await_frame("a", frame_pattern{"two", false}, 2s));
  REQUIRE(s.send("a", "three"));
  auto skipped = s.await_frame("a", frame_pattern{"four", false}, 300ms);
  CHECK(skipped.message()
        == "a received 1 other frame (\"three\") within 300 ms, expected frame \"four\"");
  auto nothing = s.await_frame("a", frame_pattern{"five", false}, 100ms);
  CHECK(nothing.message() == "a received nothing within 100 ms, expected frame \"five\"");
  REQUIRE(s.send("a", "x"));
  REQUIRE(s.send("a", "y"));
  CHECK(s.expect_frames("a", 2, 2s));
  CHECK(s.expect_silent("a", 100ms));
  REQUIRE(s.finish("a"));
  CHECK(s.expect_finished("a", 2s));
  CHECK_THAT(s.send("a", "late").message(), Catch::Contains("closed for sending"));
}

TEST_CASE("expect_unordered takes frames in any order and names a stray one") {
  scenario s;
  REQUIRE(s.start_server(server_kind::echo));
  REQUIRE(s.connect("a"));
  REQUIRE(s.connect("b"));
  REQUIRE(s.send("a", "1"));
  REQUIRE(s.send("a", "2"));
  REQUIRE(s.send("b", "3"));
  CHECK(s.expect_unordered({{"b", {"3", false}},
                            {"a", {"2", false}},
                            {"a", {"[0-9]", true}}},
                           2s));
  REQUIRE(s.send("b", "4"));
  auto stray = s.expect_unordered({{"b", {"5", false}}}, 1s);
  CHECK_THAT(stray.message(), Catch::Contains("b received frame \"4\", which is none of"));
}

TEST_CASE("run_server says why an app did not start, with the end of its stderr") {
  scenario s;
  auto failed = s.run_server({"sh", "-c", "echo starting; echo config missing >&2; exit 4"},
                             "", 5s);
  REQUIRE_FALSE(failed);
  CHECK_THAT(failed.message(), Catch::Contains("exited with status 4"));
  CHECK_THAT(failed.message(), Catch::Contains("config missing"));
  CHECK_THAT(failed.message(), Catch::Contains("\"starting\""));
  scenario t;
  auto missing = t.run_server({"/nonexistent/app"}, "", 1s);
  CHECK_THAT(missing.message(), Catch::Contains("cannot start /nonexistent/app: No such file"));
  // A bare name is looked up on PATH, and a directory is no program: said so.
  scenario u;
  auto not_on_path = u.run_server({"no-such-app-on-path"}, "", 1s);
  CHECK_THAT(not_on_path.message(),
             Catch::Contains("cannot start no-such-app-on-path: not found on PATH (give a path"));
  scenario v;
  auto directory = v.run_server({"/tmp"}, "", 1s);
  CHECK_THAT(directory.message(), Catch::Contains("cannot start /tmp: a directory, not a program"));
}

TEST_CASE("run_server reads past a usage text that looks like its address line") {
  // A server given a bad option prints its usage, which may describe the
  // address line itself, and exits: the reason is its exit and its stderr.
  scenario s;
  auto failed = s.run_server({"sh", "-c",
                              "echo 'error: unknown option --prot' >&2; "
                              "echo 'Prints \"listening on ADDR:PORT\" first' >&2; exit 2"},
                             "", 5s);
  REQUIRE_FALSE(failed);
  CHECK_THAT(failed.message(), Catch::Contains("exited with status 2"));
  CHECK_THAT(failed.message(), Catch::Contains("unknown option --prot"));
  CHECK_THAT(failed.message(), Catch::Contains("\"ADDR:PORT\"\" is not HOST:PORT"));
  // One that says the real address after such a line is found.
  scenario t;
  REQUIRE(t.run_server({"sh", "-c",
                        "echo 'usage: prints listening on ADDR:PORT'; "
                        "echo 'listening on 127.0.0.1:9'; sleep 5"},
                       "", 5s));
  auto address = t.server_address();
  REQUIRE(address);
  CHECK(address->second == 9);
}

TEST_CASE("run_server finds the port with port-from, and a bad exit at SIGTERM fails stop_server") {
  scenario s;
  REQUIRE(s.run_server({"sh", "-c",
                        "trap 'echo leak report >&2; exit 3' TERM; echo ready, port 9; "
                        "while :; do sleep 0.05; done"},
                       "port ([0-9]+)", 5s));
  auto address = s.server_address();
  REQUIRE(address);
  CHECK(address->first == "127.0.0.1");
  CHECK(address->second == 9);
  auto stopped = s.stop_server();
  REQUIRE_FALSE(stopped);
  CHECK_THAT(stopped.message(), Catch::Contains("exited with status 3"));
  CHECK_THAT(stopped.message(), Catch::Contains("leak report"));
}
