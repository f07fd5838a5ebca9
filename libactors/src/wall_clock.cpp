#include "actors/wall_clock.hpp"

namespace actors {

std::chrono::nanoseconds wall_clock_now() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
    std::chrono::system_clock::now().time_since_epoch());
}

} // namespace actors
