#pragma once

#include <chrono>

#include <caf/actor_system_config.hpp>

namespace actors {

/// An actor system configuration with what libactors needs: the I/O
/// middleman loaded and every libactors message type registered.
/// Use it (or derive from it) instead of a plain caf::actor_system_config.
class system_config : public caf::actor_system_config {
public:
  /// Loads caf::io::middleman, registers libactors' message types and
  /// starts one scheduler worker per core (CAF's own default is at least
  /// four). Change the count with `set("scheduler.max-threads", n)`.
  system_config();

  /// Runs every thread the actor system starts (scheduler workers, the I/O
  /// multiplexer, the clock, detached actors) `nice_increment` nice levels
  /// below the thread that creates the system, such as a GUI's main
  /// thread. When the cores are busy (a peer flooding a connection), the
  /// UI keeps its share of them and the actors wait, which backpressure
  /// keeps bounded. Call it before the actor system is created. Linux
  /// caps nice values at 19; an unprivileged process cannot take a
  /// priority back, so a negative increment throws std::invalid_argument.
  system_config& lower_thread_priority(int nice_increment = 10);

  /// Lets scheduler workers without work sleep instead of polling, so that
  /// a desktop program that is idle or receives a little leaves the cores
  /// alone. CAF's workers poll for 25 ms after each job (500 times, 50 us
  /// apart) and, once idle, wake every 10 ms to look for work to steal:
  /// with a line arriving every 100 ms, the client's workers (then four)
  /// switched 9,000 times a second and used 12% of a core. This polls for
  /// about 0.5 ms after a job (`work-stealing.moderate-poll-attempts` 10)
  /// and lets idle workers look every `period` (`relaxed-sleep-duration`).
  /// A message for a sleeping worker still wakes it at once; only stealing
  /// from a busy worker waits up to `period`. A period of zero or less
  /// throws std::invalid_argument.
  system_config& relax_idle_workers(std::chrono::milliseconds period
                                    = std::chrono::milliseconds{100});
};

/// Registers every libactors message type with `cfg`. `system_config` calls
/// this; call it yourself only when you build your own configuration.
void add_message_types(caf::actor_system_config& cfg);

} // namespace actors
