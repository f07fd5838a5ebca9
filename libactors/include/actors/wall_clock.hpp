#pragma once

#include <chrono>

namespace actors {

/// The current system-clock time since the UNIX epoch, as log records and UI
/// events store it (`log_record::time`, `ui_event::time`). Safe to call from
/// any thread.
std::chrono::nanoseconds wall_clock_now() noexcept;

} // namespace actors
