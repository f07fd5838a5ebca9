#pragma once

// An OpenSSL context (SSL_CTX) built from `tls_options`: the certificates,
// keys and verification settings shared by the connections of one `connect`
// or one server. Internal. Building one reads files, so it runs on a thread
// that may block (the caller of `listen`, a client's connector).

#include <memory>
#include <string>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/expected.hpp>

#include "actors/tls_options.hpp"

struct ssl_ctx_st;

namespace actors::detail {

/// Which end of the handshake a context is for.
enum class tls_role { client, server };

/// A shared OpenSSL context; null means plain TCP.
struct tls_context {
  std::shared_ptr<ssl_ctx_st> ctx;
  tls_role role = tls_role::client;
  /// Client: the name checked against the server's certificate and sent as
  /// SNI; empty when `insecure`.
  std::string server_name;
};

/// Builds the context for `role`. `host` is the host given to `connect`
/// (the default server name). Errors: tls_error, naming the file and
/// OpenSSL's reason.
caf::expected<tls_context> make_tls_context(const tls_options& options,
                                            tls_role role,
                                            const std::string& host = {});

/// OpenSSL's error queue as one sentence ("wrong version number"), emptied.
std::string take_openssl_errors();

} // namespace actors::detail

// Sent between our own actors in one process only (a context is a pointer).
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actors::detail::tls_context)
