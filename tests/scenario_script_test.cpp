#include "actors/testing/scenario_script.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

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
  // "within 2 s" was read as the text "x within 2 s" and failed at run time.
  for (auto tail : {"within 2 s", "within"}) {
    auto spaced = parse_error(std::string{"server echo\nconnect c1\nexpect c1 frame x "} + tail + "\n");
    CHECK(spaced.line == 3);
    CHECK_THAT(spaced.message, Catch::Contains("`within` takes one duration"));
  }
  CHECK(parse_script("server echo\nconnect c1\nexpect c1 frame \"x within\" within 2s\n"));
  auto late = parse_error("server echo\nbridge high_water=5\n");
  CHECK(late.line == 2);
  CHECK_THAT(late.message, Catch::Contains("must come before"));
  auto quote = parse_error("post \"open\n");
  CHECK(quote.line == 1);
  CHECK_THAT(quote.message, Catch::Contains("unterminated"));
}

TEST_CASE("a forgotten payload and a script without steps are parse errors, not passes") {
  // `send c1` sent an empty frame, `expect c1 frame` waited for one; ""
  // says so on purpose.
  auto send = parse_error("server echo\nconnect c1\nsend c1\n");
  CHECK(send.line == 3);
  CHECK_THAT(send.message, Catch::Contains("send c1 needs a payload"));
  for (auto step : {"expect c1 frame", "await c1 frame", "expect c1 frame as x"}) {
    auto expect = parse_error(std::string{"mode real\nserver at 127.0.0.1:7\nconnect c1\n"} + step + "\n");
    CHECK(expect.line == 4);
    CHECK_THAT(expect.message, Catch::Contains("frame needs its text"));
  }
  CHECK(parse_script("server echo\nconnect c1\nsend c1 \"\"\nexpect c1 frame \"\"\n"));
  for (auto empty : {"", "\n\n", "# only a comment\n  # and another\n"}) {
    auto nothing = parse_error(empty);
    CHECK(nothing.line == 0);
    CHECK_THAT(nothing.message, Catch::Contains("no steps"));
  }
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

TEST_CASE("server run keeps its command and port-from sets its pattern and the address becomes variables") {
  auto s = parse_ok("port-from \"port ([0-9]+)\"\n"
                    "server run ./my_server --port 0 \"two words\" within 5s\n"
                    "connect c1\n"
                    "send c1 \"${server_host}:${server_port}\"\n");
  REQUIRE(s.steps.size() == 4);
  auto& run = s.steps[1];
  CHECK(run.kind == step_kind::run_server);
  CHECK(run.words == std::vector<std::string>{"./my_server", "--port", "0", "two words"});
  CHECK(run.text == "port ([0-9]+)");
  CHECK(run.timeout == 5s);
  CHECK(s.steps[3].text == "${server_host}:${server_port}");
  auto at = parse_ok("server at 127.0.0.1:7000\n").steps[0];
  CHECK(at.kind == step_kind::use_server);
  CHECK(at.text == "127.0.0.1:7000");
  CHECK_THAT(parse_error("server at nowhere\n").message, Catch::Contains("HOST:PORT"));
  CHECK_THAT(parse_error("server run\n").message, Catch::Contains("needs a command"));
  CHECK_THAT(parse_error("port-from \"no group\"\n").message,
             Catch::Contains("capture group"));
  CHECK_THAT(parse_error("server echo\nserver sink\n").message,
             Catch::Contains("one server"));
  auto ui = parse_error("server at 127.0.0.1:7000\nexpect ui frames 1\n");
  CHECK(ui.line == 2);
  CHECK_THAT(ui.message, Catch::Contains("built-in servers"));
}

TEST_CASE("connect takes TLS and framing options and CA files are relative to the script") {
  auto s = parse_script("server echo\n"
                        "connect a tls ca certs/ca.pem framing length16\n"
                        "connect b tls insecure\n"
                        "connect c framing raw\n",
                        "/scripts");
  REQUIRE(s);
  auto& a = s.value.steps[1].connection;
  CHECK(a.tls);
  CHECK(a.ca_file == "/scripts/certs/ca.pem");
  REQUIRE(a.framing);
  CHECK(a.framing->kind == framing_kind::length16);
  CHECK(s.value.steps[2].connection.insecure);
  CHECK(s.value.steps[3].connection.framing->kind == framing_kind::raw);
  CHECK_FALSE(s.value.steps[3].connection.tls);
  CHECK_THAT(parse_error("server echo\nconnect a framing morse\n").message,
             Catch::Contains("framing must be"));
  CHECK_THAT(parse_error("server echo\nconnect a quickly\n").message,
             Catch::Contains("not \"quickly\""));
}

TEST_CASE("send takes text, hex bytes or a fill size") {
  auto s = parse_ok("server echo\nconnect a\n"
                    "send a hex 68 69 000a\n"
                    "send a fill 5 ab\n"
                    "send a fill 3\n");
  CHECK(s.steps[2].text == std::string{"hi\0\n", 4});
  CHECK(s.steps[2].literal);
  CHECK(s.steps[3].number == 5);
  CHECK(s.steps[3].text == "ab");
  CHECK(s.steps[4].text == "x");
  CHECK_THAT(parse_error("server echo\nconnect a\nsend a hex 6\n").message,
             Catch::Contains("whole bytes"));
  CHECK_THAT(parse_error("server echo\nconnect a\nsend a hex zz\n").message,
             Catch::Contains("not a hex byte"));
  CHECK_THAT(parse_error("server echo\nconnect a\nsend a fill 0\n").message,
             Catch::Contains("fill needs a size"));
}

TEST_CASE("a payload the peer's framing cannot carry is refused before anything runs") {
  // A line with a newline inside would be two lines; it failed only when sent.
  auto inside = parse_error("server echo\nconnect a\nsend a \"one\\ntwo\"\n");
  CHECK(inside.line == 3);
  CHECK_THAT(inside.message, Catch::Contains("send a: a line payload must not contain the "
                                             "delimiter except as its last byte"));
  CHECK(parse_error("server echo\nconnect a\nsend a hex 61 0a 62\n").line == 3);
  CHECK(parse_error("server echo\nconnect a\nsend a fill 10 \"ab\\n\"\n").line == 3);
  // The line's own end, other framings, UDP and sizes over the app's limit
  // (a peer may send more than an app takes, to test it) all pass.
  parse_ok("server echo\nconnect a\nsend a \"one\\n\"\nsend a fill 3 \"ab\\n\"\n"
           "send a fill 16777216\n"
           "connect b framing length16\nsend b \"one\\ntwo\"\n"
           "udp u\nsend u \"one\\ntwo\"\n");
  // Known only when it runs.
  parse_ok("server echo\nconnect a\nexpect a frame ~ \"(.*)\" as v\nsend a ${v}\n");
}

TEST_CASE("a real peer needs a server to connect to, in connect as in udp") {
  auto err = parse_error("connect a\n");
  CHECK(err.line == 1);
  CHECK_THAT(err.message, Catch::Contains("connect a needs a server step before it"));
  parse_ok("mode deterministic\nconnect a\n"); // the simulated app takes it
}

TEST_CASE("frame expectations take text or a regex, and `as VAR` defines a variable") {
  auto s = parse_ok("server echo\nconnect a\n"
                    "expect a frame ~ \"^id=(\\d+)$\" as id within 1s\n"
                    "await a frame ~ ^done$\n"
                    "await a frame id ${id}\n"
                    "expect a frames 3\n"
                    "expect a silent 200ms\n"
                    "expect a finished within 1s\n");
  auto& regex = s.steps[2];
  CHECK(regex.kind == step_kind::expect_frame);
  CHECK(regex.regex);
  CHECK(regex.text == "^id=(\\d+)$");
  CHECK(regex.variable == "id");
  CHECK(regex.timeout == 1s);
  CHECK(s.steps[3].kind == step_kind::await_frame);
  CHECK(s.steps[3].regex);
  CHECK(s.steps[4].text == "id ${id}");
  CHECK_FALSE(s.steps[4].regex);
  CHECK(s.steps[5].kind == step_kind::expect_frames);
  CHECK(s.steps[5].number == 3);
  CHECK(s.steps[6].duration == 200ms);
  CHECK(s.steps[7].kind == step_kind::expect_finished);
  auto bad = parse_error("server echo\nconnect a\nexpect a frame ~ \"(\"\n");
  CHECK(bad.line == 3);
  CHECK_THAT(bad.message, Catch::Contains("bad regular expression"));
  auto var = parse_error("server echo\nconnect a\nsend a ${nobody_set_this}\n");
  CHECK(var.line == 3);
  CHECK_THAT(var.message, Catch::Contains("no variable nobody_set_this"));
  CHECK_THAT(parse_error("server echo\nconnect a\nexpect a frame x as 9x\n").message,
             Catch::Contains("bad variable name"));
  CHECK_THAT(parse_error("server echo\nconnect a\nexpect a silent 1s within 2s\n").message,
             Catch::Contains("not `within`"));
}

TEST_CASE("environment variables fill ${NAME} and $${ is a literal") {
  ::setenv("ACTORS_SCRIPT_TEST_VALUE", "from-env", 1);
  auto s = parse_ok("server echo\nconnect a\nsend a ${ACTORS_SCRIPT_TEST_VALUE}\n");
  CHECK(substitute_variables(s.steps[2].text, {}) == "from-env");
  std::string unknown;
  CHECK(substitute_variables("$${x} ${y} ${z}", {{"y", "1"}}, &unknown) == "${x} 1 ${z}");
  CHECK(unknown == "z");
}

TEST_CASE("repeat blocks expand and unordered blocks group frame expectations") {
  auto s = parse_ok("server echo\nconnect a\n"
                    "repeat 3\n"
                    "  send a x\n"
                    "  repeat 2\n"
                    "    expect a frame x\n"
                    "  end\n"
                    "end\n"
                    "unordered within 1s\n"
                    "  expect a frame p\n"
                    "  expect a frame ~ q\n"
                    "end\n");
  // server, connect, 3 x (send + 2 expects), the unordered block.
  REQUIRE(s.steps.size() == 2 + 9 + 1);
  CHECK(s.steps[2].line == 4);
  CHECK(s.steps[3].line == 6);
  CHECK(s.steps[5].line == 4);
  auto& block = s.steps.back();
  CHECK(block.kind == step_kind::expect_unordered);
  CHECK(block.timeout == 1s);
  REQUIRE(block.group.size() == 2);
  CHECK(block.group[1].regex);
  CHECK_THAT(parse_error("server echo\nconnect a\nunordered\nsend a x\nend\n").message,
             Catch::Contains("only `expect NAME frame"));
  auto open = parse_error("server echo\nrepeat 2\nwait 1ms\n");
  CHECK(open.line == 2);
  CHECK_THAT(open.message, Catch::Contains("no `end`"));
  CHECK_THAT(parse_error("end\n").message, Catch::Contains("without"));
  CHECK_THAT(parse_error("server echo\nrepeat 2\nconnect a\nend\n").message,
             Catch::Contains("again"));
  CHECK_THAT(parse_error("repeat 1000000\nwait 1ms\nend\n").message,
             Catch::Contains("more than 100000 steps"));
  // Each copy knows the passes that made it, innermost first.
  auto origins = [](const script_step& step) {
    std::vector<std::uint64_t> passes;
    for (auto& origin : step.origins)
      passes.insert(passes.end(), {origin.line, origin.pass, origin.passes});
    return passes;
  };
  CHECK(origins(s.steps[2]) == std::vector<std::uint64_t>{3, 1, 3});
  CHECK(origins(s.steps[3]) == std::vector<std::uint64_t>{5, 1, 2, 3, 1, 3});
  CHECK(origins(s.steps[10]) == std::vector<std::uint64_t>{5, 2, 2, 3, 3, 3});
  CHECK(origins(s.steps[1]).empty());
  CHECK(with_origin_notes("boom", s.steps[10].origins, "t.scn")
        == "boom\nt.scn:5: note: in pass 2 of 2 of this repeat\n"
           "t.scn:3: note: in pass 3 of 3 of this repeat");
  CHECK_THAT(parse_error("repeat 18446744073709551615\nrepeat 18446744073709551615\n"
                         "wait 1ms\nend\nend\n")
               .message,
             Catch::Contains("more than 100000 steps"));
}

TEST_CASE("include reads a file relative to the script and its errors name it") {
  auto dir = std::filesystem::temp_directory_path()
             / ("actors_include_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "common");
  std::ofstream{dir / "common" / "setup.scn"} << "server echo\nconnect a\n";
  std::ofstream{dir / "common" / "broken.scn"} << "\n\nfrobnicate\n";
  std::ofstream{dir / "loop.scn"} << "include loop.scn\n";
  auto s = parse_script("include common/setup.scn\nsend a hi\n", dir.string());
  REQUIRE(s);
  REQUIRE(s.value.steps.size() == 3);
  CHECK(s.value.steps[0].file == (dir / "common" / "setup.scn").string());
  CHECK(s.value.steps[2].file.empty());
  CHECK(s.value.steps[2].line == 2);
  auto broken = parse_script("include common/broken.scn\n", dir.string());
  REQUIRE_FALSE(broken);
  CHECK(broken.error->file == (dir / "common" / "broken.scn").string());
  CHECK(broken.error->line == 3);
  CHECK(broken.error->origins.size() == 1);
  CHECK(broken.error->origins[0].line == 1);
  CHECK(s.value.steps[0].origins.size() == 1);
  CHECK(s.value.steps[0].origins[0].file.empty());
  CHECK(s.value.steps[0].origins[0].passes == 0);
  CHECK(s.value.steps[2].origins.empty());
  // An include inside a repeat, and a repeat inside an include: innermost first.
  std::ofstream{dir / "common" / "twice.scn"} << "repeat 2\nsend a x\nend\n";
  auto nested = parse_script("include common/setup.scn\nrepeat 3\ninclude common/twice.scn\n"
                             "end\n",
                             dir.string());
  REQUIRE(nested);
  REQUIRE(nested.value.steps.size() == 2 + 6);
  auto& last = nested.value.steps.back().origins;
  REQUIRE(last.size() == 3);
  CHECK(last[0].file == (dir / "common" / "twice.scn").string());
  CHECK(last[0].pass == 2);
  CHECK(last[1].line == 3);
  CHECK(last[1].passes == 0);
  CHECK(last[2].line == 2);
  CHECK(last[2].pass == 3);
  auto loop = parse_script("include loop.scn\n", dir.string());
  REQUIRE_FALSE(loop);
  CHECK(loop.error->file == (dir / "loop.scn").string());
  CHECK_THAT(loop.error->message, Catch::Contains("again, inside itself: the includes form a loop"));
  auto missing = parse_script("include nope.scn\n", dir.string());
  REQUIRE_FALSE(missing);
  CHECK(missing.error->line == 1);
  CHECK_THAT(missing.error->message, Catch::Contains("cannot read"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("steps that read from peers are refused in deterministic scripts") {
  for (auto step : {"expect a frames 1", "expect a silent 1s", "expect a finished",
                    "await a frame x", "finish a", "expect a frame ~ x"}) {
    INFO(step);
    auto err = parse_error(std::string{"mode deterministic\nconnect a\n"} + step + "\n");
    CHECK(err.line == 3);
    CHECK_THAT(err.message, Catch::Contains("needs mode real"));
  }
}

TEST_CASE("parse options name peers that exist already and may skip the variable check") {
  script_parse_options options;
  options.peers = {"c3", "c7"};
  auto s = parse_script("send c3 hello\nexpect c7 frame ~ ^ok\n", options);
  INFO((s.error ? s.error->message : std::string{}));
  REQUIRE(s);
  CHECK(s.value.steps.size() == 2);
  CHECK_THAT(parse_error("send c3 hello\n").message, Catch::Contains("no peer named c3"));
  script_parse_options listing;
  listing.check_variables = false;
  auto listed = parse_script("server run ${SOME_SERVER_NOBODY_SET} --port 0\n", listing);
  REQUIRE(listed);
  CHECK(listed.value.steps[0].words[0] == "${SOME_SERVER_NOBODY_SET}");
}
