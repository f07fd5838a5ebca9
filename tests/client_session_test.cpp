// The client's session recording (File > Record session, --record) and the
// relay's bound on delayed replies: the script writer on its own, the relay
// headless, and the real client under Xvfb against socat, replayed by the
// real actors-scenario.

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <unistd.h>

#include <caf/actor_system.hpp>
#include <caf/delegated.hpp>
#include <caf/message_view.hpp>
#include <caf/others.hpp>
#include <caf/result.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "actors/connection_protocol.hpp"
#include "actors/system_config.hpp"
#include "actors/testing/scenario_script.hpp"
#include "actors/ui_event.hpp"
#include "connection_relay.hpp"
#include "reply_rules.hpp"
#include "sequence_runner.hpp"
#include "session_recorder.hpp"
#include "session_script.hpp"
#include "support/child_process.hpp"
#include "support/raw_socket.hpp"
#include "workbench.hpp"

using namespace std::chrono_literals;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, {}};
}

} // namespace

TEST_CASE("a recorded session is a script that parses back to the same bytes") {
  std::ostringstream out;
  client::SessionScript script{out, "in a test"};
  // Any byte but a newline inside: c3 speaks lines.
  std::string binary{"a\0\"b\\\t\xff", 7};
  script.Connected(3, "127.0.0.1:7000", false, false);
  script.Sent(3, "hello");
  script.Received(3, "hello");
  script.Sent(3, binary);
  script.Received(3, binary);
  script.Connected(4, "127.0.0.1:7000", true, false);  // accepted: a comment
  script.Connected(5, "10.0.0.1:80", false, false);     // another server: a comment
  script.Sent(5, "ignored");
  script.Connected(6, "127.0.0.1:7000", false, true);
  script.PeerFinished(6);
  script.Disconnected(6, actors::error_kind::peer_closed);
  script.Closed(3);
  // A length-prefixed peer may carry newlines; the replay must frame so.
  std::string lines{"one\ntwo"};
  script.Connected(7, "127.0.0.1:7000", false, false, "length16");
  script.Sent(7, lines);
  script.Finish();
  auto text = out.str();
  INFO(text);
  CHECK(text.find("server at 127.0.0.1:7000\nconnect c3\nsend c3 \"hello\"\n"
                  "expect c3 frame \"hello\"\n")
        != std::string::npos);
  CHECK(text.find("connect c6 tls insecure\nexpect c6 finished\nexpect c6 closed\n")
        != std::string::npos);
  CHECK(text.find("ignored") == std::string::npos);
  CHECK(text.find("connect c7 framing length16\nsend c7 \"one\\ntwo\"\n") != std::string::npos);
  CHECK(text.find("# c4: accepted by a listener") != std::string::npos);
  auto parsed = actors::testing::parse_script(text);
  INFO((parsed.error ? parsed.error->message : std::string{}));
  REQUIRE(parsed);
  auto& steps = parsed.value.steps;
  REQUIRE(steps.size() == script.Steps());
  CHECK(steps[4].kind == actors::testing::step_kind::send);
  CHECK(steps[4].text == binary);
  CHECK(steps[5].text == binary);
}

TEST_CASE("a reconnect is a new peer, and a flood's frames past the limit are counted") {
  std::ostringstream out;
  client::SessionScript script{out, "in a test"};
  script.Connected(1, "127.0.0.1:9", false, false);
  auto limit = client::SessionScript::frames_per_connection;
  for (std::uint64_t i = 0; i < limit + 5; ++i)
    script.Received(1, std::to_string(i));
  script.ReceivedMore(1, 10);
  script.Connected(1, "127.0.0.1:9", false, false); // reconnected
  script.Sent(1, "again");
  script.Finish();
  auto text = out.str();
  CHECK(text.find("expect c1 frames 15\nexpect c1 closed\nconnect c1_2\nsend c1_2 \"again\"\n")
        != std::string::npos);
  auto parsed = actors::testing::parse_script(text);
  REQUIRE(parsed);
  CHECK(parsed.value.steps.size() == script.Steps());
}

TEST_CASE("the relay bounds delayed replies and says how many it dropped") {
  actors::system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor bridge{sys};
  auto relay = client::spawn_connection_relay(sys, bridge);
  auto rule = client::ParseReplyRule("exact+60000ms:x=>y");
  REQUIRE(rule);
  bridge->send(relay, client::reply_rules_atom_v, std::vector<client::ReplyRule>{*rule});
  constexpr int frames = 10'005;
  for (int i = 0; i < frames; ++i)
    bridge->send(relay, actors::frame_received{7, "x"});
  int passed = 0;
  std::vector<actors::ui_event> errors;
  bool timed_out = false;
  while (passed < frames && !timed_out)
    bridge->receive([&](actors::frame_received&) { ++passed; },
                    [&](actors::ui_event& ev) {
                      if (ev.kind == actors::ui_event_kind::error)
                        errors.push_back(ev);
                    },
                    caf::after(10s) >> [&] { timed_out = true; });
  CHECK(passed == frames);
  // Said once, not once per dropped reply.
  bridge->receive([&](actors::ui_event& ev) { errors.push_back(ev); },
                  caf::after(200ms) >> [] {});
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].error == actors::error_kind::limit_reached);
  CHECK_THAT(errors[0].message, Catch::Contains("10000 delayed replies are waiting"));
  caf::anon_send_exit(relay, caf::exit_reason::user_shutdown);
}

namespace {

// For a client that records: a server of someone else's (socat running
// `program` for each client), and a directory for the recording.
struct recorded_server {
  testing_support::child_process server;
  std::uint16_t port = 0;
  std::string dir;
  std::string path; // the recording

  explicit recorded_server(const std::string& program)
    : server{{"socat", "TCP-LISTEN:0,bind=127.0.0.1,reuseaddr,fork", "SYSTEM:" + program}} {
    if (std::getenv("DISPLAY") == nullptr)
      FAIL("DISPLAY is not set: run the GUI tests under xvfb-run");
    auto listening = server.listening_port(10s);
    REQUIRE(listening);
    port = *listening;
    char made[] = "/tmp/actors-record-XXXXXX";
    REQUIRE(mkdtemp(made) != nullptr);
    dir = made;
    path = dir + "/session.scn";
  }

  ~recorded_server() { std::system(("rm -rf '" + dir + "'").c_str()); }

  std::string address() const { return "127.0.0.1:" + std::to_string(port); }

  // Waits up to 20 s for the recording to hold what `done` looks for.
  template <class Predicate>
  void wait_for(Predicate done) const {
    auto deadline = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < deadline && !done(read_file(path)))
      std::this_thread::sleep_for(50ms);
  }

  // Stops `client` as a user's SIGTERM would; it must exit with 0.
  static void stop(testing_support::child_process& client) {
    client.signal(SIGTERM);
    auto status = client.wait_exit(10s);
    REQUIRE(status);
    CHECK(*status == 0);
  }
};

} // namespace

TEST_CASE("the client prints the address of each listener, and answers there by its rules") {
  testing_support::child_process client{{ACTORS_CLIENT_PATH, "--listen", "0", "--listen",
                                         "udp:0", "--reply", "^GET (\\S+)=>200 OK {{1}}"}};
  // As the example servers print theirs; the two may come in either order.
  std::vector<std::string> banners;
  for (int i = 0; i < 2; ++i) {
    auto line = client.read_line(10s);
    REQUIRE(line);
    banners.push_back(*line);
  }
  std::sort(banners.begin(), banners.end());
  CHECK_THAT(banners[0], Catch::StartsWith("UDP on 127.0.0.1:"));
  REQUIRE_THAT(banners[1], Catch::StartsWith("listening on 127.0.0.1:"));
  auto port = testing_support::port_from_banner(banners[1]);
  REQUIRE(port != 0);
  testing_support::raw_socket peer{port};
  REQUIRE(peer.write_all("GET /index.html\n"));
  CHECK(peer.read_until("\n", 10s) == "200 OK /index.html\n");
  recorded_server::stop(client);
}

TEST_CASE("the client records a script that replays against the same server, complete on SIGTERM") {
  // Greets each client, then echoes.
  recorded_server echo{"echo hello; exec cat"};
  testing_support::child_process client{{ACTORS_CLIENT_PATH, "--connect", echo.address(),
                                         "--record", echo.path, "--reply", "^hello$=>world"}};
  // The client answers the greeting by its rule, and socat echoes that.
  echo.wait_for([](const std::string& script) {
    return script.find("frame \"world\"") != std::string::npos;
  });
  recorded_server::stop(client);
  auto script = read_file(echo.path);
  INFO(script);
  CHECK(script.find("server at " + echo.address()) != std::string::npos);
  CHECK(std::regex_search(script, std::regex{"connect (c[0-9]+)\nexpect \\1 frame \"hello\"\n"
                                              "send \\1 \"world\"\nexpect \\1 frame \"world\"\n"}));
  CHECK(script.find("# End of the recording") != std::string::npos);
  // The replay: the real runner against the same server, which still runs.
  testing_support::child_process replay{{ACTORS_SCENARIO_PATH, echo.path}};
  auto replayed = replay.wait_exit(30s);
  REQUIRE(replayed);
  CHECK(*replayed == 0);
}

TEST_CASE("a connection that ends while recording is recorded, and the client goes on") {
  // The recorder took the end of a connection for a message it did not
  // know: the error it answered ended the relay, and with it every
  // connection and the recording's end.
  recorded_server bye{"echo bye"};
  testing_support::child_process client{
    {ACTORS_CLIENT_PATH, "--connect", bye.address(), "--connect", bye.address(), "--record",
     bye.path},
    bye.dir + "/stderr"};
  auto closed_twice = [](const std::string& script) {
    auto first = script.find(" closed\n");
    return first != std::string::npos && script.find(" closed\n", first + 1) != std::string::npos;
  };
  bye.wait_for(closed_twice);
  recorded_server::stop(client);
  auto script = read_file(bye.path);
  INFO(script);
  for (auto peer : {"c1", "c2"})
    for (auto step : {" frame \"bye\"\n", " finished\n", " closed\n"})
      CHECK(script.find("expect " + std::string{peer} + step) != std::string::npos);
  CHECK(script.find("# End of the recording") != std::string::npos);
  CHECK(read_file(bye.dir + "/stderr").find("unexpected message") == std::string::npos);
}

TEST_CASE("a recording keeps a connection's framing, so a length-prefixed session replays") {
  // It wrote `connect cN` for every peer: the replay framed lines, and a
  // frame with a newline inside could not be sent.
  testing_support::child_process echo{{"socat", "TCP-LISTEN:0,bind=127.0.0.1,reuseaddr,fork",
                                       "EXEC:cat"}};
  auto port = echo.listening_port(10s);
  REQUIRE(port);
  char made[] = "/tmp/actors-record-XXXXXX";
  REQUIRE(mkdtemp(made) != nullptr);
  std::string dir = made;
  auto path = dir + "/session.scn";
  std::string name;
  {
    actors::system_config cfg;
    caf::actor_system sys{cfg};
    caf::scoped_actor bridge{sys};
    auto bench = client::spawn_workbench(sys, bridge);
    bridge->send(bench, client::record_atom_v, path);
    actors::connection_options options;
    options.framing.kind = actors::framing_kind::length16;
    bridge->send(bench, client::connect_atom_v, std::string{"127.0.0.1"}, *port, options);
    actors::connection_id id = 0;
    bridge->receive([&](actors::connected& ev) { id = ev.id; }, caf::after(10s) >> [] {});
    REQUIRE(id != 0);
    name = "c" + std::to_string(id);
    bridge->send(bench, actors::send_atom_v, id, std::string{"one\ntwo"});
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline
           && read_file(path).find("expect " + name + " frame") == std::string::npos)
      std::this_thread::sleep_for(50ms);
    bridge->send(bench, client::record_atom_v, std::string{});
    bridge->request(bench, 10s, client::shutdown_atom_v)
      .receive([](bool) {}, [](caf::error&) {});
  }
  auto script = read_file(path);
  INFO(script);
  CHECK(script.find("connect " + name + " framing length16\nsend " + name + " \"one\\ntwo\"\n"
                    "expect " + name + " frame \"one\\ntwo\"\n")
        != std::string::npos);
  testing_support::child_process replay{{ACTORS_SCENARIO_PATH, path}};
  auto replayed = replay.wait_exit(30s);
  REQUIRE(replayed);
  CHECK(*replayed == 0);
  std::system(("rm -rf '" + dir + "'").c_str());
}

namespace {

// Collects the sequence's messages until its verdict ("... passed" or
// "... failed ..."), skipping every other event; empty on a timeout.
std::vector<std::string> sequence_messages(caf::scoped_actor& bridge) {
  std::vector<std::string> result;
  bool done = false;
  bool timed_out = false;
  while (!done && !timed_out)
    bridge->receive(
      [&](actors::ui_event& ev) {
        if (ev.kind != actors::ui_event_kind::message
            || ev.message.rfind(client::sequence_prefix, 0) != 0)
          return;
        result.push_back(ev.message);
        done = ev.message.find(" passed") != std::string::npos
               || ev.message.find(" failed") != std::string::npos;
      },
      // The connections' own events, which a real bridge would show.
      caf::others >> [](caf::message_view&) -> caf::result<caf::message> {
        return caf::delegated<caf::message>{};
      },
      caf::after(10s) >> [&] { timed_out = true; });
  if (timed_out)
    result.clear();
  return result;
}

// A workbench, headless, with one line connection to socat's echo: `id`
// and its name in a sequence, `c`.
struct workbench_on_echo {
  testing_support::child_process echo{{"socat", "TCP-LISTEN:0,bind=127.0.0.1,reuseaddr,fork",
                                       "EXEC:cat"}};
  actors::system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor bridge{sys};
  caf::actor bench = client::spawn_workbench(sys, bridge);
  std::uint64_t id = 0;
  std::string c;

  void connect() {
    auto port = echo.listening_port(10s);
    REQUIRE(port);
    bridge->send(bench, client::connect_atom_v, std::string{"127.0.0.1"}, *port,
                 actors::connection_options{});
    bridge->receive([&](actors::connected& ev) { id = ev.id; }, caf::after(10s) >> [] {});
    REQUIRE(id != 0);
    c = "c" + std::to_string(id);
  }

  ~workbench_on_echo() {
    bridge->request(bench, 10s, client::shutdown_atom_v).receive([](bool) {},
                                                                 [](caf::error&) {});
  }
};

} // namespace

TEST_CASE_METHOD(workbench_on_echo, "a sequence runs on the open connections and stops at a failing step") {
  connect();
  auto passing = client::ParseSequence("send " + c + " id=42\n"
                                       "expect " + c + " frame ~ \"^id=(\\d+)$\" as n\n"
                                       "send " + c + " \"n is ${n}\"\n"
                                       "send " + c + " one\n"
                                       "expect " + c + " frame \"n is 42\"\n"
                                       "await " + c + " frame one\n"
                                       "wait 50ms\n"
                                       "expect " + c + " silent 100ms\n",
                                       {id});
  INFO((passing.error ? passing.error->message : std::string{}));
  REQUIRE(passing);
  bridge->send(bench, client::run_sequence_atom_v, passing.value);
  auto messages = sequence_messages(bridge);
  REQUIRE_FALSE(messages.empty());
  CHECK(messages.front() == "sequence: line 1: send " + c + " id=42");
  CHECK(messages.back() == "sequence passed (8 steps)");
  auto failing = client::ParseSequence("send " + c + " x\nexpect " + c + " frame y\n", {id});
  REQUIRE(failing);
  bridge->send(bench, client::run_sequence_atom_v, failing.value);
  messages = sequence_messages(bridge);
  REQUIRE_FALSE(messages.empty());
  CHECK(messages.back() == "sequence failed at line 2 (expect " + c + " frame y): " + c
                             + " received frame \"x\", expected frame \"y\"");
  auto silent = client::ParseSequence("expect " + c + " frame z within 200ms\n", {id});
  REQUIRE(silent);
  bridge->send(bench, client::run_sequence_atom_v, silent.value);
  messages = sequence_messages(bridge);
  REQUIRE_FALSE(messages.empty());
  CHECK_THAT(messages.back(), Catch::Contains("received nothing within 200 ms"));
  // A new run stops the one under way, and still gets every frame.
  auto slow = client::ParseSequence("wait 5s\n", {id});
  auto quick = client::ParseSequence("send " + c + " last\nexpect " + c + " frame last\n",
                                     {id});
  REQUIRE(slow);
  REQUIRE(quick);
  bridge->send(bench, client::run_sequence_atom_v, slow.value);
  bridge->send(bench, client::run_sequence_atom_v, quick.value);
  std::vector<std::string> verdicts;
  for (int i = 0; i < 2; ++i) {
    messages = sequence_messages(bridge);
    REQUIRE_FALSE(messages.empty());
    verdicts.push_back(messages.back());
  }
  std::sort(verdicts.begin(), verdicts.end());
  // Stopped while it waited, or before it began.
  CHECK_THAT(verdicts[0], Catch::StartsWith("sequence failed")
                            && Catch::Contains("stopped"));
  CHECK(verdicts[1] == "sequence passed (2 steps)");
}

TEST_CASE("a sequence refuses steps it cannot run and connections that are not open") {
  auto server = client::ParseSequence("server at 127.0.0.1:7\n", {});
  REQUIRE_FALSE(server);
  CHECK(server.error->line == 1);
  CHECK_THAT(server.error->message, Catch::Contains("run the rest with actors-scenario"));
  auto unknown = client::ParseSequence("send c3 x\nsend c42 y\n", {3});
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error->line == 2);
  CHECK_THAT(unknown.error->message, Catch::Contains("no peer named c42"));
}

TEST_CASE_METHOD(workbench_on_echo, "a sequence fails at once, with the reason, when its connection refuses a frame") {
  connect();
  // A line connection cannot carry a line break inside a frame; the
  // sequence does not know the connection's framing when it is parsed.
  auto refused = client::ParseSequence("send " + c + " \"one\\ntwo\"\n"
                                       "expect " + c + " frame \"one\\ntwo\" within 30s\n",
                                       {id});
  INFO((refused.error ? refused.error->message : std::string{}));
  REQUIRE(refused);
  auto start = std::chrono::steady_clock::now();
  bridge->send(bench, client::run_sequence_atom_v, refused.value);
  auto messages = sequence_messages(bridge);
  REQUIRE_FALSE(messages.empty());
  CHECK(std::chrono::steady_clock::now() - start < 10s);
  CHECK(messages.back() == "sequence failed at line 1 (send " + c + " \"one\\ntwo\"): " + c
                             + ": a line payload must not contain the delimiter except as its "
                               "last byte; the frame was dropped");
  // The connection itself stays open: the next sequence runs on it.
  auto next = client::ParseSequence("send " + c + " three\nexpect " + c + " frame three\n", {id});
  REQUIRE(next);
  bridge->send(bench, client::run_sequence_atom_v, next.value);
  messages = sequence_messages(bridge);
  REQUIRE_FALSE(messages.empty());
  CHECK(messages.back() == "sequence passed (2 steps)");
}
