#include "actors/testing/scenario_script.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>

using namespace actors;
using namespace actors::testing;
using namespace std::chrono_literals;

namespace {

script parse_ok(const std::string& text) {
  auto result = parse_script(text);
  INFO((result.error ? result.error->message : std::string{}));
  REQUIRE(result);
  return result.value;
}

script_error parse_error(const std::string& text) {
  auto result = parse_script(text);
  REQUIRE_FALSE(result);
  return *result.error;
}

} // namespace

TEST_CASE("steps keep their line numbers, and blank lines and comments are skipped") {
  auto s = parse_ok("# a comment\n"
                    "\n"
                    "mode real\n"
                    "server echo   # trailing comment\n"
                    "connect c1\n"
                    "send c1 hello world\n"
                    "expect c1 frame hello world within 250ms\n");
  REQUIRE(s.steps.size() == 5);
  CHECK(s.steps[0].line == 3);
  CHECK(s.steps[1].line == 4);
  CHECK(s.steps[1].source == "server echo");
  CHECK(s.steps[3].kind == step_kind::send);
  CHECK(s.steps[3].text == "hello world");
  CHECK(s.steps[4].kind == step_kind::expect_frame);
  CHECK(s.steps[4].text == "hello world");
  CHECK(s.steps[4].timeout == 250ms);
}

TEST_CASE("quoted text keeps blanks, '#' and escapes") {
  auto s = parse_ok("server sink\nconnect c1\nsend c1 \"a  #b \\\"c\\\"\"\n");
  CHECK(s.steps[2].text == "a  #b \"c\"");
}

TEST_CASE("setup lines configure the scenario") {
  auto s = parse_ok("mode deterministic\n"
                    "timeout 3s\n"
                    "credit 16\n"
                    "bridge high_water=50 policy=drop max_batch=5 high_water_bytes=4096\n"
                    "connect c1\n");
  CHECK(s.options.mode == scenario_mode::deterministic);
  CHECK(s.options.default_timeout == 3s);
  CHECK(s.options.connection.read_credit == 16);
  CHECK(s.options.bridge.high_water == 50);
  CHECK(s.options.bridge.policy == overflow_policy::drop);
  CHECK(s.options.bridge.max_batch == 5);
  CHECK(s.options.bridge.high_water_bytes == 4096);
}

TEST_CASE("UI expectations name an event kind or a counter") {
  auto s = parse_ok("mode deterministic\n"
                    "expect ui event disconnected peer_reset within 1s\n"
                    "expect ui dropped 91\n"
                    "expect ui event connected\n"
                    "expect ui frames >= 3\n");
  CHECK(s.steps[1].kind == step_kind::expect_ui_event);
  CHECK(s.steps[1].event == ui_event_kind::disconnected);
  CHECK(s.steps[1].text == "peer_reset");
  CHECK(s.steps[2].kind == step_kind::expect_ui_count);
  CHECK(s.steps[2].counter == ui_counter::dropped);
  CHECK(s.steps[2].number == 91);
  CHECK(s.steps[3].text.empty());
  CHECK_FALSE(s.steps[3].timeout);
  CHECK_FALSE(s.steps[2].at_least);
  CHECK(s.steps[4].at_least);
  CHECK(s.steps[4].number == 3);
}

TEST_CASE("parse errors name the line and say what is wrong") {
  auto unknown = parse_error("mode real\nserver echo\nsned c1 x\n");
  CHECK(unknown.line == 3);
  CHECK_THAT(unknown.message, Catch::Contains("unknown step \"sned\""));
  auto peer = parse_error("server echo\nconnect c1\nsend c2 x\n");
  CHECK(peer.line == 3);
  CHECK_THAT(peer.message, Catch::Contains("no peer named c2"));
  auto duration = parse_error("server echo\nconnect c1\nexpect c1 frame x within soon\n");
  CHECK(duration.line == 3);
  CHECK_THAT(duration.message, Catch::Contains("bad duration \"soon\""));
  auto late = parse_error("server echo\nbridge high_water=5\n");
  CHECK(late.line == 2);
  CHECK_THAT(late.message, Catch::Contains("must come before"));
  auto quote = parse_error("post \"open\n");
  CHECK(quote.line == 1);
  CHECK_THAT(quote.message, Catch::Contains("unterminated"));
}

TEST_CASE("steps that need sockets are refused in deterministic scripts") {
  auto err = parse_error("mode deterministic\nserver echo\n");
  CHECK(err.line == 2);
  CHECK_THAT(err.message, Catch::Contains("needs mode real"));
}

TEST_CASE("durations are milliseconds or seconds") {
  CHECK(parse_duration("250ms") == 250ms);
  CHECK(parse_duration("2s") == 2000ms);
  CHECK_FALSE(parse_duration("2"));
  CHECK_FALSE(parse_duration("ms"));
  CHECK_FALSE(parse_duration("-1s"));
}
