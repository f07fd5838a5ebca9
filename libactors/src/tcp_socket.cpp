#include "tcp_socket.hpp"

#include "socket_address.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace actors::detail {

namespace {

using clock_type = std::chrono::steady_clock;

// Waits for a non-blocking connect on `fd`; returns 0 or an errno value.
int await_connect(int fd, clock_type::time_point deadline) {
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - clock_type::now());
    if (left.count() <= 0)
      return ETIMEDOUT;
    pollfd pfd{fd, POLLOUT, 0};
    auto rc = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (rc < 0 && errno == EINTR)
      continue;
    if (rc < 0)
      return errno;
    if (rc == 0)
      return ETIMEDOUT;
    int err = 0;
    socklen_t len = sizeof(err);
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    return err;
  }
}

} // namespace

void tune_socket(int fd) {
  auto flags = ::fcntl(fd, F_GETFL, 0);
  ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

void shutdown_socket(int fd) noexcept {
  ::shutdown(fd, SHUT_RDWR);
}

void close_socket(int& fd) noexcept {
  if (fd >= 0)
    ::close(fd);
  fd = -1;
}

caf::expected<connected_socket>
connect_with_timeout(const std::string& host, std::uint16_t port,
                     std::chrono::milliseconds timeout) {
  auto deadline = clock_type::now() + timeout;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  auto service = std::to_string(port);
  if (auto rc = ::getaddrinfo(without_brackets(host).c_str(), service.c_str(), &hints, &found);
      rc != 0)
    return caf::make_error(error_kind::host_unresolved,
                      "cannot resolve host '" + host + "': " + gai_strerror(rc));
  int last_error = 0;
  for (auto ai = found; ai != nullptr; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                      ai->ai_protocol);
    if (fd < 0) {
      last_error = errno;
      continue;
    }
    tune_socket(fd);
    int err = 0;
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) != 0)
      err = errno == EINPROGRESS ? await_connect(fd, deadline) : errno;
    if (err == 0) {
      auto peer = endpoint_name(ai->ai_addr);
      ::freeaddrinfo(found);
      return connected_socket{fd, std::move(peer)};
    }
    ::close(fd);
    last_error = err;
    if (err == ETIMEDOUT)
      break;
  }
  ::freeaddrinfo(found);
  if (last_error == ETIMEDOUT)
    return caf::make_error(error_kind::connect_timeout,
                      "connecting to " + host_port_name(host, port) + " timed out after "
                        + std::to_string(timeout.count()) + " ms");
  if (last_error == ECONNREFUSED)
    return caf::make_error(error_kind::connection_refused,
                      "connection to " + host_port_name(host, port) + " refused");
  return caf::make_error(error_kind::io_failure,
                    "cannot connect to " + host_port_name(host, port) + ": "
                      + std::strerror(last_error));
}

caf::expected<listening_socket> open_listener(const std::string& address,
                                         std::uint16_t port, int backlog) {
  auto fail = [&](const std::string& why) {
    return caf::make_error(error_kind::listen_failed,
                      "cannot listen on " + host_port_name(address, port) + ": " + why);
  };
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  auto service = std::to_string(port);
  if (auto rc = ::getaddrinfo(without_brackets(address).c_str(), service.c_str(), &hints,
                              &found);
      rc != 0)
    return fail(gai_strerror(rc));
  std::string last_error = "no usable address";
  for (auto ai = found; ai != nullptr; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                      ai->ai_protocol);
    if (fd < 0) {
      last_error = std::strerror(errno);
      continue;
    }
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (::bind(fd, ai->ai_addr, ai->ai_addrlen) != 0
        || ::listen(fd, backlog) != 0) {
      last_error = std::strerror(errno);
      ::close(fd);
      continue;
    }
    ::freeaddrinfo(found);
    tune_socket(fd);
    sockaddr_storage local{};
    socklen_t len = sizeof(local);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len);
    auto [bound_address, bound_port]
      = split_endpoint(endpoint_name(reinterpret_cast<sockaddr*>(&local)));
    return listening_socket{fd, bound_address, bound_port};
  }
  ::freeaddrinfo(found);
  return fail(last_error);
}

std::string peer_name(int fd) {
  sockaddr_storage peer{};
  socklen_t len = sizeof(peer);
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0)
    return "?";
  return endpoint_name(reinterpret_cast<sockaddr*>(&peer));
}

bool was_reset(int fd) {
  // After an orderly FIN our side sits in CLOSE_WAIT; after an RST the
  // kernel moved it straight to CLOSE.
  tcp_info info{};
  socklen_t len = sizeof(info);
  if (::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) != 0)
    return false;
  return info.tcpi_state == TCP_CLOSE;
}

} // namespace actors::detail
