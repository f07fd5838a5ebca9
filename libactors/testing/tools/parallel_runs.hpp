#pragma once

// --jobs N: scripts run on N threads at once, and each result comes back to
// the calling thread in the order the files were given, so that logs print
// whole and the output reads as a serial run's would.

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "file_run.hpp"

namespace actors::testing {

/// Runs `run` on every file, on up to `jobs` threads at once (on the
/// calling thread alone when `jobs` is 1), and calls `finished` on the
/// calling thread for each result, in file order, as soon as that file and
/// every one before it are done. `run` must be safe to call from several
/// threads at once. Returns every result, in file order; blocks until all
/// are done. An exception from `run` reaches the caller.
std::vector<file_run> run_in_parallel(const std::vector<std::string>& files, std::size_t jobs,
                                      const std::function<file_run(const std::string&)>& run,
                                      const std::function<void(const file_run&)>& finished);

} // namespace actors::testing
