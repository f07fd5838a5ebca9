#include "actors/ui_sink.hpp"

namespace actors {

ui_sink::~ui_sink() = default;

} // namespace actors
