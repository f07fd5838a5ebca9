#include "support/udp_peer.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>
#include <utility>

namespace testing_support {

namespace {

// Fills `out` with address:port; returns its length.
socklen_t make_address(int family, const std::string& address, std::uint16_t port,
                       sockaddr_storage& out) {
  out = {};
  if (family == AF_INET6) {
    auto in6 = reinterpret_cast<sockaddr_in6*>(&out);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    inet_pton(AF_INET6, address.c_str(), &in6->sin6_addr);
    return sizeof(sockaddr_in6);
  }
  auto in = reinterpret_cast<sockaddr_in*>(&out);
  in->sin_family = AF_INET;
  in->sin_port = htons(port);
  inet_pton(AF_INET, address.c_str(), &in->sin_addr);
  return sizeof(sockaddr_in);
}

} // namespace

udp_peer::udp_peer(const std::string& address, std::uint16_t port)
  : family_(address.find(':') != std::string::npos ? AF_INET6 : AF_INET) {
  fd_ = ::socket(family_, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0)
    throw std::runtime_error{std::string{"socket: "} + std::strerror(errno)};
  sockaddr_storage local{};
  auto len = make_address(family_, address, port, local);
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&local), len) != 0) {
    auto why = std::string{"bind: "} + std::strerror(errno);
    ::close(fd_);
    throw std::runtime_error{why};
  }
  // Large enough that a burst of replies is not dropped on loopback.
  int size = 8 * 1024 * 1024;
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
  socklen_t bound_len = sizeof(local);
  ::getsockname(fd_, reinterpret_cast<sockaddr*>(&local), &bound_len);
  port_ = ntohs(family_ == AF_INET6
                  ? reinterpret_cast<sockaddr_in6*>(&local)->sin6_port
                  : reinterpret_cast<sockaddr_in*>(&local)->sin_port);
}

udp_peer::udp_peer(udp_peer&& other) noexcept
  : fd_(std::exchange(other.fd_, -1)), family_(other.family_), port_(other.port_) {
}

udp_peer::~udp_peer() {
  if (fd_ >= 0)
    ::close(fd_);
}

bool udp_peer::send_to(std::uint16_t port, const std::string& payload,
                       const std::string& address) {
  sockaddr_storage to{};
  auto len = make_address(family_, address, port, to);
  return ::sendto(fd_, payload.data(), payload.size(), 0,
                  reinterpret_cast<sockaddr*>(&to), len)
         == static_cast<ssize_t>(payload.size());
}

std::optional<received_datagram> udp_peer::receive(std::chrono::milliseconds timeout) {
  pollfd pfd{fd_, POLLIN, 0};
  if (::poll(&pfd, 1, static_cast<int>(timeout.count())) <= 0)
    return std::nullopt;
  std::string buf(65'536, '\0');
  sockaddr_storage from{};
  socklen_t len = sizeof(from);
  auto n = ::recvfrom(fd_, buf.data(), buf.size(), 0,
                      reinterpret_cast<sockaddr*>(&from), &len);
  if (n < 0)
    return std::nullopt;
  buf.resize(static_cast<std::size_t>(n));
  char host[INET6_ADDRSTRLEN] = "?";
  std::uint16_t port = 0;
  if (from.ss_family == AF_INET6) {
    auto in6 = reinterpret_cast<sockaddr_in6*>(&from);
    inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
    port = ntohs(in6->sin6_port);
    return received_datagram{"[" + std::string{host} + "]:" + std::to_string(port),
                             std::move(buf)};
  }
  auto in = reinterpret_cast<sockaddr_in*>(&from);
  inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
  port = ntohs(in->sin_port);
  return received_datagram{std::string{host} + ":" + std::to_string(port),
                           std::move(buf)};
}

namespace {

// True if a TCP listener could bind 127.0.0.1:port now.
bool tcp_port_free(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool free = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return free;
}

} // namespace

udp_peer udp_port_taken_tcp_free() {
  for (;;) {
    udp_peer peer;
    if (tcp_port_free(peer.port()))
      return peer;
  }
}

} // namespace testing_support
