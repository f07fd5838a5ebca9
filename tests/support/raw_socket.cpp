#include "raw_socket.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cstdio>
#include <fcntl.h>
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

using clock_type = std::chrono::steady_clock;

// Waits until `fd` has one of `events`; returns the events that occurred,
// 0 on timeout.
short await_events(int fd, short events, clock_type::time_point deadline) {
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - clock_type::now());
    if (left.count() <= 0)
      return 0;
    pollfd pfd{fd, events, 0};
    auto rc = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (rc < 0 && errno == EINTR)
      continue;
    return rc > 0 ? pfd.revents : 0;
  }
}

// Waits until `fd` is readable (or at its end); false on timeout.
bool readable(int fd, clock_type::time_point deadline) {
  return await_events(fd, POLLIN, deadline) != 0;
}

// Sends what the kernel takes now; 0 if it takes nothing, -1 if the peer is gone.
ssize_t send_now(int fd, const char* data, std::size_t size) {
  auto n = ::send(fd, data, size, MSG_NOSIGNAL | MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    return 0;
  return n <= 0 ? -1 : n;
}

// Connects `fd` to `addr`, waiting until `deadline`.
bool connect_by(int fd, const sockaddr_in& addr, clock_type::time_point deadline) {
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL, 0) | O_NONBLOCK);
  auto rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr));
  if (rc != 0 && errno != EINPROGRESS)
    return false;
  if (rc != 0 && !(await_events(fd, POLLOUT, deadline) & POLLOUT))
    return false;
  int err = 0;
  socklen_t len = sizeof(err);
  ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
  // Reads and writes below wait with poll and deadlines, so the socket may
  // block again: tests that use fd() directly expect a blocking socket.
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL, 0) & ~O_NONBLOCK);
  return err == 0;
}

} // namespace

raw_socket::raw_socket(std::uint16_t port, std::chrono::milliseconds timeout) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0 || !connect_by(fd_, loopback(port), clock_type::now() + timeout)) {
    if (fd_ >= 0)
      ::close(fd_);
    throw std::runtime_error("raw_socket: cannot connect to port "
                             + std::to_string(port));
  }
}

raw_socket::raw_socket(raw_socket&& other) noexcept : fd_(other.fd_) {
  other.fd_ = -1;
}

raw_socket::~raw_socket() {
  if (fd_ >= 0)
    ::close(fd_);
}

bool raw_socket::write_all(const std::string& bytes,
                           std::chrono::milliseconds timeout) {
  auto deadline = clock_type::now() + timeout;
  std::size_t done = 0;
  while (done < bytes.size()) {
    auto n = send_now(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0)
      return false;
    done += static_cast<std::size_t>(n);
    if (done < bytes.size() && n == 0 && !await_events(fd_, POLLOUT, deadline))
      return false;
  }
  return true;
}

drained_write raw_socket::write_draining(const std::string& bytes,
                                         std::chrono::milliseconds timeout) {
  auto deadline = clock_type::now() + timeout;
  drained_write result;
  char buf[65536];
  while (result.written < bytes.size()) {
    auto ready = await_events(fd_, POLLIN | POLLOUT, deadline);
    if (ready == 0)
      return result;
    if (ready & POLLIN) {
      auto n = ::recv(fd_, buf, sizeof(buf), MSG_DONTWAIT);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
        result.closed_by_peer = true;
        return result;
      }
      result.read += static_cast<std::size_t>(std::max<ssize_t>(n, 0));
    }
    if (ready & (POLLOUT | POLLERR | POLLHUP)) {
      auto n = send_now(fd_, bytes.data() + result.written,
                        bytes.size() - result.written);
      if (n < 0) {
        result.closed_by_peer = true;
        return result;
      }
      result.written += static_cast<std::size_t>(n);
    }
  }
  result.complete = true;
  return result;
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

void raw_socket::finish() {
  ::shutdown(fd_, SHUT_WR);
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

refused_port::refused_port() {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  auto addr = loopback(0);
  if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0)
    throw std::runtime_error("refused_port: cannot bind to 127.0.0.1:0");
  socklen_t len = sizeof(addr);
  ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
}

refused_port::~refused_port() {
  ::close(fd_);
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
