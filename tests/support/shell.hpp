#pragma once

// Runs a shell command for tests that check a program's whole output
// (promtool, curl, a Python script): stdout and stderr together, and the
// exit status.

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>
#include <sys/wait.h>
#include <unistd.h>

namespace testing_support {

/// What a command printed (stdout and stderr) and its exit status (-1 if
/// it did not exit normally).
struct shell_result {
  std::string out;
  int status = -1;
};

/// Runs `command` with /bin/sh, `input` on its stdin.
inline shell_result run_shell(const std::string& command, const std::string& input = {}) {
  char path[] = "/tmp/actors_shell_input_XXXXXX";
  int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  ::close(fd);
  std::ofstream{path, std::ios::binary} << input;
  shell_result result;
  auto* pipe = ::popen((command + " < " + path + " 2>&1").c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;)
    result.out.append(buf, n);
  int status = ::pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::remove(path);
  return result;
}

} // namespace testing_support
