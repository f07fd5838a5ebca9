#pragma once

// The event handler of one TCP socket in CAF's multiplexer, under our own
// scribe (tcp_scribe.hpp). Internal.

#include <cstddef>
#include <sys/types.h>
#include <memory>
#include <string>
#include <vector>

#include <caf/intrusive_ptr.hpp>
#include <caf/io/fwd.hpp>
#include <caf/io/network/event_handler.hpp>
#include <caf/io/network/native_socket.hpp>
#include <caf/io/network/operation.hpp>

#include "tls_context.hpp"
#include "tls_stage.hpp"

namespace actors::detail {

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
  /// Writes what was queued in `queue()` as far as the socket takes it:
  /// at once, or, during a read of this socket (an inline session's
  /// replies), when the multiplexer's current pass ends (end_of_pass.hpp).
  void flush(tcp_scribe* owner);

  /// The write `flush` held: sends now, and reports what the socket took
  /// like a write event does (the scribe's data_transferred).
  void write_held();
  /// Sends a FIN once everything queued is written; reading goes on.
  void finish_writing();
  /// Runs TLS from now on; a client sends its hello at once. Returns why
  /// that failed, or an empty string.
  std::string start_tls(const tls_context& context, std::string peer);
  /// While a TLS handshake runs: what the peer's first bytes say about a
  /// peer that does not speak TLS (tls_stage::plain_peer_hint), or empty.
  std::string tls_plain_peer_hint() const { return tls_ ? tls_->plain_peer_hint() : std::string{}; }
  /// Reads what TLS holds already (posted when reading resumes).
  void read_buffered();

  std::vector<char>& read_buffer() { return read_buf_; }
  std::vector<char>& queue() { return queued_; }
  /// Bytes queued or being written: not yet taken by the socket.
  std::size_t bytes_pending() const noexcept {
    return writing_.size() - written_ + queued_.size();
  }
  bool peer_finished() const noexcept { return peer_finished_; }

private:
  void read_some();
  // Hands bytes read to the reader; false once reading must stop.
  bool consume(const char* bytes, std::size_t size);
  // recv: the byte count, 0 at the peer's FIN, or -1 when nothing more is
  // there now or the read failed (then the reader was told).
  ssize_t receive(char* buf, std::size_t size);
  void read_plain();
  void read_tls();
  // Hands decrypted bytes to the reader; false once reading must stop.
  bool deliver_plaintext();
  // The peer finished sending (a FIN, or TLS's close_notify).
  void peer_finished_sending();
  // TLS failed: stop reading and tell the broker why.
  void tls_failed();
  // The socket is writable again (we asked the multiplexer).
  void write_some();
  // Writes what waits for the socket at once; asks the multiplexer to wait
  // for writability only for what the socket did not take.
  void send_pending();
  // Moves the next bytes for the socket into writing_ (encrypted, with
  // TLS); false when there are none.
  bool take_next_bytes();
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
  // A flush waits for the end of the multiplexer's pass.
  bool write_held_ = false;
  // The reader is consuming a read of this socket: its flushes are held.
  bool consuming_ = false;
};

} // namespace actors::detail
