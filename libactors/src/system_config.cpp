#include "actors/system_config.hpp"

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <thread>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <caf/io/middleman.hpp>
#include <caf/timespan.hpp>
#include <caf/thread_hook.hpp>

#include "actors/connection_protocol.hpp"
#include "actors/error_kind.hpp"
#include "actors/log_protocol.hpp"
#include "actors/metrics.hpp"
#include "actors/ui_protocol.hpp"
#include "actors/udp_protocol.hpp"

namespace actors {

namespace {

// Sets the nice value of each thread CAF starts, relative to the creator's.
// On Linux, nice values belong to threads, not to the whole process.
class lower_priority_hook : public caf::thread_hook {
public:
  explicit lower_priority_hook(int increment) : increment_(increment) {}

  void init(caf::actor_system&) override {
    errno = 0;
    auto nice = getpriority(PRIO_PROCESS, 0); // the creating thread's
    base_ = errno == 0 ? nice : 0;
  }

  void thread_started() override {
    // Failing to lower a priority leaves the thread as it was: harmless.
    setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)),
                std::min(base_ + increment_, 19));
  }

  void thread_terminates() override {}

private:
  int increment_;
  int base_ = 0;
};

} // namespace

system_config::system_config() {
  load<caf::io::middleman>();
  // CAF 0.17 starts max(cores, 4) workers. On a 2-core machine the two
  // extra ones only wake to look for work, 100 times a second each, and
  // took about 3% of echo_server's throughput with 100 connections
  // (docs/performance.md).
  auto cores = std::thread::hardware_concurrency();
  set("scheduler.max-threads", std::size_t{cores > 0 ? cores : 1});
  actors::add_message_types(*this);
}

system_config& system_config::lower_thread_priority(int nice_increment) {
  if (nice_increment < 0)
    throw std::invalid_argument("lower_thread_priority: the increment must be 0 or more, not "
                                + std::to_string(nice_increment));
  add_thread_hook<lower_priority_hook>(nice_increment);
  return *this;
}

system_config& system_config::relax_idle_workers(std::chrono::milliseconds period) {
  if (period.count() <= 0)
    throw std::invalid_argument("relax_idle_workers: the period must be positive, not "
                                + std::to_string(period.count()) + " ms");
  // CAF 0.17 reads the work-stealing policy's settings from this category.
  set("work-stealing.relaxed-sleep-duration", caf::timespan{period});
  // 10 polls 50 us apart: work that follows a job within half a millisecond
  // (a reply, the next message of a burst) still finds the worker awake.
  set("work-stealing.moderate-poll-attempts", std::size_t{10});
  return *this;
}

void add_message_types(caf::actor_system_config& cfg) {
  // Each protocol header defines its own type ID block; register them here.
  cfg.add_message_types<caf::id_block::actors_connection>();
  cfg.add_message_types<caf::id_block::actors_ui>();
  cfg.add_message_types<caf::id_block::actors_log>();
  cfg.add_message_types<caf::id_block::actors_udp>();
  cfg.add_message_types<caf::id_block::actors_metrics>();
  add_error_category(cfg);
}

} // namespace actors
