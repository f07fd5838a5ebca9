#include "actors/ui_bridge.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/server.hpp"
#include "actors/testing/deterministic_driver.hpp"
#include "actors/testing/headless_sink.hpp"
#include "actors/testing/test_config.hpp"
#include "actors/udp.hpp"
#include "support/raw_socket.hpp"
#include "support/udp_peer.hpp"

using namespace actors;
using namespace std::chrono_literals;
using actors::testing::ui_counter;

namespace {

// Deterministic tests only: everything runs on the test thread, so a plain
// vector is safe here (a real sink must hand batches to its UI thread).
class recording_sink : public ui_sink {
public:
  void post(ui_batch batch) override { batches.push_back(std::move(batch)); }
  std::vector<ui_batch> batches;
};

// Stands in for a connection: counts the read credit it is granted.
struct credit_counter_state {
  std::uint64_t granted = 0;
};

caf::behavior credit_counter(caf::stateful_actor<credit_counter_state>* self) {
  return {
    [=](credit_atom, std::uint32_t frames) { self->state.granted += frames; },
    [=](stats_atom) { return self->state.granted; },
  };
}

ui_event numbered(int i) {
  return make_message_event("event " + std::to_string(i));
}

struct deterministic_fixture {
  actors::testing::deterministic_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  actors::testing::deterministic_driver driver{sys};
  std::shared_ptr<recording_sink> sink = std::make_shared<recording_sink>();
  caf::actor bridge;

  void start(ui_bridge_options opts = {}) {
    bridge = spawn_ui_bridge(sys, sink, opts);
  }

  ~deterministic_fixture() {
    self->send(bridge, close_atom::value);
    driver.run();
  }

  void ack(std::uint64_t sequence) {
    self->send(bridge, ui_ack_atom::value, sequence);
    driver.run();
  }

  // A frame that `connection` read, as the connection would send it.
  void frame_from(const caf::actor& connection, const std::string& payload) {
    caf::send_as(connection, bridge, frame_received{connection.id(), payload});
  }

  ui_bridge_stats stats() {
    auto result = driver.ask<ui_bridge_stats>(self, bridge, ui_stats_atom::value);
    REQUIRE(result);
    return *result;
  }
};

} // namespace

TEST_CASE_METHOD(deterministic_fixture,
                 "an event arriving while the UI is idle is posted at once, alone") {
  start();
  self->send(bridge, make_message_event("hello"));
  driver.run();
  REQUIRE(sink->batches.size() == 1);
  CHECK(sink->batches[0].sequence == 1);
  REQUIRE(sink->batches[0].events.size() == 1);
  CHECK(sink->batches[0].events[0].message == "hello");
  // Posted while handling the event itself: no timer, no time passed.
  CHECK(driver.elapsed() == caf::timespan{0});
}

TEST_CASE_METHOD(deterministic_fixture,
                 "never more than one batch is in flight, and later events are coalesced") {
  start();
  self->send(bridge, numbered(0));
  for (int i = 1; i <= 50; ++i)
    self->send(bridge, numbered(i));
  driver.run();
  REQUIRE(sink->batches.size() == 1);
  CHECK(sink->batches[0].events.size() == 1);
  ack(1);
  REQUIRE(sink->batches.size() == 2);
  CHECK(sink->batches[1].sequence == 2);
  REQUIRE(sink->batches[1].events.size() == 50);
  CHECK(sink->batches[1].events.front().message == "event 1");
  CHECK(sink->batches[1].events.back().message == "event 50");
  ack(1); // stray: batch 1 was acknowledged already
  self->send(bridge, numbered(51));
  driver.run();
  CHECK(sink->batches.size() == 2);
  CHECK(stats().stray_acks == 1);
  ack(2);
  REQUIRE(sink->batches.size() == 3);
  CHECK(sink->batches[2].events.at(0).message == "event 51");
}

TEST_CASE_METHOD(deterministic_fixture, "max_batch splits a backlog across acknowledgements") {
  ui_bridge_options opts;
  opts.max_batch = 20;
  start(opts);
  for (int i = 0; i <= 45; ++i)
    self->send(bridge, numbered(i));
  driver.run();
  for (std::uint64_t seq = 1; seq <= 3; ++seq)
    ack(seq);
  REQUIRE(sink->batches.size() == 4);
  CHECK(sink->batches[1].events.size() == 20);
  CHECK(sink->batches[2].events.size() == 20);
  CHECK(sink->batches[3].events.size() == 5);
  CHECK(sink->batches[3].events.back().message == "event 45");
}

TEST_CASE_METHOD(deterministic_fixture,
                 "with drop, events past high_water are counted exactly in one dropped event") {
  ui_bridge_options opts;
  opts.policy = overflow_policy::drop;
  opts.high_water = 10;
  start(opts);
  for (int i = 0; i <= 100; ++i)
    self->send(bridge, numbered(i));
  driver.run();
  // Event 0 is in flight; events 1-9 fill the buffer to the mark.
  ack(1);
  REQUIRE(sink->batches.size() == 2);
  auto& events = sink->batches[1].events;
  REQUIRE(events.size() == 10);
  CHECK(events[8].message == "event 9");
  CHECK(events[9].kind == ui_event_kind::dropped);
  CHECK(events[9].dropped == 91);
  auto st = stats();
  CHECK(st.events_received == 101);
  CHECK(st.events_dropped == 91);
  // The batch in flight still counts; once it is acknowledged, the buffer
  // takes events again.
  ack(2);
  self->send(bridge, numbered(101));
  driver.run();
  REQUIRE(sink->batches.size() == 3);
  CHECK(sink->batches[2].events.at(0).message == "event 101");
}

TEST_CASE_METHOD(deterministic_fixture,
                 "with backpressure, credit is withheld past high_water and paid after acks") {
  ui_bridge_options opts;
  opts.high_water = 10;
  start(opts);
  auto conn = sys.spawn(credit_counter);
  for (int i = 0; i < 20; ++i)
    frame_from(conn, "f" + std::to_string(i));
  driver.run();
  auto granted = [&] { return *driver.ask<std::uint64_t>(self, conn, stats_atom::value); };
  // Frames 0-8 left the buffer below the mark; frames 9-19 did not.
  CHECK(granted() == 9);
  CHECK(stats().throttled_connections == 1);
  ack(1); // frames 1-19 are now one batch in flight: still at the mark
  CHECK(granted() == 9);
  ack(2);
  CHECK(granted() == 20);
  CHECK(stats().throttled_connections == 0);
  CHECK(stats().events_dropped == 0);
  caf::anon_send_exit(conn, caf::exit_reason::user_shutdown);
  driver.run();
}

TEST_CASE_METHOD(deterministic_fixture,
                 "batched frames become one event each and return one credit per frame") {
  ui_bridge_options opts;
  opts.high_water = 10;
  start(opts);
  auto conn = sys.spawn(credit_counter);
  frames_received first{conn.id(), {}};
  for (int i = 0; i < 4; ++i)
    first.frames.add("a" + std::to_string(i));
  frames_received second{conn.id(), {}};
  for (int i = 0; i < 12; ++i)
    second.frames.add("b" + std::to_string(i));
  caf::send_as(conn, bridge, first);
  caf::send_as(conn, bridge, second);
  driver.run();
  auto granted = [&] { return *driver.ask<std::uint64_t>(self, conn, stats_atom::value); };
  // The first read stayed below the mark; the second ended above it.
  CHECK(granted() == 4);
  ack(1);
  ack(2);
  CHECK(granted() == 16);
  std::vector<std::string> seen;
  for (auto& batch : sink->batches)
    for (auto& event : batch.events) {
      CHECK(event.kind == ui_event_kind::frame);
      CHECK(event.dir == direction::in);
      seen.push_back(event.payload);
    }
  REQUIRE(seen.size() == 16);
  CHECK(seen.front() == "a0");
  CHECK(seen[4] == "b0");
  CHECK(seen.back() == "b11");
  caf::anon_send_exit(conn, caf::exit_reason::user_shutdown);
  driver.run();
}

TEST_CASE_METHOD(deterministic_fixture,
                 "with backpressure, senders that ignore it hit the hard limit and are counted") {
  ui_bridge_options opts;
  opts.high_water = 10;
  start(opts);
  for (int i = 0; i < 30; ++i)
    self->send(bridge, numbered(i));
  driver.run();
  auto st = stats();
  CHECK(st.pending + st.in_flight == ui_bridge_hard_limit_factor * opts.high_water + 1);
  CHECK(st.events_dropped == 30 - ui_bridge_hard_limit_factor * opts.high_water);
  CHECK(st.peak_buffered == ui_bridge_hard_limit_factor * opts.high_water);
}

TEST_CASE_METHOD(deterministic_fixture,
                 "a stop request passes every bound: it arrives after events that were dropped") {
  ui_bridge_options opts;
  opts.high_water = 10;
  opts.policy = overflow_policy::drop;
  start(opts);
  for (int i = 0; i < 30; ++i)
    self->send(bridge, numbered(i));
  ui_event stop;
  stop.kind = ui_event_kind::stop_requested;
  stop.message = "SIGTERM";
  self->send(bridge, stop);
  driver.run();
  CHECK(stats().events_dropped > 0);
  for (std::uint64_t sequence = 1; sequence <= 3; ++sequence)
    ack(sequence);
  REQUIRE_FALSE(sink->batches.empty());
  auto& last = sink->batches.back().events;
  REQUIRE_FALSE(last.empty());
  CHECK(last.back().kind == ui_event_kind::stop_requested);
  CHECK(last.back().message == "SIGTERM");
}

TEST_CASE_METHOD(deterministic_fixture, "connection events become value-only UI events") {
  start();
  auto conn = sys.spawn(credit_counter);
  caf::send_as(conn, bridge,
               connected{7, "127.0.0.1:9", caf::actor_cast<connection_actor>(conn), {}, {}});
  frame_from(conn, "payload");
  caf::send_as(conn, bridge, connection_error{7, error_kind::frame_too_large, "too big"});
  caf::send_as(conn, bridge, disconnected{7, error_kind::peer_reset, "reset", {}});
  driver.run();
  ack(1);
  REQUIRE(sink->batches.size() == 2);
  auto& first = sink->batches[0].events.at(0);
  CHECK(first.kind == ui_event_kind::connected);
  CHECK(first.address == "127.0.0.1:9");
  CHECK(first.message == "connected to 127.0.0.1:9"); // a window showing messages says so
  CHECK(first.time.count() > 0);
  auto& rest = sink->batches[1].events;
  REQUIRE(rest.size() == 3);
  CHECK(rest[0].kind == ui_event_kind::frame);
  CHECK(rest[0].dir == direction::in);
  CHECK(rest[0].payload == "payload");
  CHECK(rest[1].error == error_kind::frame_too_large);
  CHECK(rest[2].kind == ui_event_kind::disconnected);
  CHECK(rest[2].error == error_kind::peer_reset);
  CHECK(*driver.ask<std::uint64_t>(self, conn, stats_atom::value) == 1);
  caf::anon_send_exit(conn, caf::exit_reason::user_shutdown);
  driver.run();
}

namespace {

struct real_fixture {
  actors::testing::test_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  std::shared_ptr<actors::testing::headless_sink> sink
    = std::make_shared<actors::testing::headless_sink>(sys);
  caf::actor bridge;
  std::vector<server_actor> acceptors;

  ~real_fixture() {
    for (auto& acceptor : acceptors)
      self->send(acceptor, close_atom::value);
    for (auto& acceptor : acceptors)
      self->wait_for(acceptor);
    self->send(bridge, close_atom::value);
  }

  void start(ui_bridge_options opts) {
    bridge = spawn_ui_bridge(sys, sink, opts);
    sink->attach(bridge);
  }

  // A server whose connections report to the bridge.
  server serve(std::uint32_t read_credit) {
    server_options opts;
    opts.connection.read_credit = read_credit;
    auto srv = listen(sys, opts, bridge);
    REQUIRE(srv);
    acceptors.push_back(srv->acceptor);
    return *srv;
  }

  // The UI's record once `counter` reached `value` (fails after `timeout`).
  actors::testing::ui_record await(ui_counter counter, std::uint64_t value,
                                   std::chrono::milliseconds timeout = 5s) {
    std::optional<actors::testing::ui_record> result;
    self->request(sink->ui(), timeout, actors::testing::await_atom::value,
                  actors::testing::ui_condition{counter, value})
      .receive([&](actors::testing::ui_record& x) { result = std::move(x); },
               [&](caf::error& err) { FAIL("UI never reached " << to_string(counter)
                                            << " " << value << ": " << sys.render(err)); });
    REQUIRE(result);
    return *result;
  }

  ui_bridge_stats stats() {
    ui_bridge_stats result;
    self->request(bridge, 5s, ui_stats_atom::value).receive(
      [&](ui_bridge_stats& x) { result = x; },
      [&](caf::error& err) { FAIL(sys.render(err)); });
    return result;
  }
};

} // namespace

TEST_CASE_METHOD(real_fixture, "an idle UI receives a single event in its own batch") {
  start({});
  self->send(bridge, make_message_event("ping"));
  auto record = await(ui_counter::messages, 1, 1s);
  CHECK(record.get(ui_counter::batches) == 1);
  CHECK(record.get(ui_counter::largest_batch) == 1);
}

TEST_CASE_METHOD(real_fixture,
                 "a slow UI gets coalesced batches, never two in flight") {
  ui_bridge_options opts;
  opts.high_water = 100'000;
  start(opts);
  sink->slow(5ms);
  auto srv = serve(1024);
  testing_support::raw_socket peer{srv.port};
  std::string lines;
  for (int i = 0; i < 5000; ++i)
    lines += "line " + std::to_string(i) + "\n";
  REQUIRE(peer.write_all(lines));
  // Generous: under ThreadSanitizer this takes several seconds.
  auto record = await(ui_counter::frames, 5000, 60s);
  CHECK(record.get(ui_counter::overlaps) == 0);
  CHECK(record.get(ui_counter::out_of_order) == 0);
  CHECK(record.get(ui_counter::largest_batch) > 1);
  CHECK(record.get(ui_counter::batches) < 5000);
  CHECK(record.get(ui_counter::dropped) == 0);
}

TEST_CASE_METHOD(real_fixture,
                 "a stalled UI with backpressure slows a flooding peer and bounds memory") {
  // The mark leaves room for what the connection reads after it: its credit
  // plus one read chunk (1024 lines of 64 bytes).
  ui_bridge_options opts;
  opts.high_water = 2'000;
  start(opts);
  sink->stall();
  auto srv = serve(64);
  auto before = testing_support::resident_memory();
  testing_support::raw_socket flooder{srv.port};
  // Try to push 200 MB; TCP stops us once the connection stopped reading.
  auto sent = testing_support::flood(flooder, 200u * 1024 * 1024, 1s);
  auto growth = testing_support::resident_memory() - before;
  auto st = stats();
  INFO("sent " << sent << " bytes; resident growth " << growth << " bytes; "
               << st.pending << " pending, " << st.events_dropped << " dropped");
  CHECK(sent < 200u * 1024 * 1024);
  CHECK(growth < 64u * 1024 * 1024);
  CHECK(st.pending + st.in_flight <= ui_bridge_hard_limit_factor * opts.high_water + 1);
  CHECK(st.throttled_connections == 1);
  CHECK(st.events_dropped == 0);
  // The UI resumes: the connection reads again and frames keep coming.
  sink->resume();
  auto record = await(ui_counter::frames, st.events_received + 1000, 10s);
  CHECK(record.get(ui_counter::overlaps) == 0);
}

TEST_CASE_METHOD(real_fixture,
                 "with drop, the drop count equals what was sent minus what was delivered") {
  ui_bridge_options opts;
  opts.policy = overflow_policy::drop;
  opts.high_water = 100;
  opts.max_batch = 10;
  start(opts);
  sink->slow(2ms);
  auto srv = serve(1024);
  constexpr std::uint64_t sent = 20'000;
  testing_support::raw_socket peer{srv.port};
  std::string lines;
  for (std::uint64_t i = 0; i < sent; ++i)
    lines += std::to_string(i) + "\n";
  REQUIRE(peer.write_all(lines));
  // Every new batch may be the last one; wait for batches until all frames
  // are accounted for, delivered or dropped.
  auto record = await(ui_counter::batches, 1);
  for (int i = 0; i < 100'000; ++i) {
    if (record.get(ui_counter::frames) + record.get(ui_counter::dropped) >= sent)
      break;
    record = await(ui_counter::batches, record.get(ui_counter::batches) + 1);
  }
  auto delivered = record.get(ui_counter::frames);
  auto dropped = record.get(ui_counter::dropped);
  INFO(delivered << " delivered, " << dropped << " dropped");
  CHECK(dropped > 0);
  CHECK(dropped == sent - delivered);
  CHECK(stats().events_dropped == dropped);
  CHECK(record.get(ui_counter::overlaps) == 0);
}

TEST_CASE_METHOD(real_fixture, "a UDP endpoint reports to the bridge: opened, each datagram, closed") {
  start({});
  udp_options options;
  options.batch_datagrams = true;
  options.read_credit = 200; // the bridge gives it back as the UI takes them
  auto endpoint = udp_open(sys, "127.0.0.1", 0, bridge, options);
  REQUIRE(endpoint);
  await(ui_counter::opened, 1);
  testing_support::udp_peer peer;
  // Ten rounds of 100: five times the initial credit, so it must come back.
  for (int round = 1; round <= 10; ++round) {
    for (int i = 0; i < 100; ++i)
      REQUIRE(peer.send_to(endpoint->port, "datagram " + std::to_string(i)));
    await(ui_counter::frames, 100 * round);
  }
  self->send(endpoint->handle, close_atom_v);
  auto record = await(ui_counter::disconnected, 1);
  CHECK(record.get(ui_counter::frames) == 1000);
  CHECK(record.get(ui_counter::out_of_order) == 0);
}

TEST_CASE("UDP events become value-only UI events, each datagram naming its peer") {
  auto opened = to_ui_event(udp_ready{7, "0.0.0.0:5000", "", {}});
  CHECK(opened.kind == ui_event_kind::opened); // not "connected": nothing connects
  CHECK(std::string{to_string(opened.kind)} == "opened");
  CHECK(opened.connection == 7);
  CHECK(opened.address == "udp://0.0.0.0:5000");
  CHECK(opened.message == "UDP on 0.0.0.0:5000");
  auto over_tls = to_ui_event(connected{8, "127.0.0.1:443", {}, "TLSv1.3", "TLS_AES_256_GCM_SHA384"});
  CHECK(over_tls.message == "connected to 127.0.0.1:443 (TLSv1.3 TLS_AES_256_GCM_SHA384)");
  auto connected_use = to_ui_event(udp_ready{7, "127.0.0.1:4000", "127.0.0.1:9", {}});
  CHECK(connected_use.address == "udp://127.0.0.1:9");
  auto frame = to_ui_event(datagram{"127.0.0.1:6000", "hi"}, 7, direction::in);
  CHECK(frame.kind == ui_event_kind::frame);
  CHECK(frame.address == "127.0.0.1:6000");
  CHECK(frame.payload == "hi");
  auto err = to_ui_event(udp_error{7, error_kind::datagram_too_large, "too big", "1.2.3.4:5"});
  CHECK(err.kind == ui_event_kind::error);
  CHECK(err.address == "1.2.3.4:5");
  udp_closed closed{7, error_kind::none, "closed", {}};
  closed.stats.dropped = 3;
  auto down = to_ui_event(closed);
  CHECK(down.kind == ui_event_kind::disconnected);
  CHECK(down.message == "closed (3 datagrams dropped)");
}

TEST_CASE_METHOD(deterministic_fixture, "several events in one message are shown in order, like single ones") {
  start();
  self->send(bridge, numbered(0));
  std::vector<ui_event> several;
  for (int i = 1; i <= 30; ++i)
    several.push_back(numbered(i));
  self->send(bridge, std::move(several));
  self->send(bridge, numbered(31));
  driver.run();
  REQUIRE(sink->batches.size() == 1);
  ack(1);
  REQUIRE(sink->batches.size() == 2);
  auto& events = sink->batches[1].events;
  REQUIRE(events.size() == 31);
  for (int i = 0; i < 31; ++i)
    CHECK(events[static_cast<std::size_t>(i)].message == "event " + std::to_string(i + 1));
  CHECK(stats().events_received == 32);
}
