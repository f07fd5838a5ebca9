#include "tcp_peer.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <utility>

namespace actors::testing::detail {

namespace {

using clock_type = std::chrono::steady_clock;

// The largest batch of encoded frames a flood hands to TCP at once.
constexpr std::size_t flood_chunk_size = 64 * 1024;

// Waits up to `timeout` for `events` on `fd`; false on timeout.
bool await_fd(int fd, short events, std::chrono::milliseconds timeout) {
  pollfd pfd{fd, events, 0};
  for (;;) {
    auto rc = ::poll(&pfd, 1, static_cast<int>(std::max<long long>(timeout.count(), 0)));
    if (rc < 0 && errno == EINTR)
      continue;
    return rc > 0;
  }
}

std::chrono::milliseconds until(clock_type::time_point deadline) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
    deadline - clock_type::now());
}

} // namespace

caf::expected<tcp_peer> tcp_peer::connect(std::uint16_t port, framing_options framing) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
    return caf::make_error(error_kind::io_failure, std::string{std::strerror(errno)});
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    auto err = errno;
    ::close(fd);
    return caf::make_error(err == ECONNREFUSED ? error_kind::connection_refused
                                               : error_kind::io_failure,
                           "cannot connect to 127.0.0.1:" + std::to_string(port)
                             + ": " + std::strerror(err));
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL, 0) | O_NONBLOCK);
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return tcp_peer{fd, framing};
}

tcp_peer::tcp_peer(int fd, framing_options framing)
  : fd_(fd), framing_(framing), decoder_(framing) {
  // nop
}

tcp_peer::tcp_peer(tcp_peer&& other) noexcept
  : fd_(std::exchange(other.fd_, -1)),
    framing_(other.framing_),
    decoder_(std::move(other.decoder_)),
    frames_(std::move(other.frames_)),
    unsent_(std::move(other.unsent_)),
    unsent_pos_(other.unsent_pos_),
    end_(other.end_) {
  // nop
}

tcp_peer& tcp_peer::operator=(tcp_peer&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
    framing_ = other.framing_;
    decoder_ = std::move(other.decoder_);
    frames_ = std::move(other.frames_);
    unsent_ = std::move(other.unsent_);
    unsent_pos_ = other.unsent_pos_;
    end_ = other.end_;
  }
  return *this;
}

tcp_peer::~tcp_peer() {
  close();
}

bool tcp_peer::drain(std::chrono::milliseconds stall) {
  while (unsent_pos_ < unsent_.size()) {
    auto n = ::send(fd_, unsent_.data() + unsent_pos_, unsent_.size() - unsent_pos_,
                    MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      unsent_pos_ += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
      if (!await_fd(fd_, POLLOUT, stall))
        return false;
      continue;
    }
    end_ = errno == ECONNRESET ? peer_end::reset : peer_end::closed;
    return false;
  }
  unsent_.clear();
  unsent_pos_ = 0;
  return true;
}

caf::error tcp_peer::send(const std::string& payload,
                          std::chrono::milliseconds timeout) {
  if (!is_open())
    return caf::make_error(error_kind::not_connected, "the peer's connection is closed");
  if (!drain(timeout))
    return caf::make_error(error_kind::write_buffer_full,
                           "TCP took nothing for " + std::to_string(timeout.count()) + " ms");
  if (auto err = encode_frame(framing_, payload, unsent_))
    return err;
  if (!drain(timeout))
    return caf::make_error(error_kind::write_buffer_full,
                           "TCP took nothing for " + std::to_string(timeout.count()) + " ms");
  return caf::none;
}

flood_result tcp_peer::flood(const std::string& prefix, std::uint64_t count,
                             std::chrono::milliseconds stall) {
  flood_result result;
  if (!is_open() || !drain(stall)) {
    result.blocked = true;
    return result;
  }
  std::vector<std::size_t> ends;
  for (std::uint64_t i = 0; i < count;) {
    ends.clear();
    while (i < count && unsent_.size() < flood_chunk_size) {
      if (encode_frame(framing_, prefix + std::to_string(i), unsent_))
        return result;
      ends.push_back(unsent_.size());
      ++i;
    }
    bool done = drain(stall);
    auto written = done ? ends.back() : unsent_pos_;
    for (auto end : ends)
      result.sent += end <= written ? 1 : 0;
    if (!done) {
      result.blocked = true;
      return result;
    }
  }
  return result;
}

bool tcp_peer::read_some(clock_type::time_point deadline) {
  char buf[64 * 1024];
  while (fd_ >= 0 && end_ == peer_end::open) {
    auto n = ::recv(fd_, buf, sizeof(buf), MSG_DONTWAIT);
    if (n > 0) {
      decoder_.feed(std::string_view{buf, static_cast<std::size_t>(n)},
                    [this](std::string_view frame) { frames_.emplace_back(frame); });
      return true;
    }
    if (n == 0) {
      end_ = peer_end::closed;
      return false;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
      auto left = until(deadline);
      if (left.count() <= 0 || !await_fd(fd_, POLLIN, left))
        return false;
      continue;
    }
    end_ = errno == ECONNRESET ? peer_end::reset : peer_end::closed;
    return false;
  }
  return false;
}

std::optional<std::string> tcp_peer::receive(std::chrono::milliseconds timeout,
                                             peer_end& end) {
  auto deadline = clock_type::now() + timeout;
  while (frames_.empty() && read_some(deadline))
    continue;
  end = end_;
  if (frames_.empty())
    return std::nullopt;
  auto frame = std::move(frames_.front());
  frames_.pop_front();
  return frame;
}

peer_end tcp_peer::await_end(std::chrono::milliseconds timeout) {
  auto deadline = clock_type::now() + timeout;
  do {
    frames_.clear();
  } while (read_some(deadline));
  frames_.clear();
  return end_;
}

void tcp_peer::close() {
  if (fd_ >= 0)
    ::close(fd_);
  fd_ = -1;
}

void tcp_peer::reset() {
  if (fd_ < 0)
    return;
  linger lg{1, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
  close();
}

} // namespace actors::testing::detail
