#pragma once

// Our datagram servant: what a UDP endpoint broker reads and writes through,
// in CAF's multiplexer. Internal.
//
// Why not CAF's: its datagram servants open one handle per remote endpoint
// and keep each in a table that only grows (a flood from many source ports
// grows memory without bound), they never report who sent a datagram in
// the message itself, cannot tell an oversize datagram from a full one, and
// know nothing of multicast or of the kernel's drop count. CAF 0.17 lets a
// broker adopt any datagram servant (`add_datagram_servant`), so this one
// delivers every read as one message of its own (`udp_read_msg`) with each
// sender's address, and sends each datagram to the address it names.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <caf/execution_unit.hpp>
#include <caf/intrusive_ptr.hpp>
#include <caf/io/abstract_broker.hpp>
#include <caf/io/datagram_handle.hpp>
#include <caf/io/datagram_servant.hpp>
#include <caf/io/fwd.hpp>
#include <caf/io/network/event_handler.hpp>
#include <caf/io/network/receive_buffer.hpp>
#include <caf/meta/type_name.hpp>

#include "actors/error_kind.hpp"
#include "actors/udp_protocol.hpp"
#include "socket_address.hpp"

namespace actors::detail {

/// Our servant -> its broker: the datagrams of one read event.
struct udp_read_msg {
  caf::io::datagram_handle handle;
  /// The datagrams that fit `max_datagram_size`, in arrival order.
  std::vector<datagram> datagrams;
  /// Datagrams larger than `max_datagram_size`, dropped, and the size and
  /// sender of the last one.
  std::uint64_t too_large = 0;
  std::size_t too_large_size = 0;
  std::string too_large_peer;
  /// Datagrams the kernel reports dropped since the last read message.
  std::uint64_t dropped_by_kernel = 0;
  /// Datagrams read past what the broker wanted (its credit): counted, not
  /// copied.
  std::uint64_t unwanted = 0;
};

/// @relates udp_read_msg
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, udp_read_msg& x) {
  return f(caf::meta::type_name("udp_read_msg"), x.handle, x.datagrams,
           x.too_large, x.too_large_size, x.too_large_peer, x.dropped_by_kernel,
           x.unwanted);
}

/// Why one datagram could not be sent or read.
struct udp_failure {
  error_kind kind = error_kind::none;
  std::string message;
  std::string peer;
};

/// Our servant -> its broker: a datagram failed (an ICMP error, a refused
/// send); the socket goes on.
struct udp_failure_msg {
  caf::io::datagram_handle handle;
  udp_failure failure;
};

/// @relates udp_failure_msg
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, udp_failure_msg& x) {
  return f(caf::meta::type_name("udp_failure_msg"), x.handle, x.failure.kind,
           x.failure.message, x.failure.peer);
}

class udp_servant;

/// The socket of one UDP endpoint as the multiplexer sees it: reads every
/// datagram while reading is on, sends what was queued.
class udp_socket_handler final : public caf::io::network::event_handler {
public:
  udp_socket_handler(caf::io::network::default_multiplexer& mpx, int fd,
                     udp_servant* owner, std::size_t max_datagram_size);

  void handle_event(caf::io::network::operation op) override;
  void removed_from_loop(caf::io::network::operation op) override;
  void graceful_shutdown() override;

  void start_reading();
  void stop_reading();

  /// Sends one datagram to `to` (the connected peer if null): at once if
  /// nothing waits, else after what waits. Returns why an immediate attempt
  /// failed; later failures arrive as `udp_failure_msg`.
  std::optional<udp_failure> send(const socket_address* to, std::string payload);

  /// Payload bytes waiting for the socket.
  std::size_t queued_bytes() const noexcept { return queued_bytes_; }

  /// How many datagrams the broker takes now (its credit); reads beyond it
  /// are counted as unwanted without copying their payload.
  void set_wanted(std::uint64_t datagrams) noexcept { wanted_ = datagrams; }

private:
  struct outgoing {
    std::optional<socket_address> to;
    std::string payload;
  };

  enum class send_result { sent, later, failed };

  void read_some();
  // The sender's name, formatted once per new sender.
  const std::string& sender_name(const sockaddr_storage& from, socklen_t length);
  // "address:port" of a connected socket's peer; empty if not connected.
  std::string connected_peer() const;
  send_result send_one(const outgoing& datagram, udp_failure& failure);
  void write_some();

  udp_servant* owner_;
  caf::intrusive_ptr<udp_servant> reader_;
  caf::intrusive_ptr<udp_servant> writer_;
  std::size_t max_consecutive_reads_;
  std::size_t max_datagram_size_;
  std::vector<char> buffer_;
  sockaddr_storage last_sender_{};
  socklen_t last_sender_length_ = 0;
  std::string last_sender_name_;
  std::uint32_t kernel_drops_seen_ = 0;
  std::uint64_t wanted_ = static_cast<std::uint64_t>(-1);
  std::deque<outgoing> queue_;
  std::size_t queued_bytes_ = 0;
  bool reading_ = false;
  bool shutting_down_ = false;
};

/// A datagram servant over `udp_socket_handler`, with one handle: the socket.
class udp_servant final : public caf::io::datagram_servant {
public:
  udp_servant(caf::io::network::default_multiplexer& mpx, int fd,
              std::size_t max_datagram_size);

  /// Sends one datagram; see `udp_socket_handler::send`.
  std::optional<udp_failure> send(const socket_address* to, std::string payload) {
    return handler_.send(to, std::move(payload));
  }

  /// Payload bytes waiting for the socket.
  std::size_t queued_bytes() const noexcept { return handler_.queued_bytes(); }

  /// The socket, for multicast membership.
  int fd() const noexcept { return handler_.fd(); }

  /// See `udp_socket_handler::set_wanted`.
  void set_wanted(std::uint64_t datagrams) noexcept { handler_.set_wanted(datagrams); }

  /// Called by the handler: the datagrams of one read event.
  void on_read(caf::execution_unit* ctx, udp_read_msg message);

  /// Called by the handler: a datagram failed.
  void on_failure(caf::execution_unit* ctx, udp_failure failure);

  // -- caf::io::datagram_servant ---------------------------------------------

  void ack_writes(bool enable) override;
  std::vector<char>& wr_buf(caf::io::datagram_handle) override;
  void enqueue_datagram(caf::io::datagram_handle, std::vector<char> buf) override;
  caf::io::network::receive_buffer& rd_buf() override;
  void flush() override;
  std::uint16_t local_port() const override;
  std::vector<caf::io::datagram_handle> hdls() const override;
  void add_endpoint(const caf::io::network::ip_endpoint&,
                    caf::io::datagram_handle) override;
  void remove_endpoint(caf::io::datagram_handle) override;
  void detach_handles() override;
  void launch() override;
  bool new_endpoint(caf::io::network::receive_buffer&) override;
  std::uint16_t port(caf::io::datagram_handle) const override;
  std::string addr() const override;
  void graceful_shutdown() override;
  void add_to_loop() override;
  void remove_from_loop() override;

private:
  // The bound address and port of the socket.
  std::pair<std::string, std::uint16_t> local_address() const;

  // Invokes `message` on the broker at once; nothing once detached.
  template <class Message>
  void deliver(caf::execution_unit* ctx, Message message);

  udp_socket_handler handler_;
  std::vector<char> unused_wr_buf_;
  caf::io::network::receive_buffer unused_rd_buf_;
};

/// Our servant for a bound UDP socket, ready for `add_datagram_servant`.
caf::intrusive_ptr<udp_servant> make_udp_servant(caf::io::abstract_broker* self,
                                                 int fd,
                                                 std::size_t max_datagram_size);

} // namespace actors::detail
