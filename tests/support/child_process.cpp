#include "child_process.hpp"

#include <cerrno>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>
#include <fcntl.h>
#include <poll.h>
#include <stdexcept>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace testing_support {

namespace {

using clock_type = std::chrono::steady_clock;

// Waits until `fd` has one of `events`; false on timeout.
bool await_fd(int fd, short events, clock_type::time_point deadline) {
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - clock_type::now());
    if (left.count() <= 0)
      return false;
    pollfd pfd{fd, events, 0};
    auto rc = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (rc < 0 && errno == EINTR)
      continue;
    return rc > 0;
  }
}

// Forks and execs `argv` with stdin, stdout and stderr from `fds` (-1: keep
// ours); `close_in_child` are the parent's ends of the pipes.
int spawn(const std::vector<std::string>& argv, const int (&fds)[3],
          const std::vector<int>& close_in_child) {
  int pid = ::fork();
  if (pid != 0) {
    if (pid > 0)
      ::setpgid(pid, pid); // here too: a kill may come before the child's
    return pid;
  }
  // A group of its own: killing the group at the end also ends what a
  // shell child started (a pipeline), which would otherwise live on.
  ::setpgid(0, 0);
  for (int target = 0; target < 3; ++target)
    if (fds[target] >= 0)
      ::dup2(fds[target], target);
  for (int fd : close_in_child)
    ::close(fd);
  std::vector<char*> args;
  for (auto& arg : argv)
    args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  ::execvp(args[0], args.data());
  ::_exit(127);
}

// The socket inodes among the open files of process `pid`.
std::set<std::string> socket_inodes(int pid) {
  std::set<std::string> result;
  auto dir = "/proc/" + std::to_string(pid) + "/fd";
  std::error_code ec;
  for (auto& entry : std::filesystem::directory_iterator{dir, ec}) {
    auto target = std::filesystem::read_symlink(entry.path(), ec).string();
    if (target.rfind("socket:[", 0) == 0)
      result.insert(target.substr(8, target.size() - 9));
  }
  return result;
}

// The port of an IPv4 or IPv6 TCP socket in LISTEN state whose inode is in
// `inodes`, from /proc/net/tcp or tcp6; nullopt if there is none.
std::optional<std::uint16_t> listening_port_in(const char* table,
                                               const std::set<std::string>& inodes) {
  std::ifstream in{table};
  std::string line;
  std::getline(in, line); // the header
  while (std::getline(in, line)) {
    std::istringstream fields{line};
    std::string slot, local, remote, state, queues, timer, retransmits, uid,
      timeout, inode;
    fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits
      >> uid >> timeout >> inode;
    // State 0A is TCP_LISTEN.
    if (state == "0A" && inodes.count(inode) > 0)
      return static_cast<std::uint16_t>(
        std::stoul(local.substr(local.find(':') + 1), nullptr, 16));
  }
  return std::nullopt;
}

} // namespace

child_process::child_process(const std::vector<std::string>& argv,
                             const std::string& stderr_file) {
  int in[2];
  int out[2];
  if (::pipe(in) != 0 || ::pipe(out) != 0)
    throw std::runtime_error("child_process: pipe failed");
  int err = -1;
  if (!stderr_file.empty())
    err = ::open(stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  pid_ = group_ = spawn(argv, {in[0], out[1], err}, {in[1], out[0]});
  ::close(in[0]);
  ::close(out[1]);
  if (err >= 0)
    ::close(err);
  stdin_fd_ = in[1];
  stdout_fd_ = out[0];
  ::fcntl(stdin_fd_, F_SETFL, ::fcntl(stdin_fd_, F_GETFL, 0) | O_NONBLOCK);
}

child_process::child_process(const std::vector<std::string>& argv, stderr_to where) {
  int in[2];
  int out[2];
  int err[2] = {-1, -1};
  if (::pipe(in) != 0 || ::pipe(out) != 0
      || (where == stderr_to::pipe && ::pipe(err) != 0))
    throw std::runtime_error("child_process: pipe failed");
  pid_ = group_ = spawn(argv, {in[0], out[1], err[1]}, {in[1], out[0], err[0]});
  ::close(in[0]);
  ::close(out[1]);
  if (err[1] >= 0)
    ::close(err[1]);
  stdin_fd_ = in[1];
  stdout_fd_ = out[0];
  stderr_fd_ = err[0];
  ::fcntl(stdin_fd_, F_SETFL, ::fcntl(stdin_fd_, F_GETFL, 0) | O_NONBLOCK);
}

child_process::child_process(child_process&& other) noexcept
  : pid_(other.pid_), group_(other.group_), stdin_fd_(other.stdin_fd_),
    stdout_fd_(other.stdout_fd_), stderr_fd_(other.stderr_fd_),
    pending_(std::move(other.pending_)) {
  other.pid_ = other.group_ = other.stdin_fd_ = other.stdout_fd_ = other.stderr_fd_ = -1;
}

child_process::~child_process() {
  // The whole group: what a shell child started (a pipeline) ends too.
  if (group_ > 0)
    ::kill(-group_, SIGKILL);
  if (pid_ > 0)
    ::waitpid(pid_, nullptr, 0);
  close_stdin();
  if (stdout_fd_ >= 0)
    ::close(stdout_fd_);
  if (stderr_fd_ >= 0)
    ::close(stderr_fd_);
}

std::optional<std::string>
child_process::read_line(std::chrono::milliseconds timeout) {
  auto deadline = clock_type::now() + timeout;
  for (;;) {
    if (auto pos = pending_.find('\n'); pos != std::string::npos) {
      auto line = pending_.substr(0, pos);
      pending_.erase(0, pos + 1);
      return line;
    }
    if (!await_fd(stdout_fd_, POLLIN, deadline))
      return std::nullopt;
    char buf[4096];
    auto n = ::read(stdout_fd_, buf, sizeof(buf));
    if (n <= 0)
      return std::nullopt;
    pending_.append(buf, static_cast<std::size_t>(n));
  }
}

std::string child_process::read_stderr(std::chrono::milliseconds timeout) {
  if (stderr_fd_ < 0)
    throw std::runtime_error("child_process: stderr is not a pipe");
  auto deadline = clock_type::now() + timeout;
  std::string result;
  char buf[4096];
  while (await_fd(stderr_fd_, POLLIN, deadline)) {
    auto n = ::read(stderr_fd_, buf, sizeof(buf));
    if (n <= 0)
      break;
    result.append(buf, static_cast<std::size_t>(n));
  }
  return result;
}

void child_process::write(const std::string& text,
                          std::chrono::milliseconds timeout) {
  auto deadline = clock_type::now() + timeout;
  std::size_t done = 0;
  while (done < text.size()) {
    auto n = ::write(stdin_fd_, text.data() + done, text.size() - done);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
      throw std::runtime_error("child_process: the child's stdin is closed");
    if (!await_fd(stdin_fd_, POLLOUT, deadline))
      throw std::runtime_error("child_process: the child took no input until the deadline");
  }
}

void child_process::close_stdin() {
  if (stdin_fd_ >= 0)
    ::close(stdin_fd_);
  stdin_fd_ = -1;
}

std::optional<std::uint16_t>
child_process::listening_port(std::chrono::milliseconds timeout) {
  auto deadline = clock_type::now() + timeout;
  // No event tells us that another process started listening: poll /proc
  // until it did, bounded by the deadline.
  for (;;) {
    // Until the child has exec'd, its fds are a copy of ours: a socket we
    // listen on is not the child's.
    auto inodes = socket_inodes(pid_);
    for (auto& ours : socket_inodes(::getpid()))
      inodes.erase(ours);
    for (auto table : {"/proc/net/tcp", "/proc/net/tcp6"})
      if (auto port = listening_port_in(table, inodes))
        return port;
    if (clock_type::now() >= deadline)
      return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  }
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
