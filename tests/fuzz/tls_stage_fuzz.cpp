// Random bytes, as records from a client, into the server side of a TLS
// stage: before the handshake (as the hello) and after a real one (as
// application records). Nothing may crash, leak or hang; failures must be
// reported as failures.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "tls_context.hpp"
#include "tls_stage.hpp"

using namespace actors::detail;

namespace {

// A server context with a throwaway key and self-signed certificate, made
// in memory (no key is ever written or committed).
tls_context make_server_context() {
  std::shared_ptr<SSL_CTX> ctx{SSL_CTX_new(TLS_server_method()), SSL_CTX_free};
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  auto* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("fuzz"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509_sign(cert, key, EVP_sha256());
  SSL_CTX_use_certificate(ctx.get(), cert);
  SSL_CTX_use_PrivateKey(ctx.get(), key);
  X509_free(cert);
  EVP_PKEY_free(key);
  return tls_context{std::move(ctx), tls_role::server, {}};
}

tls_context make_client_context() {
  std::shared_ptr<SSL_CTX> ctx{SSL_CTX_new(TLS_client_method()), SSL_CTX_free};
  return tls_context{std::move(ctx), tls_role::client, {}}; // no verification
}

void carry(tls_stage& from, tls_stage& to) {
  std::vector<char> bytes;
  from.take_output(bytes);
  to.feed(bytes.data(), bytes.size());
}

// Feeds `data` in pieces whose sizes come from the data itself, so record
// boundaries fall everywhere.
void feed_in_pieces(tls_stage& server, const std::uint8_t* data, std::size_t size) {
  char plain[4096];
  std::vector<char> out;
  std::size_t at = 0;
  while (at < size && !server.failed()) {
    std::size_t piece = 1 + data[at] % 64;
    piece = std::min(piece, size - at);
    server.feed(reinterpret_cast<const char*>(data + at), piece);
    at += piece;
    if (!server.established())
      server.advance_handshake();
    while (server.read(plain, sizeof plain) > 0) {
    }
    server.take_output(out);
    out.clear();
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const tls_context server_ctx = make_server_context();
  static const tls_context client_ctx = make_client_context();
  if (size == 0)
    return 0;
  tls_stage server{server_ctx, "fuzzer"};
  if (data[0] % 8 == 1) {
    // After a real handshake (one input in 8, as it is slow): the bytes
    // arrive as records of the session.
    tls_stage client{client_ctx, "server"};
    client.advance_handshake();
    for (int round = 0; round < 4; ++round) {
      carry(client, server);
      server.advance_handshake();
      carry(server, client);
      client.advance_handshake();
    }
  }
  feed_in_pieces(server, data + 1, size - 1);
  return 0;
}
