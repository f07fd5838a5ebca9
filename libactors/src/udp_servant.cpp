#include "udp_servant.hpp"

#include <cerrno>
#include <cstring>
#include <sys/socket.h>

#include <caf/io/network/default_multiplexer.hpp>
#include <caf/mailbox_element.hpp>
#include <caf/message_id.hpp>

#include "read_budget.hpp"

namespace actors::detail {

namespace net = caf::io::network;

namespace {

udp_failure failure_of(int error, const std::string& peer, std::size_t size) {
  auto to = peer.empty() ? std::string{} : " to " + peer;
  switch (error) {
    case ECONNREFUSED:
      return {error_kind::connection_refused,
              "the peer" + (peer.empty() ? std::string{} : " " + peer)
                + " refused a datagram (ICMP port unreachable: nothing listens there)",
              peer};
    case EMSGSIZE:
      return {error_kind::datagram_too_large,
              "a datagram of " + std::to_string(size) + " bytes" + to
                + " is larger than UDP can carry; not sent",
              peer};
    case EACCES:
      return {error_kind::io_failure,
              "sending" + to + " needs udp_options::broadcast; not sent", peer};
    default:
      return {error_kind::io_failure,
              "cannot send a datagram" + to + ": " + std::strerror(error), peer};
  }
}

} // namespace

udp_socket_handler::udp_socket_handler(net::default_multiplexer& mpx, int fd,
                                       udp_servant* owner,
                                       std::size_t max_datagram_size)
  : event_handler(mpx, fd),
    owner_(owner),
    max_consecutive_reads_(max_consecutive_reads(mpx)),
    max_datagram_size_(max_datagram_size),
    buffer_(max_datagram_size) {
}

void udp_socket_handler::handle_event(net::operation op) {
  switch (op) {
    case net::operation::read:
      read_some();
      break;
    case net::operation::write:
      write_some();
      break;
    case net::operation::propagate_error:
      // An error queued on the socket (ICMP port unreachable): the read
      // reports it and clears it. CAF then takes the socket out of its
      // loop for good, as if it were broken, and a connected endpoint
      // would never read again: put it back on the next turn.
      if (reading_)
        read_some();
      backend().post([guard = caf::intrusive_ptr<udp_servant>{owner_}, this] {
        if (reading_)
          activate();
        if (state_.writing)
          backend().add(net::operation::write, fd(), this);
      });
      break;
  }
}

void udp_socket_handler::removed_from_loop(net::operation op) {
  // A removal can land after the operation was started again (the
  // multiplexer applies changes at the end of its iteration).
  if (op == net::operation::read && !reading_)
    reader_.reset();
  else if (op == net::operation::write && !state_.writing)
    writer_.reset();
}

void udp_socket_handler::graceful_shutdown() {
  // What is queued still goes out; the socket closes with the last
  // reference to the servant.
  shutting_down_ = true;
  stop_reading();
  // A removal that lands in the same loop iteration as the addition before
  // it (a subscriber gone at once) cancels out in CAF's multiplexer, which
  // then never calls removed_from_loop: release the reader a turn later,
  // or it would keep the servant, and the socket, forever.
  backend().post([guard = caf::intrusive_ptr<udp_servant>{owner_}, this] {
    if (!reading_)
      reader_.reset();
  });
}

void udp_socket_handler::start_reading() {
  if (shutting_down_)
    return;
  reader_.reset(owner_);
  if (!reading_) {
    reading_ = true;
    activate();
  }
}

void udp_socket_handler::stop_reading() {
  if (reading_) {
    reading_ = false;
    passivate();
  }
}

std::string udp_socket_handler::connected_peer() const {
  sockaddr_storage peer{};
  socklen_t length = sizeof(peer);
  if (::getpeername(fd(), reinterpret_cast<sockaddr*>(&peer), &length) != 0)
    return {};
  return endpoint_name(reinterpret_cast<sockaddr*>(&peer));
}

const std::string& udp_socket_handler::sender_name(const sockaddr_storage& from,
                                                   socklen_t length) {
  if (length != last_sender_length_ || std::memcmp(&from, &last_sender_, length) != 0) {
    std::memcpy(&last_sender_, &from, length);
    last_sender_length_ = length;
    last_sender_name_ = endpoint_name(reinterpret_cast<const sockaddr*>(&from));
  }
  return last_sender_name_;
}

void udp_socket_handler::read_some() {
  caf::intrusive_ptr<udp_servant> guard{owner_};
  udp_read_msg msg;
  std::optional<udp_failure> failure;
  for (std::size_t reads = 0; reads < max_consecutive_reads_ && reading_; ++reads) {
    sockaddr_storage from{};
    iovec chunk{buffer_.data(), buffer_.size()};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(std::uint32_t))];
    msghdr header{};
    header.msg_name = &from;
    header.msg_namelen = sizeof(from);
    header.msg_iov = &chunk;
    header.msg_iovlen = 1;
    header.msg_control = control;
    header.msg_controllen = sizeof(control);
    // MSG_TRUNC: the result is the datagram's real size, so an oversize one
    // is told from one that just fits.
    auto n = ::recvmsg(fd(), &header, MSG_TRUNC);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        auto error = errno;
        failure = failure_of(error, connected_peer(), 0);
      }
      break;
    }
    for (auto cmsg = CMSG_FIRSTHDR(&header); cmsg != nullptr;
         cmsg = CMSG_NXTHDR(&header, cmsg)) {
      if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SO_RXQ_OVFL)
        continue;
      std::uint32_t total = 0;
      std::memcpy(&total, CMSG_DATA(cmsg), sizeof(total));
      msg.dropped_by_kernel += total - kernel_drops_seen_; // wraps correctly
      kernel_drops_seen_ = total;
    }
    auto size = static_cast<std::size_t>(n);
    auto& peer = sender_name(from, header.msg_namelen);
    if (size > max_datagram_size_) {
      ++msg.too_large;
      msg.too_large_size = size;
      msg.too_large_peer = peer;
      continue;
    }
    if (msg.datagrams.size() >= wanted_) {
      ++msg.unwanted; // the broker would drop it: no copy
      continue;
    }
    msg.datagrams.push_back(datagram{peer, std::string{buffer_.data(), size}});
  }
  if (!msg.datagrams.empty() || msg.too_large > 0 || msg.dropped_by_kernel > 0
      || msg.unwanted > 0)
    owner_->on_read(&backend(), std::move(msg));
  if (failure)
    owner_->on_failure(&backend(), std::move(*failure));
}

udp_socket_handler::send_result
udp_socket_handler::send_one(const outgoing& datagram, udp_failure& failure) {
  for (;;) {
    auto n = datagram.to
               ? ::sendto(fd(), datagram.payload.data(), datagram.payload.size(),
                          MSG_NOSIGNAL, datagram.to->get(), datagram.to->length)
               : ::send(fd(), datagram.payload.data(), datagram.payload.size(),
                        MSG_NOSIGNAL);
    if (n >= 0)
      return send_result::sent;
    auto error = errno;
    if (error == EINTR)
      continue;
    if (error == EAGAIN || error == EWOULDBLOCK || error == ENOBUFS)
      return send_result::later;
    auto peer = datagram.to ? endpoint_name(datagram.to->get()) : connected_peer();
    failure = failure_of(error, peer, datagram.payload.size());
    // A connected socket reports an earlier datagram's ICMP error on the
    // next send, and clears it: this datagram is still to be sent.
    if (error != ECONNREFUSED)
      return send_result::failed;
  }
}

std::optional<udp_failure> udp_socket_handler::send(const socket_address* to,
                                                    std::string payload) {
  outgoing datagram{to ? std::optional<socket_address>{*to} : std::nullopt,
                    std::move(payload)};
  udp_failure failure;
  if (queue_.empty()
      && send_one(datagram, failure) != send_result::later) {
    if (failure.kind != error_kind::none)
      return failure;
    return std::nullopt;
  }
  queued_bytes_ += datagram.payload.size();
  queue_.push_back(std::move(datagram));
  if (!state_.writing) {
    state_.writing = true;
    writer_.reset(owner_);
    backend().add(net::operation::write, fd(), this);
  }
  if (failure.kind != error_kind::none)
    return failure;
  return std::nullopt;
}

void udp_socket_handler::write_some() {
  caf::intrusive_ptr<udp_servant> guard{owner_};
  while (!queue_.empty()) {
    udp_failure failure;
    if (send_one(queue_.front(), failure) == send_result::later)
      return;
    queued_bytes_ -= queue_.front().payload.size();
    queue_.pop_front();
    if (failure.kind != error_kind::none)
      owner_->on_failure(&backend(), std::move(failure));
  }
  state_.writing = false;
  backend().del(net::operation::write, fd(), this);
}

// -- udp_servant --------------------------------------------------------------

udp_servant::udp_servant(net::default_multiplexer& mpx, int fd,
                         std::size_t max_datagram_size)
  : datagram_servant(caf::io::datagram_handle::from_int(fd)),
    handler_(mpx, fd, this, max_datagram_size) {
}

template <class Message>
void udp_servant::deliver(caf::execution_unit* ctx, Message message) {
  if (detached())
    return;
  auto guard = parent_;
  caf::mailbox_element_vals<Message> element{nullptr, caf::make_message_id(), {},
                                             std::move(message)};
  invoke_mailbox_element_impl(ctx, element);
}

void udp_servant::on_read(caf::execution_unit* ctx, udp_read_msg message) {
  message.handle = hdl();
  deliver(ctx, std::move(message));
}

void udp_servant::on_failure(caf::execution_unit* ctx, udp_failure failure) {
  deliver(ctx, udp_failure_msg{hdl(), std::move(failure)});
}

void udp_servant::ack_writes(bool) {
  // Datagrams are sent whole or not at all: nothing to acknowledge.
}

std::vector<char>& udp_servant::wr_buf(caf::io::datagram_handle) {
  return unused_wr_buf_;
}

void udp_servant::enqueue_datagram(caf::io::datagram_handle, std::vector<char> buf) {
  handler_.send(nullptr, std::string{buf.begin(), buf.end()});
}

net::receive_buffer& udp_servant::rd_buf() {
  return unused_rd_buf_;
}

void udp_servant::flush() {
  // send() writes at once or queues for the socket.
}

std::pair<std::string, std::uint16_t> udp_servant::local_address() const {
  sockaddr_storage local{};
  socklen_t len = sizeof(local);
  if (::getsockname(handler_.fd(), reinterpret_cast<sockaddr*>(&local), &len) != 0)
    return {};
  return split_endpoint(endpoint_name(reinterpret_cast<sockaddr*>(&local)));
}

std::uint16_t udp_servant::local_port() const {
  return local_address().second;
}

std::vector<caf::io::datagram_handle> udp_servant::hdls() const {
  return {hdl()};
}

void udp_servant::add_endpoint(const net::ip_endpoint&, caf::io::datagram_handle) {
  // One handle, the socket: senders are named in each udp_read_msg.
}

void udp_servant::remove_endpoint(caf::io::datagram_handle) {
}

void udp_servant::detach_handles() {
}

void udp_servant::launch() {
  handler_.start_reading();
}

bool udp_servant::new_endpoint(net::receive_buffer&) {
  return false;
}

std::uint16_t udp_servant::port(caf::io::datagram_handle) const {
  return local_port();
}

std::string udp_servant::addr() const {
  return local_address().first;
}

void udp_servant::graceful_shutdown() {
  handler_.graceful_shutdown();
  detach(&handler_.backend(), false);
}

void udp_servant::add_to_loop() {
  handler_.start_reading();
}

void udp_servant::remove_from_loop() {
  handler_.stop_reading();
}

caf::intrusive_ptr<udp_servant> make_udp_servant(caf::io::abstract_broker* self,
                                                 int fd,
                                                 std::size_t max_datagram_size) {
  auto& mpx = static_cast<net::default_multiplexer&>(self->backend());
  return caf::make_counted<udp_servant>(mpx, fd, max_datagram_size);
}

} // namespace actors::detail
