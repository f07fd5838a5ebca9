#include "actors/termination_signal.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <unistd.h>

#include <caf/abstract_actor.hpp>
#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/after.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "actors/system_config.hpp"
#include "actors/ui_event.hpp"

using namespace std::chrono_literals;

// ctest runs each test case in a process of its own, so blocking the
// signals here affects no other test.
TEST_CASE("the termination watch turns SIGTERM into one stop_requested event") {
  actors::block_termination_signals(); // before the actor system's threads
  actors::system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor ui{sys}; // stands in for the UI bridge
  auto watch = actors::spawn_termination_watch(sys, ui, 10ms);
  REQUIRE(::kill(::getpid(), SIGTERM) == 0);
  bool received = false;
  ui->receive(
    [&](const actors::ui_event& event) {
      received = true;
      CHECK(event.kind == actors::ui_event_kind::stop_requested);
      CHECK(event.message == "SIGTERM");
    },
    caf::after(10s) >> [] { FAIL("no stop_requested within 10 s"); });
  CHECK(received);
  // The watch quits after the first signal: the system's join does not hang.
}

TEST_CASE("without a signal the termination watch stays quiet and stops on an exit message") {
  actors::block_termination_signals();
  actors::system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor ui{sys};
  auto watch = actors::spawn_termination_watch(sys, ui, 10ms);
  bool quiet = false;
  ui->receive([&](const actors::ui_event&) { FAIL("an event without a signal"); },
              caf::after(100ms) >> [&] { quiet = true; });
  CHECK(quiet);
  caf::anon_send_exit(watch, caf::exit_reason::user_shutdown);
}

TEST_CASE("the termination watch runs on a thread of its own, not on the scheduler's workers") {
  // On a worker, each check (10 a second by default) set that worker
  // polling for more work for 25 ms: an idle client used 5% of a core.
  actors::block_termination_signals();
  actors::system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor ui{sys};
  auto watch = actors::spawn_termination_watch(sys, ui);
  auto* actor = caf::actor_cast<caf::abstract_actor*>(watch);
  REQUIRE(actor != nullptr);
  CHECK(actor->getf(caf::abstract_actor::is_detached_flag));
  caf::anon_send_exit(watch, caf::exit_reason::user_shutdown);
}

TEST_CASE("SIGHUP stops the program like SIGTERM (a closed terminal)") {
  std::signal(SIGHUP, SIG_DFL);
  actors::block_termination_signals();
  REQUIRE(::kill(::getpid(), SIGHUP) == 0);
  CHECK(actors::wait_for_termination_signal(5s) == SIGHUP);
}

TEST_CASE("SIGHUP ignored when the program started (nohup) stays ignored") {
  std::signal(SIGHUP, SIG_IGN);
  actors::block_termination_signals();
  REQUIRE(::kill(::getpid(), SIGHUP) == 0);
  CHECK(actors::wait_for_termination_signal(200ms) == 0);
  REQUIRE(::kill(::getpid(), SIGTERM) == 0);
  CHECK(actors::wait_for_termination_signal(5s) == SIGTERM);
}
