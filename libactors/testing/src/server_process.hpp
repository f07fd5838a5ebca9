#pragma once

// The app under test as a process (`server run CMD ARGS...`): started in a
// process group of its own, its address read from its stdout, its stderr
// kept for failure messages, stopped with SIGTERM and then SIGKILL.
// Internal to actors::testing.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <sys/types.h>
#include <vector>

#include <caf/expected.hpp>

namespace actors::testing::detail {

/// Where a server listens.
struct server_endpoint {
  std::string host;
  std::uint16_t port = 0;
};

/// Parses "HOST:PORT", "[V6]:PORT" or a bare port (then 127.0.0.1); a
/// wildcard host (0.0.0.0, ::) becomes the loopback address of its family.
caf::expected<server_endpoint> parse_server_endpoint(const std::string& text);

/// A running server process. Neither copied nor moved.
class server_process {
public:
  /// Starts `command` and waits up to `timeout` for a stdout line matching
  /// `port_pattern` (RE2; its first capture is the port or HOST:PORT; empty
  /// means "listening on HOST:PORT"). Fails, saying what the process
  /// printed and whether it exited, if it does not print one in time.
  static caf::expected<std::unique_ptr<server_process>>
  start(const std::vector<std::string>& command, const std::string& port_pattern,
        std::chrono::milliseconds timeout);

  /// Stops the process if it still runs.
  ~server_process();

  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;

  /// Where it listens.
  const server_endpoint& endpoint() const noexcept { return endpoint_; }

  /// SIGTERM to its group, SIGKILL after `grace`; returns "" if it ended
  /// well (exit status 0, or killed by SIGTERM), else what went wrong.
  std::string stop(std::chrono::milliseconds grace);

  /// "the server (CMD) exited with status 3" and the end of its stdout if
  /// it ended (or ends within 50 ms), and the end of its stderr; empty if
  /// it runs and printed nothing to stderr.
  std::string diagnostics();

private:
  server_process() = default;

  // Reaps the process if it ended; true if it did.
  bool ended();

  // Describes how it ended: "exited with status 3", "was killed by SIGSEGV".
  std::string how_it_ended() const;

  // The last lines of its stderr, at most about 2 KiB.
  std::string stderr_tail() const;
  // The last lines of its stdout (`stdout_fd_`) or stderr, at most about 2 KiB.
  std::string tail_of(int fd) const;

  std::string name_;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int stderr_fd_ = -1;
  // waitpid's status once it ended.
  int status_ = 0;
  bool reaped_ = false;
  server_endpoint endpoint_;
};

} // namespace actors::testing::detail
