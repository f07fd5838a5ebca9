#pragma once

// Real processes for tests: examples and third-party peers (socat, ncat),
// with their stdin and stdout (and, if asked, stderr) as pipes. Every read,
// write and wait has a deadline.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace testing_support {

/// Where a child's standard error goes.
enum class stderr_to : std::uint8_t {
  /// To ours (the test's output).
  ours,
  /// To a pipe the test reads with `read_stderr`.
  pipe,
};

/// A child process; killed (SIGKILL) and reaped on destruction if still
/// running. Move-only.
class child_process {
public:
  /// Starts argv[0] (searched on PATH) with pipes for stdin and stdout;
  /// stderr goes to `stderr_file` if given, else to ours.
  explicit child_process(const std::vector<std::string>& argv,
                         const std::string& stderr_file = {});

  /// Starts argv[0] with pipes for stdin and stdout, and stderr going `where`.
  child_process(const std::vector<std::string>& argv, stderr_to where);
  child_process(child_process&& other) noexcept;
  child_process& operator=(child_process&&) = delete;
  ~child_process();

  /// Reads one line of stdout (without the newline); nullopt on timeout/EOF.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);

  /// Reads the child's stderr until it closes it (usually at its exit) or
  /// `timeout` passed; returns what was read. Needs `stderr_to::pipe`.
  std::string read_stderr(std::chrono::milliseconds timeout);

  /// Writes to the child's stdin within `timeout`; throws std::runtime_error
  /// if the child does not take it all by then.
  void write(const std::string& text,
             std::chrono::milliseconds timeout = std::chrono::seconds{30});

  /// Closes the child's stdin (the child sees EOF).
  void close_stdin();

  /// The TCP port the child listens on, once it does (found in /proc, so
  /// it works for peers such as ncat that do not print a port they were
  /// given as 0); nullopt if it does not listen within `timeout`.
  std::optional<std::uint16_t> listening_port(std::chrono::milliseconds timeout);

  /// Sends a signal.
  void signal(int signal_number);

  /// Waits up to `timeout` for the exit; returns the exit status, or
  /// nullopt if it is still running.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);

private:
  int pid_ = -1;
  int group_ = -1; // the child's process group (its pid)
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  int stderr_fd_ = -1;
  std::string pending_;
};

/// Parses the port from a "listening on ADDR:PORT" line; 0 if malformed.
unsigned short port_from_banner(const std::string& line);

/// Starts a server program that prints "listening on ADDR:PORT" first, as
/// the examples do; returns it with that port. Fails the test (REQUIRE) if
/// no such line comes within 5 s.
std::pair<child_process, unsigned short>
start_listening_server(const std::vector<std::string>& argv);

} // namespace testing_support
