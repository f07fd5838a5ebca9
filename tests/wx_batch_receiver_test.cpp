// actors::wx: the sink and the batch receiver, with a real UI bridge and a
// real wx event loop (ctest runs it under xvfb-run).

#include "actors/wx/batch_receiver.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>
#include <wx/app.h>
#include <wx/evtloop.h>
#include <wx/init.h>

#include "actors/connection_protocol.hpp"
#include "actors/system_config.hpp"
#include "actors/ui_bridge.hpp"
#include "actors/wx/ui_sink.hpp"
#include "support/wx_test_app.hpp"

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

// wx is initialized once per process; the app is the sinks' target.
wxApp& app() {
  return testing_support::wx_app_once<wxApp>([] { return new wxApp; });
}

using testing_support::pump_until;

struct bridge_fixture {
  wxApp& the_app = app();
  actors::system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  std::vector<caf::actor> bridges;

  // Closed by the fixture, so that a failed check cannot hang the system's join.
  caf::actor spawn_bridge(std::shared_ptr<actors::wx::ui_sink> sink) {
    bridges.push_back(actors::spawn_ui_bridge(sys, std::move(sink)));
    return bridges.back();
  }

  ~bridge_fixture() {
    for (auto& bridge : bridges)
      caf::anon_send(bridge, actors::close_atom::value);
    wxTheApp->ProcessPendingEvents(); // batches nobody receives any more
  }

  actors::ui_bridge_stats stats(const caf::actor& bridge) {
    actors::ui_bridge_stats result;
    self->request(bridge, caf::infinite, actors::ui_stats_atom::value)
      .receive([&](const actors::ui_bridge_stats& st) { result = st; },
               [](caf::error&) { FAIL("no stats"); });
    return result;
  }

  void say(const caf::actor& bridge, int count) {
    for (int i = 0; i < count; ++i)
      caf::anon_send(bridge, actors::make_message_event("event " + std::to_string(i)));
  }
};

} // namespace

TEST_CASE_METHOD(bridge_fixture,
                 "a batch receiver applies every batch and acknowledges each exactly once") {
  auto timing = GENERATE(actors::wx::ack_timing::next_turn, actors::wx::ack_timing::after_apply);
  auto sink = std::make_shared<actors::wx::ui_sink>(the_app);
  auto bridge = spawn_bridge(sink);
  std::size_t applied_events = 0, applied_batches = 0, observed_batches = 0;
  std::uint64_t last_sequence = 0;
  bool in_order = true;
  actors::wx::batch_receiver receiver{*sink, bridge, [&](const actors::ui_batch& batch) {
    in_order = in_order && batch.sequence == last_sequence + 1;
    last_sequence = batch.sequence;
    applied_events += batch.events.size();
    ++applied_batches;
  }, timing};
  receiver.observe([&](const actors::ui_batch&) { ++observed_batches; });
  say(bridge, 5'000);
  REQUIRE(pump_until([&] { return applied_events == 5'000; }, 20s));
  // The last batch's acknowledgement may still be on its way.
  REQUIRE(pump_until([&] { return stats(bridge).in_flight == 0; }, 5s));
  auto st = stats(bridge);
  CHECK(in_order);
  CHECK(st.batches_posted == applied_batches);
  CHECK(observed_batches == applied_batches);
  CHECK(st.stray_acks == 0);
  CHECK(st.pending == 0);
}

TEST_CASE_METHOD(bridge_fixture,
                 "two sinks on one target never mix, and a receiver that is gone applies nothing") {
  auto sink_a = std::make_shared<actors::wx::ui_sink>(the_app);
  auto sink_b = std::make_shared<actors::wx::ui_sink>(the_app);
  CHECK(sink_a->id() != sink_b->id());
  auto bridge_a = spawn_bridge(sink_a);
  auto bridge_b = spawn_bridge(sink_b);
  std::size_t applied_a = 0, applied_b = 0;
  auto receiver_a = std::make_unique<actors::wx::batch_receiver>(
    *sink_a, bridge_a, [&](const actors::ui_batch& batch) { applied_a += batch.events.size(); });
  actors::wx::batch_receiver receiver_b{
    *sink_b, bridge_b, [&](const actors::ui_batch& batch) { applied_b += batch.events.size(); }};
  say(bridge_a, 10);
  say(bridge_b, 20);
  REQUIRE(pump_until([&] { return applied_a == 10 && applied_b == 20; }, 10s));
  REQUIRE(pump_until([&] { return stats(bridge_a).in_flight == 0; }, 5s));
  auto posted = stats(bridge_a).batches_posted;
  receiver_a.reset();
  say(bridge_a, 1);
  REQUIRE(pump_until([&] { return stats(bridge_a).batches_posted == posted + 1; }, 10s));
  CHECK_FALSE(pump_until([&] { return applied_a > 10; }, 200ms));
  CHECK(applied_b == 20);
  // Never acknowledged, so the bridge holds whatever comes next.
  CHECK(stats(bridge_a).in_flight == 1);
}
