#include "actors/testing/deterministic_driver.hpp"

#include <caf/actor_system.hpp>
#include <caf/scheduler/test_coordinator.hpp>

namespace actors::testing {

namespace {

caf::scheduler::test_coordinator* coordinator(caf::actor_system& system) {
  return &dynamic_cast<caf::scheduler::test_coordinator&>(system.scheduler());
}

} // namespace

deterministic_driver::deterministic_driver(caf::actor_system& system)
  : sched_(coordinator(system)),
    start_(sched_->clock().current_time.time_since_epoch()) {
  // nop
}

std::size_t deterministic_driver::run() {
  return sched_->run();
}

std::size_t deterministic_driver::advance(caf::timespan duration) {
  auto& clock = sched_->clock();
  auto end = clock.current_time + duration;
  std::size_t fired = 0;
  run();
  while (clock.has_pending_timeout() && clock.schedule().begin()->first <= end) {
    clock.trigger_timeout();
    ++fired;
    run();
  }
  clock.current_time = end;
  return fired;
}

bool deterministic_driver::run_until(const std::function<bool()>& done,
                                     caf::timespan limit) {
  auto& clock = sched_->clock();
  auto end = clock.current_time + limit;
  run();
  while (!done()) {
    if (!clock.has_pending_timeout() || clock.schedule().begin()->first > end)
      return false;
    clock.trigger_timeout();
    run();
  }
  return true;
}

caf::timespan deterministic_driver::elapsed() const {
  return sched_->clock().current_time.time_since_epoch() - start_;
}

} // namespace actors::testing
