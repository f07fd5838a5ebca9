#include "server_process.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <filesystem>
#include <thread>
#include <unistd.h>

#include <re2/re2.h>

#include "actors/error_kind.hpp"

extern char** environ;

namespace actors::testing::detail {

namespace {

using clock_type = std::chrono::steady_clock;

constexpr std::size_t tail_bytes = 2048;

// An unnamed file for the child's output: it can never block on a full
// pipe, and we read it with pread, leaving the shared offset to the child.
int output_file(const char* name) {
  return ::memfd_create(name, MFD_CLOEXEC);
}

std::size_t file_size(int fd) {
  struct stat st {};
  return ::fstat(fd, &st) == 0 ? static_cast<std::size_t>(st.st_size) : 0;
}

std::string read_range(int fd, std::size_t offset, std::size_t size) {
  std::string result(size, '\0');
  auto n = ::pread(fd, result.data(), size, static_cast<off_t>(offset));
  result.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return result;
}

std::string signal_name(int sig) {
  auto* abbrev = ::sigabbrev_np(sig);
  return abbrev != nullptr ? std::string{"SIG"} + abbrev : std::to_string(sig);
}

caf::error start_error(const std::string& message) {
  return caf::make_error(error_kind::io_failure, message);
}

// Reads the lines a child writes to a file, as they are completed.
struct line_scanner {
  explicit line_scanner(int file) : fd(file) {
    // nop
  }

  int fd;
  // Bytes read so far, and those of the line not complete yet.
  std::size_t offset = 0;
  std::string partial;

  // The next complete line, if there is one.
  bool next_line(std::string& line) {
    for (;;) {
      if (auto eol = partial.find('\n'); eol != std::string::npos) {
        line = partial.substr(0, eol);
        partial.erase(0, eol + 1);
        return true;
      }
      auto size = file_size(fd);
      if (size <= offset)
        return false;
      auto chunk = read_range(fd, offset, std::min<std::size_t>(size - offset, 64 * 1024));
      offset += chunk.size();
      partial += chunk;
      if (partial.size() > 64 * 1024) // a line that long holds no address
        partial.clear();
    }
  }
};

// Finds the address in `line`, or nothing.
std::optional<std::string> match_address(const RE2& pattern, const std::string& line) {
  std::string captured;
  if (!RE2::PartialMatch(line, pattern, &captured))
    return std::nullopt;
  return captured;
}

} // namespace

caf::expected<server_endpoint> parse_server_endpoint(const std::string& text) {
  server_endpoint result{"127.0.0.1", 0};
  auto colon = text.rfind(':');
  auto port_text = colon == std::string::npos ? text : text.substr(colon + 1);
  if (colon != std::string::npos)
    result.host = text.substr(0, colon);
  if (result.host.size() >= 2 && result.host.front() == '[' && result.host.back() == ']')
    result.host = result.host.substr(1, result.host.size() - 2);
  char* end = nullptr;
  errno = 0;
  auto port = std::strtoul(port_text.c_str(), &end, 10);
  if (port_text.empty() || *end != '\0' || errno != 0 || port == 0 || port > 65535
      || result.host.empty())
    return caf::make_error(error_kind::invalid_argument,
                           "\"" + text + "\" is not HOST:PORT");
  result.port = static_cast<std::uint16_t>(port);
  if (result.host == "0.0.0.0" || result.host == "*")
    result.host = "127.0.0.1";
  else if (result.host == "::")
    result.host = "::1";
  return result;
}

caf::expected<std::unique_ptr<server_process>>
server_process::start(const std::vector<std::string>& command,
                      const std::string& port_pattern,
                      std::chrono::milliseconds timeout) {
  if (command.empty())
    return caf::make_error(error_kind::invalid_argument, "server run needs a command");
  RE2 pattern{port_pattern.empty() ? std::string{"listening on (\\S+)"} : port_pattern};
  if (!pattern.ok())
    return caf::make_error(error_kind::invalid_argument,
                           "bad port pattern: " + pattern.error());
  if (pattern.NumberOfCapturingGroups() < 1)
    return caf::make_error(error_kind::invalid_argument,
                           "the port pattern needs a capture group: (PORT) or "
                           "(HOST:PORT)");
  std::unique_ptr<server_process> self{new server_process};
  self->name_ = command.front();
  self->stdout_fd_ = output_file("server-stdout");
  self->stderr_fd_ = output_file("server-stderr");
  if (self->stdout_fd_ < 0 || self->stderr_fd_ < 0)
    return start_error(std::string{"cannot create output files: "} + std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, self->stdout_fd_, 1);
  posix_spawn_file_actions_adddup2(&actions, self->stderr_fd_, 2);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setpgroup(&attributes, 0);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGPIPE);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF
                                          | POSIX_SPAWN_SETSIGMASK);
  std::vector<char*> argv;
  for (auto& arg : command)
    argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  auto rc = ::posix_spawnp(&self->pid_, argv[0], &actions, &attributes, argv.data(),
                           environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (rc != 0) {
    self->pid_ = -1;
    auto& program = command.front();
    // As a shell says it: a bare name was looked up on PATH.
    std::string why = std::strerror(rc);
    if (rc == ENOENT && program.find('/') == std::string::npos)
      why = "not found on PATH (give a path, e.g. ./" + program + ", or ${VAR} set by the test)";
    else if (rc == EACCES && std::filesystem::is_directory(program))
      why = "a directory, not a program";
    else if (rc == EACCES)
      why += " (is it executable?)";
    return start_error("cannot start " + program + ": " + why);
  }
  auto deadline = clock_type::now() + timeout;
  // Servers announce themselves on stdout or, as loggers do, on stderr.
  line_scanner scanners[] = {line_scanner{self->stdout_fd_}, line_scanner{self->stderr_fd_}};
  // A match that is no address (a usage text's "listening on ADDR:PORT")
  // does not end the wait: the server may yet print its address, or end
  // and say why.
  std::string not_an_address;
  for (;;) {
    for (auto& scanner : scanners) {
      std::string line;
      while (scanner.next_line(line)) {
        auto address = match_address(pattern, line);
        if (!address)
          continue;
        auto endpoint = parse_server_endpoint(*address);
        if (!endpoint) {
          if (not_an_address.empty())
            not_an_address = "; it printed \"" + line + "\", but "
                             + actors::message_of(endpoint.error());
          continue;
        }
        self->endpoint_ = *endpoint;
        return self;
      }
    }
    bool gone = self->ended();
    if (gone || clock_type::now() >= deadline) {
      auto shown = read_range(self->stdout_fd_, 0, 512);
      while (!shown.empty() && shown.back() == '\n')
        shown.pop_back();
      auto printed = shown.empty() ? std::string{"nothing"} : "\"" + shown + "\"";
      std::string what = gone ? "it " + self->how_it_ended()
                              : "it printed no such line within "
                                  + std::to_string(timeout.count()) + " ms";
      auto tail = self->stderr_tail();
      return start_error("the server " + command.front() + " did not say where it "
                         "listens (expected a line matching /" + pattern.pattern()
                         + "/ on its stdout or stderr; a server that buffers its "
                         "output must flush that line): " + what + not_an_address
                         + "; its stdout had " + printed
                         + (tail.empty() ? "" : "; its stderr ends with:\n" + tail));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  }
}

server_process::~server_process() {
  if (pid_ > 0)
    stop(std::chrono::milliseconds{5000});
  if (stdout_fd_ >= 0)
    ::close(stdout_fd_);
  if (stderr_fd_ >= 0)
    ::close(stderr_fd_);
}

bool server_process::ended() {
  if (reaped_)
    return true;
  if (pid_ <= 0)
    return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) != pid_)
    return false;
  status_ = status;
  reaped_ = true;
  return true;
}

std::string server_process::how_it_ended() const {
  if (WIFEXITED(status_))
    return "exited with status " + std::to_string(WEXITSTATUS(status_));
  if (WIFSIGNALED(status_))
    return "was killed by " + signal_name(WTERMSIG(status_));
  return "ended";
}

std::string server_process::stderr_tail() const {
  return tail_of(stderr_fd_);
}

std::string server_process::tail_of(int fd) const {
  auto size = file_size(fd);
  auto from = size > tail_bytes ? size - tail_bytes : 0;
  auto text = read_range(fd, from, size - from);
  if (from > 0) {
    auto eol = text.find('\n');
    text = "..." + (eol == std::string::npos ? text : text.substr(eol + 1));
  }
  while (!text.empty() && text.back() == '\n')
    text.pop_back();
  return text;
}

std::string server_process::stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0)
    return {};
  auto pid = pid_;
  pid_ = -1;
  if (!reaped_) {
    ::kill(-pid, SIGTERM);
    auto deadline = clock_type::now() + grace;
    int status = 0;
    while (::waitpid(pid, &status, WNOHANG) == 0 && clock_type::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds{5});
    if (::waitpid(pid, &status, WNOHANG) == 0) {
      ::kill(-pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      status_ = status;
      reaped_ = true;
      ::kill(-pid, SIGKILL); // anything it left in its group
      return "the server " + name_ + " did not stop within "
             + std::to_string(grace.count()) + " ms of SIGTERM and was killed";
    }
    status_ = status;
    reaped_ = true;
  }
  ::kill(-pid, SIGKILL); // anything it left in its group
  // 0, death by SIGTERM, or 128 + SIGTERM (the shell's way of saying so,
  // which socat and the JVM follow) is a clean stop.
  bool well = (WIFEXITED(status_)
               && (WEXITSTATUS(status_) == 0 || WEXITSTATUS(status_) == 128 + SIGTERM))
              || (WIFSIGNALED(status_) && WTERMSIG(status_) == SIGTERM);
  if (well)
    return {};
  auto tail = stderr_tail();
  return "the server " + name_ + " " + how_it_ended()
         + (tail.empty() ? "" : "; its stderr ends with:\n" + tail);
}

std::string server_process::diagnostics() {
  // A server that closed its peers' connections may be exiting: a moment
  // lets its exit status and last words be part of the failure.
  auto deadline = clock_type::now() + std::chrono::milliseconds{50};
  while (!ended() && clock_type::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  std::string result;
  auto add = [&result](const char* stream, const std::string& tail) {
    if (!tail.empty())
      result += (result.empty() ? "the server's " : "; its ") + std::string{stream}
                + " ends with:\n" + tail;
  };
  if (ended()) {
    result = "the server " + name_ + " " + how_it_ended();
    // Its stdout too: some apps say why they stopped there.
    add("stdout", tail_of(stdout_fd_));
  }
  add("stderr", stderr_tail());
  return result;
}

} // namespace actors::testing::detail
