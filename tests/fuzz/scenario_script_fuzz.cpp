// The scenario-script parser on arbitrary text: it must never crash or hang,
// and every refusal names a line of the input and says what is wrong.

#include <cstdlib>
#include <string_view>

#include "actors/testing/scenario_script.hpp"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  std::string_view text{reinterpret_cast<const char*>(data), size};
  auto result = actors::testing::parse_script(text);
  std::size_t lines = 1;
  for (auto c : text)
    if (c == '\n')
      ++lines;
  if (!result) {
    if (result.error->line == 0 || result.error->line > lines
        || result.error->message.empty())
      std::abort();
  } else if (result.value.steps.size() > lines) {
    std::abort(); // at most one step per line
  }
  (void) actors::testing::parse_duration(text.substr(0, 32));
  return 0;
}
