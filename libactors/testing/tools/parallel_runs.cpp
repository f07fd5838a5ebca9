#include "parallel_runs.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <future>
#include <thread>

namespace actors::testing {

std::vector<file_run> run_in_parallel(const std::vector<std::string>& files, std::size_t jobs,
                                      const std::function<file_run(const std::string&)>& run,
                                      const std::function<void(const file_run&)>& finished) {
  std::vector<file_run> results;
  results.reserve(files.size());
  if (jobs <= 1) {
    for (auto& file : files) {
      results.push_back(run(file));
      finished(results.back());
    }
    return results;
  }
  // One promise per file: workers take the next file from `next` and fulfil
  // its promise; this thread waits on them in order. Nothing else is shared.
  std::vector<std::promise<file_run>> promises(files.size());
  std::vector<std::future<file_run>> futures;
  for (auto& promise : promises)
    futures.push_back(promise.get_future());
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (auto i = next++; i < files.size(); i = next++) {
      try {
        promises[i].set_value(run(files[i]));
      } catch (...) {
        promises[i].set_exception(std::current_exception());
      }
    }
  };
  std::vector<std::thread> workers;
  for (std::size_t i = 0; i < std::min(jobs, files.size()); ++i)
    workers.emplace_back(work);
  std::exception_ptr failure;
  for (auto& future : futures) {
    try {
      results.push_back(future.get());
      if (!failure)
        finished(results.back());
    } catch (...) {
      // Keep waiting: the workers use `promises`, which must outlive them.
      if (!failure)
        failure = std::current_exception();
    }
  }
  for (auto& worker : workers)
    worker.join();
  if (failure)
    std::rethrow_exception(failure);
  return results;
}

} // namespace actors::testing
