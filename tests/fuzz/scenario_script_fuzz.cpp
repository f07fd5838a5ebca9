// The scenario-script parser on arbitrary text: it must never crash or hang,
// every refusal names a line of the input (or, for a script without steps,
// none) and says what is wrong, and
// `repeat` cannot blow a script up past its step limit.

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
    // An error in an included file names that file; ours name our lines,
    // except that a script without steps is wrong as a whole (line 0).
    bool ours = result.error->file.empty();
    bool whole = result.error->message.rfind("no steps", 0) == 0;
    if (result.error->message.empty()
        || (ours && (result.error->line > lines || (result.error->line == 0 && !whole))))
      std::abort();
  } else {
    if (result.value.steps.size() > 100'000)
      std::abort(); // `repeat` is bounded
    for (auto& step : result.value.steps)
      if (step.file.empty() && (step.line == 0 || step.line > lines))
        std::abort();
  }
  (void) actors::testing::parse_duration(text.substr(0, 32));
  return 0;
}
