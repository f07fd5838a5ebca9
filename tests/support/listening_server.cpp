// Apart from child_process.cpp: this part uses Catch2, which programs such
// as the soak runner that link the support library without it lack.

#include "child_process.hpp"

#include <catch2/catch.hpp>

namespace testing_support {

std::pair<child_process, unsigned short>
start_listening_server(const std::vector<std::string>& argv) {
  child_process server{argv};
  auto banner = server.read_line(std::chrono::seconds{5});
  REQUIRE(banner.has_value());
  auto port = port_from_banner(*banner);
  REQUIRE(port != 0);
  return {std::move(server), port};
}

} // namespace testing_support
