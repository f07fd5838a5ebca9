#pragma once

// Our scribe: what a connection broker reads and writes through, in CAF's
// multiplexer. Internal.
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

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <caf/execution_unit.hpp>
#include <caf/io/abstract_broker.hpp>
#include <caf/io/connection_handle.hpp>
#include <caf/io/receive_policy.hpp>
#include <caf/io/scribe.hpp>
#include <caf/meta/type_name.hpp>

#include "actors/error_kind.hpp"
#include "tcp_socket_handler.hpp"
#include "tls_context.hpp"

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

/// A scribe over `tcp_socket_handler`: the peer's FIN arrives at the broker
/// as `read_closed_msg` instead of closing everything.
class tcp_scribe final : public caf::io::scribe {
public:
  /// Takes each read in place of a `new_data_msg`: the broker's own
  /// handler for it, called on the broker's thread (the multiplexer's).
  using read_handler = void (*)(caf::io::abstract_broker* self, std::string_view bytes);

  tcp_scribe(caf::io::network::default_multiplexer& mpx,
             caf::io::network::native_socket fd);

  /// Takes what the socket accepted in place of a `data_transferred_msg`:
  /// the bytes still queued after it.
  using written_handler = void (*)(caf::io::abstract_broker* self, std::size_t remaining);

  /// Hands each read to `handler` directly instead of dispatching a
  /// `new_data_msg` through CAF (building, matching and visiting a message
  /// per read); CAF's exception handling and finalization stay as they are.
  void handle_reads_with(read_handler handler) noexcept { read_handler_ = handler; }

  /// Reports writes (with `ack_writes`) to `handler` directly, as
  /// `handle_reads_with` does reads: a flush reports once per pass.
  void handle_writes_with(written_handler handler) noexcept { written_handler_ = handler; }

  bool consume(caf::execution_unit* ctx, const void* buf, std::size_t num_bytes) override;
  void data_transferred(caf::execution_unit* ctx, std::size_t written,
                        std::size_t remaining) override;

  void configure_read(caf::io::receive_policy::config config) override;
  void ack_writes(bool enable) override;
  std::vector<char>& wr_buf() override;
  std::vector<char>& rd_buf() override;
  void graceful_shutdown() override;
  /// Writes what is queued, as far as the socket takes it: at once, or,
  /// during a read of this socket, when the multiplexer's pass ends
  /// (reported through data_transferred).
  void flush() override;

  /// Sends the write a flush held (end_of_pass.hpp).
  void write_held() { handler_.write_held(); }
  std::string addr() const override;
  std::uint16_t port() const override;
  void add_to_loop() override;
  void remove_from_loop() override;

  /// Starts reading (CAF's scribes launch on their first `configure_read`).
  void launch();

  /// Bytes the socket has not taken yet.
  std::size_t bytes_pending() const noexcept { return handler_.bytes_pending(); }

  /// Half-closes our side: FIN after what is queued; reading goes on.
  void finish_writing() { handler_.finish_writing(); }

  /// Runs TLS on this connection from now on (a client sends its hello);
  /// returns why that failed, or an empty string.
  std::string start_tls(const tls_context& context, std::string peer) {
    return handler_.start_tls(context, std::move(peer));
  }

  /// While a TLS handshake runs: what the peer's first bytes say about a
  /// peer that does not speak TLS, or empty.
  std::string tls_plain_peer_hint() const { return handler_.tls_plain_peer_hint(); }

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
  // Runs `handler` on the broker as CAF runs a message handler (context,
  // exception handling, finalization); false once detached.
  template <class Handler>
  bool run_on_broker(caf::execution_unit* ctx, Handler handler);

  // Invokes `message` on the broker at once; nothing once detached.
  template <class Message>
  void deliver(caf::execution_unit* ctx, Message message);

  tcp_socket_handler handler_;
  read_handler read_handler_ = nullptr;
  written_handler written_handler_ = nullptr;
  bool launched_ = false;
};

/// The scribe behind `hdl` in `self`, if it is one of ours.
tcp_scribe* tcp_scribe_of(caf::io::abstract_broker* self,
                          caf::io::connection_handle hdl);

/// Our scribe for a connected socket, ready for `broker::add_scribe`.
caf::io::scribe_ptr make_tcp_scribe(caf::io::abstract_broker* self, int fd);

} // namespace actors::detail
