#include "tcp_peer.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <utility>

#include "printable_text.hpp"
#include "tls_context.hpp"
#include "tls_stage.hpp"

namespace actors::testing::detail {

namespace {

using clock_type = std::chrono::steady_clock;

// The largest batch of encoded frames a flood hands to TCP at once.
constexpr std::size_t flood_chunk_size = 64 * 1024;

std::chrono::milliseconds until(clock_type::time_point deadline) {
  return std::max(std::chrono::milliseconds{0},
                  std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - clock_type::now()));
}

// Waits up to `timeout` for `events` on `fd`; false on timeout.
bool await_fd(int fd, short events, std::chrono::milliseconds timeout) {
  auto deadline = clock_type::now() + timeout;
  pollfd pfd{fd, events, 0};
  for (;;) {
    auto rc = ::poll(&pfd, 1, static_cast<int>(until(deadline).count()));
    if (rc < 0 && errno == EINTR)
      continue;
    return rc > 0;
  }
}

caf::error io_error(error_kind kind, const std::string& what, int err) {
  return caf::make_error(kind, what + ": " + std::strerror(err));
}

// Connects a non-blocking socket to one resolved address within `deadline`.
caf::expected<int> connect_one(const addrinfo& ai, const std::string& where,
                               clock_type::time_point deadline) {
  int fd = ::socket(ai.ai_family, ai.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                    ai.ai_protocol);
  if (fd < 0)
    return io_error(error_kind::io_failure, "cannot create a socket", errno);
  int err = 0;
  if (::connect(fd, ai.ai_addr, ai.ai_addrlen) != 0) {
    err = errno;
    if (err == EINPROGRESS) {
      err = ETIMEDOUT;
      if (await_fd(fd, POLLOUT, until(deadline))) {
        socklen_t len = sizeof(err);
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      }
    }
  }
  if (err == 0) {
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd;
  }
  ::close(fd);
  auto kind = err == ECONNREFUSED ? error_kind::connection_refused
              : err == ETIMEDOUT  ? error_kind::connect_timeout
                                  : error_kind::io_failure;
  return io_error(kind, "cannot connect to " + where, err);
}

} // namespace

std::string describe_arrival(const arrival& x) {
  switch (x.what) {
    case arrival_kind::frame: return "frame \"" + printable(x.frame, "") + "\"";
    case arrival_kind::finished: return "the end of the stream (the app finished sending)";
    case arrival_kind::reset: return "a reset of the connection";
    case arrival_kind::broken: return "an error (" + x.frame + ")"; // TCP or UDP
    case arrival_kind::timeout: break;
  }
  return "nothing";
}

caf::expected<std::unique_ptr<tcp_peer>>
tcp_peer::connect(const std::string& host, std::uint16_t port, framing_options framing,
                  const tls_options& tls, std::chrono::milliseconds timeout) {
  auto deadline = clock_type::now() + timeout;
  auto where = (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":"
               + std::to_string(port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  auto service = std::to_string(port);
  if (auto rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0)
    return caf::make_error(error_kind::host_unresolved,
                           "cannot resolve " + host + ": " + gai_strerror(rc));
  caf::expected<int> fd = caf::make_error(error_kind::io_failure, "no address for " + host);
  for (auto* ai = found; ai != nullptr; ai = ai->ai_next)
    if ((fd = connect_one(*ai, where, deadline)))
      break;
  ::freeaddrinfo(found);
  if (!fd)
    return std::move(fd.error());
  std::unique_ptr<tcp_peer> peer{new tcp_peer(*fd, framing)};
  if (!tls.enabled)
    return peer;
  auto context = actors::detail::make_tls_context(tls, actors::detail::tls_role::client,
                                                  host);
  if (!context)
    return std::move(context.error());
  peer->tls_ = std::make_unique<actors::detail::tls_stage>(*context, where);
  if (auto err = peer->handshake(deadline))
    return err;
  return peer;
}

tcp_peer::tcp_peer(int fd, framing_options framing)
  : fd_(fd), framing_(framing), decoder_(framing) {
  // nop
}

tcp_peer::~tcp_peer() {
  close();
}

bool tcp_peer::can_send() const noexcept {
  return fd_ >= 0 && !send_done_ && end_ != arrival_kind::reset;
}

caf::error tcp_peer::handshake(clock_type::time_point deadline) {
  while (tls_->advance_handshake()) {
    tls_->take_output(unsent_);
    if (!drain(until(deadline)))
      break;
    if (tls_->established())
      return caf::none;
    if (!read_some(deadline))
      break;
  }
  if (tls_->failed())
    return caf::make_error(tls_->error(), tls_->error_message());
  if (end_ != arrival_kind::timeout)
    return caf::make_error(error_kind::tls_handshake_failed,
                           "the server ended the connection during the TLS handshake");
  return caf::make_error(error_kind::tls_handshake_failed,
                         "the TLS handshake did not finish in time");
}

caf::error tcp_peer::queue(const std::vector<char>& plain) {
  if (!tls_) {
    unsent_.insert(unsent_.end(), plain.begin(), plain.end());
    return caf::none;
  }
  if (!tls_->write(plain.data(), plain.size()))
    return caf::make_error(tls_->error(), tls_->error_message());
  tls_->take_output(unsent_);
  return caf::none;
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
    end_ = errno == ECONNRESET ? arrival_kind::reset : arrival_kind::finished;
    send_done_ = true;
    return false;
  }
  unsent_.clear();
  unsent_pos_ = 0;
  return true;
}

caf::error tcp_peer::send(const std::string& payload,
                          std::chrono::milliseconds timeout) {
  auto stalled = [&] {
    return caf::make_error(error_kind::write_buffer_full,
                           "TCP took nothing for " + std::to_string(timeout.count())
                             + " ms");
  };
  if (!can_send())
    return caf::make_error(error_kind::not_connected,
                           "the peer's connection is closed for sending");
  if (!drain(timeout))
    return stalled();
  std::vector<char> plain;
  if (auto err = encode_frame(framing_, payload, plain))
    return err;
  if (auto err = queue(plain))
    return err;
  return drain(timeout) ? caf::none : stalled();
}

flood_result tcp_peer::flood(const std::string& prefix, std::uint64_t count,
                             std::chrono::milliseconds stall) {
  flood_result result;
  if (!can_send() || !drain(stall)) {
    result.blocked = true;
    return result;
  }
  std::vector<char> plain;
  for (std::uint64_t i = 0; i < count;) {
    plain.clear();
    std::uint64_t batch = 0;
    for (; i < count && plain.size() < flood_chunk_size; ++i, ++batch)
      if (encode_frame(framing_, prefix + std::to_string(i), plain))
        return result;
    if (queue(plain))
      return result;
    if (!drain(stall)) {
      result.blocked = true;
      return result;
    }
    result.sent += batch;
  }
  return result;
}

void tcp_peer::take_in(const char* data, std::size_t size) {
  auto decode = [this](const char* bytes, std::size_t n) {
    auto err = decoder_.feed(std::string_view{bytes, n}, [this](std::string_view frame) {
      frames_.emplace_back(frame);
    });
    if (err && broken_.empty())
      broken_ = "an invalid frame: " + actors::describe(err);
  };
  if (!tls_) {
    decode(data, size);
    return;
  }
  tls_->feed(data, size);
  char plain[16 * 1024];
  while (auto n = tls_->read(plain, sizeof(plain)))
    decode(plain, n);
  if (tls_->failed() && broken_.empty())
    broken_ = tls_->error_message();
  if (tls_->peer_closed() && end_ == arrival_kind::timeout)
    end_ = arrival_kind::finished;
  // TLS 1.3 may answer (e.g. a key update) while we only read.
  if (tls_->has_output() && can_send()) {
    tls_->take_output(unsent_);
    drain(std::chrono::milliseconds{0});
  }
}

bool tcp_peer::read_some(clock_type::time_point deadline) {
  char buf[64 * 1024];
  while (fd_ >= 0 && end_ == arrival_kind::timeout && broken_.empty()) {
    auto n = ::recv(fd_, buf, sizeof(buf), MSG_DONTWAIT);
    if (n > 0) {
      take_in(buf, static_cast<std::size_t>(n));
      return true;
    }
    if (n == 0) {
      end_ = arrival_kind::finished;
      return false;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
      auto left = until(deadline);
      if (left.count() <= 0 || !await_fd(fd_, POLLIN, left))
        return false;
      continue;
    }
    end_ = errno == ECONNRESET ? arrival_kind::reset : arrival_kind::finished;
    return false;
  }
  return false;
}

arrival tcp_peer::next(std::chrono::milliseconds timeout) {
  auto deadline = clock_type::now() + timeout;
  while (frames_.empty() && read_some(deadline))
    continue;
  if (fd_ < 0 && frames_.empty())
    return arrival{arrival_kind::broken, "the peer closed or reset its connection itself"};
  if (!frames_.empty()) {
    arrival result{arrival_kind::frame, std::move(frames_.front())};
    frames_.pop_front();
    return result;
  }
  if (!broken_.empty())
    return arrival{arrival_kind::broken, broken_};
  // Bytes after the last whole frame would be lost without a word, and
  // `expect NAME finished` would pass.
  if (end_ == arrival_kind::finished && decoder_.buffered() > 0) {
    auto partial = decoder_.buffered();
    decoder_.reset();
    return arrival{arrival_kind::broken,
                   "the app finished sending mid-frame: " + std::to_string(partial)
                     + " bytes after the last whole frame"
                     + (framing_.kind == framing_kind::line ? " had no newline" : " were no frame")};
  }
  return arrival{end_, {}};
}

caf::error tcp_peer::finish(std::chrono::milliseconds timeout) {
  if (!can_send())
    return caf::make_error(error_kind::not_connected,
                           "the peer's connection is closed for sending");
  if (tls_) {
    tls_->close_notify();
    tls_->take_output(unsent_);
  }
  if (!drain(timeout))
    return caf::make_error(error_kind::write_buffer_full,
                           "TCP took nothing for " + std::to_string(timeout.count())
                             + " ms");
  ::shutdown(fd_, SHUT_WR);
  send_done_ = true;
  return caf::none;
}

void tcp_peer::close() {
  if (fd_ >= 0)
    ::close(fd_);
  fd_ = -1;
  send_done_ = true;
}

void tcp_peer::reset() {
  if (fd_ < 0)
    return;
  linger lg{1, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
  close();
}

} // namespace actors::testing::detail
