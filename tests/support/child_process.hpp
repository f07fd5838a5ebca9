#pragma once

// Real processes for tests: examples and third-party peers (socat, ncat),
// with their stdin and stdout as pipes.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace testing_support {

/// A child process; killed (SIGKILL) and reaped on destruction if still
/// running. Move-only.
class child_process {
public:
  /// Starts argv[0] (searched on PATH) with pipes for stdin and stdout;
  /// stderr goes to `stderr_file` if given, else to ours.
  explicit child_process(const std::vector<std::string>& argv,
                         const std::string& stderr_file = {});
  child_process(child_process&& other) noexcept;
  child_process& operator=(child_process&&) = delete;
  ~child_process();

  /// Reads one line of stdout (without the newline); nullopt on timeout/EOF.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);

  /// Writes to the child's stdin.
  void write(const std::string& text);

  /// Closes the child's stdin (the child sees EOF).
  void close_stdin();

  /// Sends a signal.
  void signal(int signal_number);

  /// Waits up to `timeout` for the exit; returns the exit status, or
  /// nullopt if it is still running.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);

private:
  int pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  std::string pending_;
};

/// Parses the port from a "listening on ADDR:PORT" line; 0 if malformed.
unsigned short port_from_banner(const std::string& line);

} // namespace testing_support
