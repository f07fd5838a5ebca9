#include "actors/termination_signal.hpp"

#include <atomic>
#include <csignal>
#include <ctime>
#include <optional>
#include <pthread.h>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/type_id.hpp>

#include "actors/ui_event.hpp"

CAF_BEGIN_TYPE_ID_BLOCK(actors_signal_internal, caf::first_custom_type_id + 940)

  /// Timer: look for a pending SIGINT or SIGTERM again.
  CAF_ADD_ATOM(actors_signal_internal, actors, check_atom, "sig_check")

CAF_END_TYPE_ID_BLOCK(actors_signal_internal)

namespace actors {

namespace {

// Whether SIGHUP ends the program too: unless it was ignored when the
// program started (nohup), a closed terminal stops it like SIGTERM, with
// its log complete, instead of killing it.
std::atomic<bool> hangup_stops{false};

sigset_t termination_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  if (hangup_stops)
    sigaddset(&set, SIGHUP);
  return set;
}

const char* signal_name(int signal_number) {
  switch (signal_number) {
    case SIGINT: return "SIGINT";
    case SIGHUP: return "SIGHUP";
    default: return "SIGTERM";
  }
}

// Takes a pending SIGINT or SIGTERM without waiting; nullopt when none is.
std::optional<int> take_termination_signal() {
  auto set = termination_signals();
  timespec no_wait{0, 0};
  auto signal_number = sigtimedwait(&set, nullptr, &no_wait);
  if (signal_number < 0)
    return std::nullopt;
  return signal_number;
}

caf::behavior termination_watch(caf::event_based_actor* self, caf::actor ui_bridge,
                                std::chrono::milliseconds interval) {
  self->delayed_send(self, interval, check_atom_v);
  return {
    [=](check_atom) {
      auto signal_number = take_termination_signal();
      if (!signal_number) {
        self->delayed_send(self, interval, check_atom_v);
        return;
      }
      ui_event event;
      event.kind = ui_event_kind::stop_requested;
      event.time = wall_clock_now();
      event.message = signal_name(*signal_number);
      self->send(ui_bridge, std::move(event));
      self->quit();
    },
  };
}

} // namespace

void block_termination_signals() {
  // A shell starts background jobs with SIGINT ignored; an ignored signal
  // is discarded instead of left pending for sigwait, so restore the default.
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  struct sigaction hangup {};
  hangup_stops = ::sigaction(SIGHUP, nullptr, &hangup) == 0 && hangup.sa_handler != SIG_IGN;
  auto set = termination_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int wait_for_termination_signal() {
  auto set = termination_signals();
  int signal_number = 0;
  sigwait(&set, &signal_number);
  return signal_number;
}

int wait_for_termination_signal(std::chrono::milliseconds timeout) {
  auto set = termination_signals();
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout);
  timespec span{static_cast<std::time_t>(seconds.count()),
                static_cast<long>(std::chrono::nanoseconds{timeout - seconds}.count())};
  auto signal_number = sigtimedwait(&set, nullptr, &span);
  return signal_number > 0 ? signal_number : 0;
}

caf::actor spawn_termination_watch(caf::actor_system& system, caf::actor ui_bridge,
                                   std::chrono::milliseconds interval) {
  // On a thread of its own: its timer then wakes only that thread. On the
  // scheduler, each check woke a worker, which then polled for more work
  // for 25 ms (CAF's moderate polling): an idle client spent 5% of a core
  // and thousands of wakeups a second on it.
  return system.spawn<caf::detached>(termination_watch, std::move(ui_bridge), interval);
}

} // namespace actors
