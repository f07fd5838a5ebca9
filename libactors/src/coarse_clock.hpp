#pragma once

// A cheap steady-clock reading for bookkeeping per read or write. Internal.

#include <chrono>
#include <ctime>

namespace actors::detail {

/// `steady_clock::now()` to within a kernel tick, never earlier than the
/// exact time: the kernel's coarse monotonic clock (the same clock as
/// steady_clock, read without the hardware counter) plus its resolution.
/// For timestamps such as "last read", which idle timeouts compare with
/// steady_clock::now(): such a timeout may fire a tick late, never early.
inline std::chrono::steady_clock::time_point coarse_now() noexcept {
  static const auto resolution = [] {
    timespec res{};
    clock_getres(CLOCK_MONOTONIC_COARSE, &res);
    return std::chrono::seconds{res.tv_sec} + std::chrono::nanoseconds{res.tv_nsec};
  }();
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
  auto since_boot = std::chrono::seconds{now.tv_sec} + std::chrono::nanoseconds{now.tv_nsec};
  return std::chrono::steady_clock::time_point{
    std::chrono::duration_cast<std::chrono::steady_clock::duration>(since_boot + resolution)};
}

} // namespace actors::detail
