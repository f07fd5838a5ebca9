// actors::system_config: the threads the actor system starts run below the
// thread that created it when lower_thread_priority asks for it, there is
// one scheduler worker per core, and workers without work sleep sooner and
// longer with relax_idle_workers.

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scheduler/abstract_coordinator.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include <catch2/catch.hpp>

#include "actors/system_config.hpp"
#include "support/thread_wakeups.hpp"

namespace {

// The calling thread's nice value.
int own_nice() {
  errno = 0;
  auto nice = getpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)));
  REQUIRE(errno == 0);
  return nice;
}

// The nice value of the thread that runs a scheduled actor, and of one
// that runs a detached actor.
std::pair<int, int> actor_thread_nice(caf::actor_system& sys) {
  auto ask = [&](caf::actor worker) {
    caf::scoped_actor self{sys};
    int nice = -100;
    self->request(worker, caf::infinite, caf::get_atom::value)
      .receive([&](int value) { nice = value; }, [](caf::error&) { FAIL("no answer"); });
    self->send_exit(worker, caf::exit_reason::user_shutdown);
    return nice;
  };
  auto behavior = [](caf::event_based_actor*) -> caf::behavior {
    return {[](caf::get_atom) { return own_nice(); }};
  };
  auto scheduled = ask(sys.spawn(behavior));
  auto detached = ask(sys.spawn<caf::detached>(behavior));
  return {scheduled, detached};
}

// The nice value of every other thread of this process, by name (from
// /proc/self/task/TID/stat: the 19th field, after the name in parentheses).
std::multimap<std::string, int> other_threads_nice() {
  std::multimap<std::string, int> result;
  auto self = std::to_string(syscall(SYS_gettid));
  for (auto& task : std::filesystem::directory_iterator{"/proc/self/task"}) {
    if (task.path().filename() == self)
      continue;
    std::ifstream in{task.path() / "stat"};
    std::string stat{std::istreambuf_iterator<char>{in}, {}};
    auto open = stat.find('('), close = stat.rfind(')');
    if (open == std::string::npos || close == std::string::npos)
      continue; // the thread ended meanwhile
    std::istringstream fields{stat.substr(close + 2)};
    std::string field;
    for (int i = 3; i < 19 && fields >> field; ++i) {
    }
    int nice = 0;
    if (fields >> nice)
      result.emplace(stat.substr(open + 1, close - open - 1), nice);
  }
  return result;
}

} // namespace

TEST_CASE("actor threads run at the creator's priority unless told otherwise") {
  actors::system_config cfg;
  caf::actor_system sys{cfg};
  auto [scheduled, detached] = actor_thread_nice(sys);
  CHECK(scheduled == own_nice());
  CHECK(detached == own_nice());
}

TEST_CASE("lower_thread_priority runs every actor thread below the creator's") {
  actors::system_config cfg;
  cfg.lower_thread_priority(7);
  caf::actor_system sys{cfg};
  auto creator = own_nice();
  auto expected = std::min(creator + 7, 19);
  auto [scheduled, detached] = actor_thread_nice(sys);
  CHECK(scheduled == expected);
  CHECK(detached == expected);
  CHECK(own_nice() == creator); // the creating thread keeps its own
  // The multiplexer, the clock and every worker too. CAF names its threads
  // "caf.*" (a sanitizer's own thread is not the actor system's).
  std::size_t caf_threads = 0;
  for (auto& [name, nice] : other_threads_nice()) {
    if (name.rfind("caf.", 0) != 0)
      continue;
    ++caf_threads;
    INFO("thread " << name);
    CHECK(nice == expected);
  }
  CHECK(caf_threads >= 3); // the clock, the multiplexer, a worker at least
}

TEST_CASE("system_config starts one scheduler worker per core unless set otherwise") {
  auto cores = std::max(std::thread::hardware_concurrency(), 1u);
  {
    actors::system_config cfg;
    caf::actor_system sys{cfg};
    CHECK(sys.scheduler().num_workers() == cores); // CAF alone: at least 4
  }
  {
    actors::system_config cfg;
    cfg.set("scheduler.max-threads", std::size_t{3});
    caf::actor_system sys{cfg};
    CHECK(sys.scheduler().num_workers() == 3);
  }
}

TEST_CASE("lower_thread_priority refuses a negative increment") {
  actors::system_config cfg;
  CHECK_THROWS_WITH(cfg.lower_thread_priority(-1),
                    "lower_thread_priority: the increment must be 0 or more, not -1");
}

namespace {

// How often the actor system's threads (CAF names them "caf.*") wake in a
// second of doing nothing: their context switches over it.
long idle_wakeups_per_second() {
  std::this_thread::sleep_for(std::chrono::milliseconds{300}); // settled
  auto before = testing_support::context_switches("caf.");
  std::this_thread::sleep_for(std::chrono::seconds{1});
  return testing_support::context_switches("caf.") - before;
}

// The same while an actor receives a message every 50 ms: after each job
// a worker polls for more before it sleeps.
long wakeups_per_second_at_20_messages(caf::actor_system& sys) {
  auto receiver = sys.spawn([]() -> caf::behavior { return {[](int) {}}; });
  std::this_thread::sleep_for(std::chrono::milliseconds{300}); // settled
  auto before = testing_support::context_switches("caf.");
  for (int i = 0; i < 20; ++i) {
    caf::anon_send(receiver, i);
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  }
  auto wakeups = testing_support::context_switches("caf.") - before;
  caf::anon_send_exit(receiver, caf::exit_reason::user_shutdown);
  return wakeups;
}

} // namespace

TEST_CASE("relax_idle_workers lets an idle actor system sleep") {
  long relaxed = 0, plain = 0;
  {
    actors::system_config cfg;
    caf::actor_system sys{cfg};
    plain = idle_wakeups_per_second();
  }
  {
    actors::system_config cfg;
    cfg.relax_idle_workers(std::chrono::milliseconds{200});
    caf::actor_system sys{cfg};
    relaxed = idle_wakeups_per_second();
  }
  INFO("wakeups per second: " << plain << " by CAF's default, " << relaxed << " relaxed");
  // CAF's default: every worker (one per core) wakes every 10 ms.
  CHECK(plain >= 75 * static_cast<long>(std::max(std::thread::hardware_concurrency(), 1u)));
  CHECK(relaxed < plain / 4);
}

TEST_CASE("relax_idle_workers lets workers sleep soon after a job") {
  long relaxed = 0, plain = 0;
  {
    actors::system_config cfg;
    caf::actor_system sys{cfg};
    plain = wakeups_per_second_at_20_messages(sys);
  }
  {
    actors::system_config cfg;
    cfg.relax_idle_workers();
    caf::actor_system sys{cfg};
    relaxed = wakeups_per_second_at_20_messages(sys);
  }
  INFO("wakeups per second at 20 messages a second: " << plain << " by CAF's default, "
                                                       << relaxed << " relaxed");
  // CAF's default: after each job a worker polls 500 times, 50 us apart.
  CHECK(plain >= 2000);
  CHECK(relaxed < plain / 5);
}

TEST_CASE("relax_idle_workers refuses a period that is not positive") {
  actors::system_config cfg;
  CHECK_THROWS_WITH(cfg.relax_idle_workers(std::chrono::milliseconds{0}),
                    "relax_idle_workers: the period must be positive, not 0 ms");
}
