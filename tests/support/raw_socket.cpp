#include "raw_socket.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cstdio>
#include <netinet/in.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace testing_support {

namespace {

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

// Waits until `fd` is readable; false on timeout.
bool readable(int fd, std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
    deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0)
    return false;
  pollfd pfd{fd, POLLIN, 0};
  return ::poll(&pfd, 1, static_cast<int>(left.count())) > 0;
}

} // namespace

raw_socket::raw_socket(std::uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  auto addr = loopback(port);
  if (fd_ < 0
      || ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0)
    throw std::runtime_error("raw_socket: cannot connect to port "
                             + std::to_string(port));
}

raw_socket::raw_socket(raw_socket&& other) noexcept : fd_(other.fd_) {
  other.fd_ = -1;
}

raw_socket::~raw_socket() {
  if (fd_ >= 0)
    ::close(fd_);
}

bool raw_socket::write_all(const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    auto n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n <= 0)
      return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

std::string raw_socket::read_exactly(std::size_t count,
                                     std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string result;
  char buf[65536];
  while (result.size() < count && readable(fd_, deadline)) {
    auto n = ::recv(fd_, buf, std::min(sizeof(buf), count - result.size()), 0);
    if (n <= 0)
      break;
    result.append(buf, static_cast<std::size_t>(n));
  }
  return result;
}

std::string raw_socket::read_lines(std::size_t count,
                                   std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string result;
  std::size_t lines = 0;
  char c;
  while (lines < count && readable(fd_, deadline)) {
    if (::recv(fd_, &c, 1, 0) != 1)
      break;
    result.push_back(c);
    if (c == '\n')
      ++lines;
  }
  return result;
}

std::string raw_socket::read_until(const std::string& needle,
                                   std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string result;
  char buf[4096];
  while (result.find(needle) == std::string::npos && readable(fd_, deadline)) {
    auto n = ::recv(fd_, buf, sizeof(buf), 0);
    if (n <= 0)
      break;
    result.append(buf, static_cast<std::size_t>(n));
  }
  return result;
}

bool raw_socket::closed_by_peer(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[4096];
  while (readable(fd_, deadline)) {
    auto n = ::recv(fd_, buf, sizeof(buf), 0);
    if (n <= 0)
      return true;
  }
  return false;
}

void raw_socket::reset() {
  linger lg{1, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
  ::close(fd_);
  fd_ = -1;
}

saturated_listener::saturated_listener() {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  auto addr = loopback(0);
  ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  ::listen(fd_, 0);
  socklen_t len = sizeof(addr);
  ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  // One connection fills a backlog of 0; later SYNs are dropped.
  filler_ = ::socket(AF_INET, SOCK_STREAM, 0);
  ::connect(filler_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
}

saturated_listener::~saturated_listener() {
  ::close(filler_);
  ::close(fd_);
}

std::size_t flood(raw_socket& sock, std::size_t limit,
                  std::chrono::milliseconds stall) {
  // 64-byte lines, so a line-framed reader sees many small frames.
  std::string chunk;
  while (chunk.size() < 64 * 1024)
    chunk += std::string(63, 'f') + "\n";
  std::size_t sent = 0;
  while (sent < limit) {
    pollfd pfd{sock.fd(), POLLOUT, 0};
    if (::poll(&pfd, 1, static_cast<int>(stall.count())) <= 0)
      break;
    auto n = ::send(sock.fd(), chunk.data(), std::min(chunk.size(), limit - sent),
                    MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      continue;
    if (n <= 0)
      break;
    sent += static_cast<std::size_t>(n);
  }
  return sent;
}

std::string run_command(const std::string& command) {
  std::string output;
  if (auto pipe = ::popen(command.c_str(), "r")) {
    char buf[4096];
    while (auto n = std::fread(buf, 1, sizeof(buf), pipe))
      output.append(buf, n);
    ::pclose(pipe);
  }
  return output;
}

std::uint16_t unused_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  auto addr = loopback(0);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::size_t resident_memory() {
  long pages_total = 0;
  long pages_resident = 0;
  if (auto f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages_total, &pages_resident) != 2)
      pages_resident = 0;
    std::fclose(f);
  }
  return static_cast<std::size_t>(pages_resident)
         * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

} // namespace testing_support
