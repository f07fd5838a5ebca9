#pragma once

// Our TCP transport inside CAF's multiplexer: a scribe (what a broker reads
// and writes through) and a doorman (what accepts peers) of our own. Internal.
//
// Why not CAF's: its stock stream treats the peer's FIN as the end of the
// whole connection. The read that sees it reports an I/O failure, the scribe
// detaches from its broker, and replies still on their way to the peer are
// lost: a client that sends lines and half-closes (`ncat`, `socat`,
// HTTP/1.0) gets some or none of them back. CAF 0.17 lets a broker adopt any
// scribe (`add_scribe(scribe_ptr)`), so this one reports the FIN as a message
// of its own (`read_closed_msg`) and keeps the write side open, and it can
// half-close our side (`finish`). Everything else mirrors CAF's stream: one
// non-blocking `recv`/`send` per event, never a blocking call.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/execution_unit.hpp>
#include <caf/intrusive_ptr.hpp>
#include <caf/io/connection_handle.hpp>
#include <caf/io/doorman.hpp>
#include <caf/io/network/acceptor_impl.hpp>
#include <caf/io/network/event_handler.hpp>
#include <caf/io/network/native_socket.hpp>
#include <caf/io/network/operation.hpp>
#include <caf/io/receive_policy.hpp>
#include <caf/io/scribe.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/policy/tcp.hpp>

#include "actors/error_kind.hpp"
#include "tls_context.hpp"
#include "tls_stage.hpp"

namespace caf::io::network {
class default_multiplexer;
} // namespace caf::io::network

namespace actors::detail {

/// Our scribe -> its broker, like CAF's `new_data_msg`: the peer finished
/// sending (FIN); the connection stays open for writing.
struct read_closed_msg {
  caf::io::connection_handle handle;
};

/// @relates read_closed_msg
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, read_closed_msg& x) {
  return f(caf::meta::type_name("read_closed_msg"), x.handle);
}

/// Our scribe -> its broker: the TLS handshake is done.
struct tls_established_msg {
  caf::io::connection_handle handle;
  std::string version;
  std::string cipher;
};

/// @relates tls_established_msg
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, tls_established_msg& x) {
  return f(caf::meta::type_name("tls_established_msg"), x.handle, x.version,
           x.cipher);
}

/// Our scribe -> its broker: the transport failed (TLS); reading stopped.
struct transport_error_msg {
  caf::io::connection_handle handle;
  error_kind kind = error_kind::none;
  std::string message;
};

/// @relates transport_error_msg
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, transport_error_msg& x) {
  return f(caf::meta::type_name("transport_error_msg"), x.handle, x.kind,
           x.message);
}

class tcp_scribe;

/// The socket of one TCP connection as the multiplexer sees it: reads while
/// its scribe asks for data, writes what the scribe queued. With TLS, a
/// `tls_stage` sits between the socket and the scribe's buffers.
class tcp_socket_handler final : public caf::io::network::event_handler {
public:
  tcp_socket_handler(caf::io::network::default_multiplexer& mpx,
                     caf::io::network::native_socket fd, tcp_scribe* owner);

  void handle_event(caf::io::network::operation op) override;
  void removed_from_loop(caf::io::network::operation op) override;
  void graceful_shutdown() override;

  /// Reads into `owner` from now on (again, after `stop_reading`).
  void start_reading(tcp_scribe* owner);
  /// Stops reading until `start_reading`.
  void stop_reading();
  /// Reads are at most this many bytes.
  void max_read(std::size_t bytes) { max_read_ = bytes; }
  /// Starts writing what was queued in `queue()`.
  void flush(tcp_scribe* owner);
  /// Sends a FIN once everything queued is written; reading goes on.
  void finish_writing();
  /// Runs TLS from now on; a client sends its hello at once. Returns why
  /// that failed, or an empty string.
  std::string start_tls(const tls_context& context, std::string peer);
  /// Reads what TLS holds already (posted when reading resumes).
  void read_buffered();

  std::vector<char>& read_buffer() { return read_buf_; }
  std::vector<char>& queue() { return queued_; }
  bool peer_finished() const noexcept { return peer_finished_; }

private:
  void read_some();
  void read_plain();
  void read_tls();
  // Hands decrypted bytes to the reader; false once reading must stop.
  bool deliver_plaintext();
  // The peer finished sending (a FIN, or TLS's close_notify).
  void peer_finished_sending();
  // TLS failed: stop reading and tell the broker why.
  void tls_failed();
  void write_some();
  // Starts writing if anything waits for the socket.
  void send_pending();
  // Swaps in the next bytes for the socket, or stops writing when there are
  // none (then a pending FIN goes out).
  void next_write();
  void shutdown_write();

  tcp_scribe* owner_;
  std::unique_ptr<tls_stage> tls_;
  std::vector<char> cipher_in_;
  bool close_notify_sent_ = false;
  bool tls_failure_reported_ = false;
  caf::intrusive_ptr<tcp_scribe> reader_;
  caf::intrusive_ptr<tcp_scribe> writer_;
  std::size_t max_consecutive_reads_;
  std::size_t max_read_ = 1024;
  std::vector<char> read_buf_;
  std::vector<char> writing_;
  std::size_t written_ = 0;
  std::vector<char> queued_;
  bool reading_ = false;
  bool peer_finished_ = false;
  bool write_shut_ = false;
  // Send a FIN once the queue is drained.
  bool fin_pending_ = false;
};

/// A scribe over `tcp_socket_handler`: the peer's FIN arrives at the broker
/// as `read_closed_msg` instead of closing everything.
class tcp_scribe final : public caf::io::scribe {
public:
  tcp_scribe(caf::io::network::default_multiplexer& mpx,
             caf::io::network::native_socket fd);

  void configure_read(caf::io::receive_policy::config config) override;
  void ack_writes(bool enable) override;
  std::vector<char>& wr_buf() override;
  std::vector<char>& rd_buf() override;
  void graceful_shutdown() override;
  void flush() override;
  std::string addr() const override;
  std::uint16_t port() const override;
  void add_to_loop() override;
  void remove_from_loop() override;

  /// Starts reading (CAF's scribes launch on their first `configure_read`).
  void launch();

  /// Half-closes our side: FIN after what is queued; reading goes on.
  void finish_writing() { handler_.finish_writing(); }

  /// Runs TLS on this connection from now on (a client sends its hello);
  /// returns why that failed, or an empty string.
  std::string start_tls(const tls_context& context, std::string peer) {
    return handler_.start_tls(context, std::move(peer));
  }

  /// Reads what TLS holds already.
  void read_buffered() { handler_.read_buffered(); }

  /// Called by the handler when `recv` returned 0.
  void on_peer_finished(caf::execution_unit* ctx);

  /// Called by the handler when the TLS handshake is done.
  void on_tls_established(caf::execution_unit* ctx, std::string version,
                          std::string cipher);

  /// Called by the handler when TLS failed.
  void on_transport_error(caf::execution_unit* ctx, error_kind kind,
                          std::string message);

private:
  tcp_socket_handler handler_;
  bool launched_ = false;
};

/// The scribe behind `hdl` in `self`, if it is one of ours.
tcp_scribe* tcp_scribe_of(caf::io::abstract_broker* self,
                          caf::io::connection_handle hdl);

/// A doorman whose accepted peers get a `tcp_scribe`.
class tcp_doorman final : public caf::io::doorman {
public:
  tcp_doorman(caf::io::network::default_multiplexer& mpx,
              caf::io::network::native_socket fd);

  bool new_connection() override;
  void graceful_shutdown() override;
  void launch() override;
  std::string addr() const override;
  std::uint16_t port() const override;
  void add_to_loop() override;
  void remove_from_loop() override;

private:
  caf::io::network::acceptor_impl<caf::policy::tcp> acceptor_;
};

/// Our scribe for a connected socket, ready for `broker::add_scribe`.
caf::io::scribe_ptr make_tcp_scribe(caf::io::abstract_broker* self, int fd);

/// Our doorman for a listening socket, ready for `broker::add_doorman`.
caf::io::doorman_ptr make_tcp_doorman(caf::io::abstract_broker* self, int fd);

} // namespace actors::detail
