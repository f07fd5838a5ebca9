#include "actors/termination_signal.hpp"

#include <csignal>
#include <ctime>
#include <pthread.h>

namespace actors {

namespace {

sigset_t termination_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

} // namespace

void block_termination_signals() {
  // A shell starts background jobs with SIGINT ignored; an ignored signal
  // is discarded instead of left pending for sigwait, so restore the default.
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
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

} // namespace actors
