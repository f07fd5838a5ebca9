#include "child_process.hpp"

#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <stdexcept>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace testing_support {

child_process::child_process(const std::vector<std::string>& argv,
                             const std::string& stderr_file) {
  int in[2];
  int out[2];
  if (::pipe(in) != 0 || ::pipe(out) != 0)
    throw std::runtime_error("child_process: pipe failed");
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(in[0], STDIN_FILENO);
    ::dup2(out[1], STDOUT_FILENO);
    if (!stderr_file.empty()) {
      int err = ::open(stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (err >= 0)
        ::dup2(err, STDERR_FILENO);
    }
    ::close(in[1]);
    ::close(out[0]);
    std::vector<char*> args;
    for (auto& arg : argv)
      args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  stdin_fd_ = in[1];
  stdout_fd_ = out[0];
}

child_process::child_process(child_process&& other) noexcept
  : pid_(other.pid_), stdin_fd_(other.stdin_fd_),
    stdout_fd_(other.stdout_fd_), pending_(std::move(other.pending_)) {
  other.pid_ = other.stdin_fd_ = other.stdout_fd_ = -1;
}

child_process::~child_process() {
  if (pid_ > 0 && !wait_exit(std::chrono::milliseconds{0})) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  close_stdin();
  if (stdout_fd_ >= 0)
    ::close(stdout_fd_);
}

std::optional<std::string>
child_process::read_line(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (auto pos = pending_.find('\n'); pos != std::string::npos) {
      auto line = pending_.substr(0, pos);
      pending_.erase(0, pos + 1);
      return line;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
    pollfd pfd{stdout_fd_, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&pfd, 1, static_cast<int>(left.count())) <= 0)
      return std::nullopt;
    char buf[4096];
    auto n = ::read(stdout_fd_, buf, sizeof(buf));
    if (n <= 0)
      return std::nullopt;
    pending_.append(buf, static_cast<std::size_t>(n));
  }
}

void child_process::write(const std::string& text) {
  auto n = ::write(stdin_fd_, text.data(), text.size());
  if (n != static_cast<ssize_t>(text.size()))
    throw std::runtime_error("child_process: short write to stdin");
}

void child_process::close_stdin() {
  if (stdin_fd_ >= 0)
    ::close(stdin_fd_);
  stdin_fd_ = -1;
}

void child_process::signal(int signal_number) {
  ::kill(pid_, signal_number);
}

std::optional<int> child_process::wait_exit(std::chrono::milliseconds timeout) {
  if (pid_ <= 0)
    return std::nullopt;
  // A pidfd becomes readable when the process exits: await it with poll.
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  if (pidfd >= 0) {
    pollfd pfd{pidfd, POLLIN, 0};
    ::poll(&pfd, 1, static_cast<int>(timeout.count()));
    ::close(pidfd);
  }
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) != pid_)
    return std::nullopt;
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

unsigned short port_from_banner(const std::string& line) {
  const std::string prefix = "listening on ";
  auto colon = line.rfind(':');
  if (line.rfind(prefix, 0) != 0 || colon == std::string::npos)
    return 0;
  return static_cast<unsigned short>(std::stoi(line.substr(colon + 1)));
}

} // namespace testing_support
