#pragma once

// TAP version 13 on stdout (--tap), as prove and other TAP harnesses read
// it: the plan first, then per script its step log as "# " comments, its
// "ok N - FILE" or "not ok N - FILE", and for a failure a YAML block.

#include <cstddef>
#include <ostream>

#include "file_run.hpp"

namespace actors::testing {

/// Writes "TAP version 13" and the plan "1..COUNT".
void write_tap_plan(std::ostream& out, std::size_t count);

/// Writes the result of the `number`th script (from 1).
void write_tap_result(std::ostream& out, std::size_t number, const file_run& run);

} // namespace actors::testing
