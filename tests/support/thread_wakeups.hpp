#pragma once

// How often this process's threads went to sleep: a count of wakeups, for
// tests that check a program leaves the cores alone when idle.

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace testing_support {

/// The voluntary context switches of this process's threads so far (each
/// is a sleep, so each wakeup counts once), of those whose name starts with
/// `name_prefix` (all by default). Switches forced by other load on the
/// machine (involuntary ones) are not counted: a busy host running tests
/// beside this one made an idle program look restless.
inline long context_switches(std::string_view name_prefix = {}) {
  long total = 0;
  for (auto& task : std::filesystem::directory_iterator{"/proc/self/task"}) {
    std::ifstream status{task.path() / "status"};
    std::string line, name;
    long count = 0;
    while (std::getline(status, line)) {
      if (line.rfind("Name:", 0) == 0)
        name = line.substr(line.find_first_not_of(" \t", 5));
      else if (line.rfind("voluntary_ctxt_switches:", 0) == 0)
        count += std::stol(line.substr(line.find(':') + 1));
    }
    if (name.rfind(name_prefix, 0) == 0)
      total += count;
  }
  return total;
}

} // namespace testing_support
