#pragma once

// One TLS session between a socket and the framing: ciphertext in from the
// socket, plaintext out to the connection, and the reverse. OpenSSL runs on
// memory buffers (BIOs), so no call here can block. Internal.

#include <cstddef>
#include <string>
#include <vector>

#include "actors/error_kind.hpp"
#include "tls_context.hpp"

struct ssl_st;
struct bio_st;
struct x509_store_ctx_st;

namespace actors::detail {

class tls_stage {
public:
  /// `peer` names the other end in error messages.
  tls_stage(const tls_context& context, std::string peer);
  ~tls_stage();
  tls_stage(const tls_stage&) = delete;
  tls_stage& operator=(const tls_stage&) = delete;

  /// Takes ciphertext that arrived from the socket.
  void feed(const char* data, std::size_t size);

  /// Moves the handshake on (a client's first call produces its hello).
  /// False if it failed: see `error_message`.
  bool advance_handshake();

  /// True once the handshake is done.
  bool established() const noexcept { return established_; }

  /// Before the handshake is done: what the peer's first bytes say about a
  /// peer that does not speak TLS ("the peer sent nothing (does it speak
  /// TLS?)", "the peer sent our own bytes back (...)", "the peer does not
  /// speak TLS: it sent \"welcome\\n\""), or empty when they may be TLS.
  std::string plain_peer_hint() const;

  /// Why the handshake failed when the peer closed the connection in it,
  /// naming the peer and what it sent, if anything.
  std::string closed_in_handshake() const;

  /// Decrypts up to `size` bytes into `buf`; 0 if no whole record is there
  /// yet, or after the peer's close_notify (`peer_closed`), or on a failure
  /// (`failed`).
  std::size_t read(char* buf, std::size_t size);

  /// Encrypts `size` bytes of plaintext; false on a failure.
  bool write(const char* data, std::size_t size);

  /// Queues our close_notify (TLS's end of stream).
  void close_notify();

  /// Appends the ciphertext waiting for the socket to `out`.
  void take_output(std::vector<char>& out);

  /// True if ciphertext waits for the socket.
  bool has_output() const;

  /// True if decrypted or undecrypted bytes, or the peer's close_notify or a
  /// failure, wait inside: reading goes on without the socket becoming
  /// readable.
  bool has_buffered_input() const;

  bool peer_closed() const noexcept { return peer_closed_; }
  bool failed() const noexcept { return !error_.empty(); }

  /// Why it failed: tls_handshake_failed or tls_error, and a sentence.
  error_kind error() const noexcept {
    return established_ ? error_kind::tls_error : error_kind::tls_handshake_failed;
  }
  const std::string& error_message() const noexcept { return error_; }

  /// The protocol version ("TLSv1.3") and cipher suite, once established.
  std::string version() const;
  std::string cipher() const;

private:
  // Records why the last call failed, with OpenSSL's reasons.
  void fail(int result);
  // Whether the peer's first bytes are ours (a plain echo server).
  bool echoed_our_bytes() const;
  // OpenSSL's verify callback: notes the names of a certificate that does
  // not match `server_name_` (the session has no peer certificate yet
  // when the handshake fails).
  static int on_verify(int ok, x509_store_ctx_st* ctx);
  // OpenSSL's info callback: notes that this side refused a renegotiation.
  static void on_info(const ssl_st* ssl, int where, int alert);
  // What OpenSSL's `reasons` mean for TLS versions or renegotiation, or empty.
  std::string protocol_hint(const std::string& reasons) const;

  ssl_st* ssl_ = nullptr;
  bio_st* in_ = nullptr;  // ciphertext from the socket
  bio_st* out_ = nullptr; // ciphertext for the socket
  std::string peer_;
  std::string server_name_; // a client's name checked against the certificate
  std::string certificate_names_; // of a certificate that did not match it
  bool established_ = false;
  bool peer_closed_ = false;
  bool renegotiation_refused_ = false;
  std::size_t bytes_fed_ = 0;
  // The first bytes each way, for plain_peer_hint.
  std::string first_in_;
  std::string first_out_;
  std::string error_;
};

} // namespace actors::detail
