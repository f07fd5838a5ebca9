#pragma once

// The path of an example program, for tests whose target defines
// ACTORS_EXAMPLES_DIR (tests/CMakeLists.txt).

#include <string>

namespace testing_support {

/// ACTORS_EXAMPLES_DIR/name, e.g. example("echo_server").
inline std::string example(const std::string& name) {
  return std::string{ACTORS_EXAMPLES_DIR} + "/" + name;
}

} // namespace testing_support
