#include "udp_scenario_peer.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <utility>

#include "actors/error_kind.hpp"

namespace actors::testing::detail {

namespace {

using clock_type = std::chrono::steady_clock;

// The largest UDP payload over IPv4.
constexpr std::size_t max_datagram = 65507;

class udp_scenario_peer : public scenario_peer {
public:
  udp_scenario_peer(std::string name, int fd) : name_(std::move(name)), fd_(fd) {
    // nop
  }

  ~udp_scenario_peer() override { end(); }

  outcome send(const std::string& payload) override {
    if (fd_ < 0)
      return outcome::failure(name_ + " cannot send: it is closed");
    if (::send(fd_, payload.data(), payload.size(), MSG_NOSIGNAL) < 0)
      return outcome::failure(name_ + " cannot send a datagram of "
                              + std::to_string(payload.size())
                              + " bytes: " + std::strerror(errno));
    return {};
  }

  outcome flood(std::uint64_t count) override {
    for (std::uint64_t i = 0; i < count; ++i)
      if (auto result = send(name_ + ":" + std::to_string(i)); !result)
        return result;
    return {};
  }

  outcome close() override {
    end();
    return {};
  }

  outcome reset() override {
    return outcome::failure("reset " + name_ + ": UDP has no connection to reset "
                            "(use close)");
  }

  outcome finish() override {
    return outcome::failure("finish " + name_ + ": UDP has no half-close");
  }

  bool outlives_end() const noexcept override { return false; }

  arrival next(std::chrono::milliseconds timeout) override {
    auto deadline = clock_type::now() + timeout;
    std::string buf(max_datagram, '\0');
    while (fd_ >= 0) {
      auto n = ::recv(fd_, buf.data(), buf.size(), MSG_DONTWAIT);
      if (n >= 0) {
        buf.resize(static_cast<std::size_t>(n));
        return arrival{arrival_kind::frame, std::move(buf)};
      }
      if (errno == ECONNREFUSED)
        return arrival{arrival_kind::broken,
                       "nothing listens there (ICMP port unreachable)"};
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
        return arrival{arrival_kind::broken, std::strerror(errno)};
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - clock_type::now());
      pollfd pfd{fd_, POLLIN, 0};
      if (left.count() <= 0
          || ::poll(&pfd, 1, static_cast<int>(left.count())) == 0)
        break;
    }
    return {};
  }

  outcome expect_blocked() override {
    return outcome::failure("expect " + name_ + " blocked: UDP never pushes back");
  }

private:
  void end() {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = -1;
  }

  std::string name_;
  int fd_;
};

} // namespace

caf::expected<std::unique_ptr<scenario_peer>>
make_udp_scenario_peer(const std::string& name, const std::string& host,
                       std::uint16_t port, const scenario_options&) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* found = nullptr;
  auto service = std::to_string(port);
  if (auto rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0)
    return caf::make_error(error_kind::host_unresolved,
                           "cannot resolve " + host + ": " + gai_strerror(rc));
  int fd = -1;
  int err = 0;
  for (auto* ai = found; ai != nullptr && fd < 0; ai = ai->ai_next) {
    fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd >= 0 && ::connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
      err = errno;
      ::close(fd);
      fd = -1;
    } else if (fd < 0) {
      err = errno;
    }
  }
  ::freeaddrinfo(found);
  if (fd < 0)
    return caf::make_error(error_kind::io_failure, "cannot open a UDP socket to "
                                                     + host + ":" + service + ": "
                                                     + std::strerror(err));
  return std::unique_ptr<scenario_peer>{new udp_scenario_peer(name, fd)};
}

} // namespace actors::testing::detail
