#pragma once

#include <chrono>
#include <string>

namespace actors {

/// TLS for one connection (`connection_options::tls`), run by OpenSSL inside
/// the connection actor: the handshake and every record go through memory
/// buffers, so nothing blocks the network thread, and read credit, write
/// high-water marks, half-close and reconnect keep their meaning.
///
/// A client verifies the server's certificate against the system's CA store
/// (Debian's ca-certificates) or `ca_file`, checks that it names the host,
/// and sends that name (SNI). A server needs `certificate_file` and
/// `key_file`. Failures arrive as `tls_handshake_failed` (with OpenSSL's
/// reason, e.g. "certificate verify failed: self-signed certificate") or
/// `tls_error`, and affect only their own connection.
struct tls_options {
  /// Speak TLS on this connection (on every connection of a server).
  bool enabled = false;
  /// CA certificates (PEM) to verify the peer against. A client without it
  /// uses the system's store; a server needs it to check client certificates.
  std::string ca_file;
  /// Client only: skip verifying the server's certificate and name. The
  /// traffic is still encrypted, but anyone on the path can read and change
  /// it by presenting any certificate: for tests and lab devices only.
  bool insecure = false;
  /// Client only: the name the server's certificate must carry, also sent as
  /// SNI; empty means the host given to `connect`.
  std::string server_name;
  /// Our certificate chain (PEM): required for a server; a client sends it
  /// when the server asks for one.
  std::string certificate_file;
  /// The private key (PEM) of `certificate_file`.
  std::string key_file;
  /// Server only: refuse clients without a certificate signed by `ca_file`.
  bool require_client_certificate = false;
  /// The handshake must finish within this time, so a peer that stalls it
  /// cannot hold a connection (or a server's slot) open.
  std::chrono::milliseconds handshake_timeout{10'000};
};

/// Empty while the first certificate in `certificate_file` is valid now;
/// else what a server's operator should know before clients fail to verify
/// it ("the certificate cert.pem expired on Jan  1 00:00:00 2020 GMT:
/// clients that verify it refuse it"). Empty too if the file does not read
/// as a certificate: loading it reports that.
std::string certificate_validity_warning(const std::string& certificate_file);

/// Empty if a server's `options` load: the certificate, the key that belongs
/// to it, and with `require_client_certificate` the CA file; else why not,
/// in the words a failed `listen` would use ("cannot load the private key
/// k.pem for c.pem: the key does not belong to the certificate ..."). For
/// programs that hand the files to another TLS stack (CAF's openssl module
/// for BASP) and want them checked before they start.
std::string tls_load_problem(const tls_options& options);

} // namespace actors
