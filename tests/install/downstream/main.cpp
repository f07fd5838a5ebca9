// A downstream program: uses an installed libactors through find_package.
#include <actors/framing.hpp>

#include <cstdio>

int main() {
  actors::frame_decoder decoder;
  int frames = 0;
  auto err = decoder.feed("one\ntwo\n", [&](std::string_view) { ++frames; });
  if (err || frames != 2) {
    std::puts("downstream: decoding failed");
    return 1;
  }
  std::puts("downstream: ok");
  return 0;
}
