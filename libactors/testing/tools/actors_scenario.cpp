// actors-scenario FILE... : runs scenario scripts headlessly (see
// docs/scenarios.md). Prints each step; exits non-zero when a script fails,
// naming the failing line. With --expect-failure LINE, a script passes only
// if it fails exactly at LINE (to prove that wrong expectations are caught).

#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "actors/testing/script_runner.hpp"
#include "actors/testing/scenario_script.hpp"

namespace {

struct arguments {
  std::vector<std::string> files;
  std::optional<std::size_t> expected_failure;
};

int usage() {
  std::cerr << "usage: actors-scenario [--expect-failure LINE] FILE...\n";
  return 2;
}

std::optional<arguments> parse_arguments(int argc, char** argv) {
  arguments result;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--expect-failure" && i + 1 < argc) {
      auto line = std::stoul(argv[++i]);
      if (line == 0)
        return std::nullopt;
      result.expected_failure = line;
    } else if (!arg.empty() && arg[0] == '-') {
      return std::nullopt;
    } else {
      result.files.push_back(arg);
    }
  }
  if (result.files.empty())
    return std::nullopt;
  return result;
}

// Runs one file; returns true if it met the expectation.
bool run_file(const std::string& file, std::optional<std::size_t> expected_failure) {
  std::ifstream in{file};
  if (!in) {
    std::cerr << file << ": error: cannot open the file\n";
    return false;
  }
  std::stringstream text;
  text << in.rdbuf();
  auto report = actors::testing::run_script(text.str(), file, std::cout);
  if (!expected_failure) {
    std::cout << file << (report.passed ? ": passed" : ": FAILED") << std::endl;
    return report.passed;
  }
  if (report.failed_line == *expected_failure) {
    std::cout << file << ": failed at line " << report.failed_line
              << " as expected" << std::endl;
    return true;
  }
  std::cout << file << ":" << *expected_failure << ": error: expected this "
            << "line to fail, but "
            << (report.passed ? std::string{"the script passed"}
                              : "line " + std::to_string(report.failed_line)
                                  + " failed")
            << std::endl;
  return false;
}

} // namespace

int main(int argc, char** argv) {
  std::optional<arguments> args;
  try {
    args = parse_arguments(argc, argv);
  } catch (const std::exception&) {
    return usage();
  }
  if (!args)
    return usage();
  bool ok = true;
  for (auto& file : args->files)
    ok = run_file(file, args->expected_failure) && ok;
  return ok ? 0 : 1;
}
