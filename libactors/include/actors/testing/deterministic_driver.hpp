#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <utility>

#include <caf/actor.hpp>
#include <caf/after.hpp>
#include <caf/fwd.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/timespan.hpp>

namespace actors::testing {

/// Drives an actor system built with `deterministic_config`: nothing runs
/// until you call `run` (or a function that calls it), and then every actor
/// runs on the calling thread, one message at a time, in the order the
/// messages were sent. Time is simulated: it passes only through `advance`
/// and `run_until`. CAF's own test DSL (caf/test/dsl.hpp) needs CAF's test
/// runner; this is the small part of it that works from any test framework.
/// Call it from the one thread that owns the actor system.
class deterministic_driver {
public:
  /// Drives `system`, whose scheduler must be the testing one.
  explicit deterministic_driver(caf::actor_system& system);

  /// Runs until no actor has a message left; returns how many ran.
  /// Does not let time pass.
  std::size_t run();

  /// Lets `duration` of simulated time pass, firing every timer that falls
  /// due, and runs after each; returns the number of timers fired.
  std::size_t advance(caf::timespan duration);

  /// Runs, then fires timers in time order (running after each) until
  /// `done()` holds or the next timer is more than `limit` away from now.
  /// Returns whether `done()` held. The clock ends at the last timer fired.
  bool run_until(const std::function<bool()>& done, caf::timespan limit);

  /// Simulated time elapsed since the driver was created.
  caf::timespan elapsed() const;

  /// Sends `xs...` from `self` to `dest`, runs, and returns the reply if one
  /// arrived (the handler at `dest` returned a `T`).
  template <class T, class... Ts>
  std::optional<T> ask(caf::scoped_actor& self, const caf::actor& dest,
                       Ts&&... xs) {
    self->send(dest, std::forward<Ts>(xs)...);
    run();
    std::optional<T> result;
    self->receive([&](T& x) { result = std::move(x); },
                  caf::after(std::chrono::milliseconds{0}) >> [] {});
    return result;
  }

private:
  caf::scheduler::test_coordinator* sched_;
  caf::timespan start_;
};

} // namespace actors::testing
