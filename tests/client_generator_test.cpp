// The client's traffic generator, headless: the workbench with a scoped
// actor as its UI bridge, against Python peers that count what arrives
// (one reads at once, one only after a while) and socat echoing.

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/delegated.hpp>
#include <caf/message_view.hpp>
#include <caf/others.hpp>
#include <caf/result.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/connection_protocol.hpp"
#include "actors/system_config.hpp"
#include "actors/ui_event.hpp"
#include "support/child_process.hpp"
#include "traffic_generator.hpp"
#include "workbench.hpp"

using namespace std::chrono_literals;
using testing_support::child_process;

namespace {

// A peer that accepts one connection, waits `delay` seconds, then reads
// until EOF and prints how many lines came and the seconds between the
// first and the last.
const char* counting_peer = R"(
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen()
print("listening on 127.0.0.1:%d" % s.getsockname()[1], flush=True)
c, _ = s.accept()
time.sleep(float(sys.argv[1]))
n, first, last = 0, None, None
while True:
    d = c.recv(1 << 16)
    if not d:
        break
    k = d.count(b"\n")
    if k:
        now = time.monotonic()
        first = first or now
        last = now
        n += k
print(n, (last - first) if n else 0.0, flush=True)
)";

struct counted {
  std::uint64_t lines = 0;
  double seconds = 0;
};

counted read_count(child_process& peer) {
  auto line = peer.read_line(30s);
  REQUIRE(line);
  std::istringstream in{*line};
  counted result;
  in >> result.lines >> result.seconds;
  return result;
}

struct generator_fixture {
  actors::system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor bridge{sys};
  caf::actor bench = client::spawn_workbench(sys, bridge);
  std::uint64_t echoed = 0; // frames the connections received
  std::uint64_t shown_sent = 0; // frames sent, as events for the window

  ~generator_fixture() {
    bridge->request(bench, 10s, client::shutdown_atom_v).receive([](bool) {},
                                                                 [](caf::error&) {});
  }

  std::uint64_t connect(std::uint16_t port) {
    bridge->send(bench, client::connect_atom_v, std::string{"127.0.0.1"}, port,
                 actors::connection_options{});
    std::uint64_t id = 0;
    bridge->receive([&](actors::connected& ev) { id = ev.id; }, caf::after(10s) >> [] {});
    REQUIRE(id != 0);
    return id;
  }

  // The generator's next message (its start, progress or end), skipping
  // every other event; empty after `timeout`.
  std::string next_message(std::chrono::milliseconds timeout = 10s) {
    std::string result;
    for (bool done = false; !done;)
      bridge->receive(
        [&](actors::ui_event& ev) {
          if (ev.kind == actors::ui_event_kind::message
              && ev.message.rfind(client::generator_prefix, 0) == 0)
            result = ev.message, done = true;
        },
        [&](std::vector<actors::ui_event>& events) { // a generated batch, shown
          for (auto& ev : events)
            if (ev.kind == actors::ui_event_kind::frame && ev.dir == actors::direction::out)
              ++shown_sent;
        },
        [&](actors::frames_received& ev) {
          // As the real bridge does: credit back to the connection (the
          // relay passes reads on as if from it).
          echoed += ev.frames.size();
          bridge->send(caf::actor_cast<caf::actor>(bridge->current_sender()),
                       actors::credit_atom_v, static_cast<std::uint32_t>(ev.frames.size()));
        },
        caf::others >> [](caf::message_view&) -> caf::result<caf::message> {
          return caf::delegated<caf::message>{};
        },
        caf::after(timeout) >> [&] { done = true; });
    return result;
  }

  // Messages until the run's end ("done", "stopped"); the last is the end.
  std::vector<std::string> messages_until_end() {
    std::vector<std::string> result;
    for (;;) {
      auto message = next_message();
      REQUIRE_FALSE(message.empty());
      result.push_back(message);
      if (message.rfind("generator: done", 0) == 0
          || message.rfind("generator: stopped", 0) == 0)
        return result;
    }
  }
};

// The first number in `text` after `prefix`.
std::uint64_t number_after(const std::string& text, const std::string& prefix) {
  auto at = text.find(prefix);
  REQUIRE(at != std::string::npos);
  return std::stoull(text.substr(at + prefix.size()));
}

} // namespace

TEST_CASE("a generator plan is checked before it runs") {
  client::GeneratorPlan plan;
  plan.payload = "x";
  CHECK_THAT(client::CheckGeneratorPlan(plan), Catch::Contains("no connection"));
  plan.targets = {1};
  CHECK(client::CheckGeneratorPlan(plan).empty());
  plan.payload = "{{nope}}";
  CHECK_THAT(client::CheckGeneratorPlan(plan), Catch::StartsWith("payload: ")
                                                 && Catch::Contains("nope"));
  plan.payload = "x";
  plan.rate = -1;
  CHECK_THAT(client::CheckGeneratorPlan(plan), Catch::Contains("rate"));
}

TEST_CASE_METHOD(generator_fixture, "the generator sends N frames at the rate set") {
  child_process peer{{"python3", "-c", counting_peer, "0"}};
  auto banner = peer.read_line(10s);
  REQUIRE(banner);
  auto id = connect(testing_support::port_from_banner(*banner));
  client::GeneratorPlan plan;
  plan.payload = "frame {{counter}}";
  plan.targets = {id};
  plan.count = 300;
  plan.rate = 200;
  bridge->send(bench, client::generate_atom_v, plan);
  auto messages = messages_until_end();
  CHECK(messages.front() == "generator: sending on 1 connection");
  CHECK_THAT(messages.back(), Catch::StartsWith("generator: done: 300 frames on 1 connection in"));
  CHECK(shown_sent == 300); // every frame reaches the window, a batch per message
  bridge->send(bench, actors::close_atom_v, id);
  auto got = read_count(peer);
  CHECK(got.lines == 300);
  // 300 frames at 200/s: 1.5 s from the first to the last, within 10%.
  CHECK(got.seconds == Approx(1.5).epsilon(0.1));
}

TEST_CASE_METHOD(generator_fixture,
                 "as fast as the peer takes it: a peer that does not read stalls the generator") {
  child_process peer{{"python3", "-c", counting_peer, "3"}}; // reads after 3 s
  auto banner = peer.read_line(10s);
  REQUIRE(banner);
  auto id = connect(testing_support::port_from_banner(*banner));
  client::GeneratorPlan plan;
  plan.payload = std::string(1000, 'g');
  plan.targets = {id};
  bridge->send(bench, client::generate_atom_v, plan);
  REQUIRE(next_message() == "generator: sending on 1 connection");
  // Progress once a second: the count stops growing once the queue and the
  // socket buffers are full, far below what an unbounded queue would hold.
  auto first = number_after(next_message(), "generator: ");
  auto second = number_after(next_message(), "generator: ");
  CHECK(second == first);
  CHECK(second < 16 * 1024); // 16 MB of 1 KB frames
  bridge->send(bench, client::stop_generator_atom_v);
  std::string end;
  while (end.rfind("generator: stopped", 0) != 0) {
    end = next_message();
    REQUIRE_FALSE(end.empty());
  }
  auto sent = number_after(end, "generator: stopped: ");
  CHECK(sent >= first);
  // Everything the generator counted reaches the peer, once it reads.
  bridge->send(bench, actors::close_atom_v, id);
  CHECK(read_count(peer).lines == sent);
}

TEST_CASE_METHOD(generator_fixture, "the generator runs on many connections at once") {
  child_process echo{{"socat", "TCP-LISTEN:0,bind=127.0.0.1,reuseaddr,fork", "EXEC:cat"}};
  auto port = echo.listening_port(10s);
  REQUIRE(port);
  std::vector<std::uint64_t> ids;
  for (int i = 0; i < 3; ++i)
    ids.push_back(connect(*port));
  client::GeneratorPlan plan;
  plan.payload = "echo {{counter}}";
  plan.targets = ids;
  plan.count = 5000;
  bridge->send(bench, client::generate_atom_v, plan);
  auto messages = messages_until_end();
  CHECK(messages.front() == "generator: sending on 3 connections");
  CHECK_THAT(messages.back(),
             Catch::StartsWith("generator: done: 15000 frames on 3 connections in"));
  for (int i = 0; i < 100 && echoed < 15000; ++i)
    next_message(100ms);
  CHECK(echoed == 15000);
}

TEST_CASE_METHOD(generator_fixture, "a generator run for a duration stops on time") {
  child_process echo{{"socat", "TCP-LISTEN:0,bind=127.0.0.1,reuseaddr,fork", "EXEC:cat"}};
  auto port = echo.listening_port(10s);
  REQUIRE(port);
  auto id = connect(*port);
  client::GeneratorPlan plan;
  plan.payload = "tick";
  plan.targets = {id, id + 1000}; // the second is not open
  plan.duration = 1s;
  plan.rate = 100;
  bridge->send(bench, client::generate_atom_v, plan);
  auto messages = messages_until_end();
  bool refused = false;
  for (auto& m : messages)
    refused = refused || m.find("connection " + std::to_string(id + 1000) + " stopped taking frames: connection " + std::to_string(id + 1000) + " is not open") != std::string::npos;
  CHECK(refused);
  // About 100 frames in the second (the pace is 5 ms).
  auto sent = number_after(messages.back(), "generator: done: ");
  CHECK(sent >= 90);
  CHECK(sent <= 101);
}
