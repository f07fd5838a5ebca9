#include "actors/direction.hpp"

namespace actors {

const char* to_string(direction dir) noexcept {
  switch (dir) {
    case direction::in: return "in";
    case direction::out: return "out";
    case direction::event: return "event";
  }
  return "event";
}

} // namespace actors
