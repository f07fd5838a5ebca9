// The C++ side of actors::testing from an installed libactors: starts the
// tiny server given as argv[1] and checks one exchange, with a pattern.
// Exit status 0 on success; the failure otherwise.

#include <actors/testing/scenario.hpp>

#include <chrono>
#include <iostream>

int main(int argc, char** argv) {
  using namespace std::chrono_literals;
  if (argc != 2) {
    std::cerr << "usage: scenario_check SERVER\n";
    return 2;
  }
  actors::testing::scenario s;
  std::string word;
  for (auto step : {s.run_server({argv[1], "--port", "0"}, "", 10s), s.connect("c1"),
                    s.send("c1", "quiet"),
                    s.expect_frame("c1", {"^([A-Z]+)$", true}, 5s, &word)}) {
    if (!step) {
      std::cerr << step.message() << '\n';
      return 1;
    }
  }
  std::cout << "the server answered " << word << '\n';
  return word == "QUIET" ? 0 : 1;
}
