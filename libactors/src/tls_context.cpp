#include "tls_context.hpp"

#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include "actors/error_kind.hpp"
#include "ignoring_case.hpp"

namespace actors {

std::string certificate_validity_warning(const std::string& certificate_file) {
  std::unique_ptr<BIO, decltype(&BIO_free)> file{BIO_new_file(certificate_file.c_str(), "r"),
                                                 BIO_free};
  if (!file)
    return {};
  std::unique_ptr<X509, decltype(&X509_free)> cert{
    PEM_read_bio_X509(file.get(), nullptr, nullptr, nullptr), X509_free};
  ERR_clear_error(); // a file that is not PEM is the loader's to report
  if (!cert)
    return {};
  auto when = [](const ASN1_TIME* time) {
    std::unique_ptr<BIO, decltype(&BIO_free)> text{BIO_new(BIO_s_mem()), BIO_free};
    ASN1_TIME_print(text.get(), time);
    char* data = nullptr;
    auto size = BIO_get_mem_data(text.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
  };
  auto* not_after = X509_get0_notAfter(cert.get());
  auto* not_before = X509_get0_notBefore(cert.get());
  if (X509_cmp_current_time(not_after) < 0)
    return "the certificate " + certificate_file + " expired on " + when(not_after)
           + ": clients that verify it refuse it";
  if (X509_cmp_current_time(not_before) > 0)
    return "the certificate " + certificate_file + " is not valid before " + when(not_before)
           + ": clients that verify it refuse it until then";
  return {};
}

} // namespace actors

namespace actors::detail {

namespace {

// What OpenSSL's reasons for the usual mistakes with certificate and key
// files mean, in words a user acts on.
std::string in_plain_words(const std::string& reason) {
  static const char* encrypted = "the key is encrypted with a passphrase, which is not "
                                 "supported (decrypt it: openssl pkey -in KEY -out PLAIN_KEY)";
  static const std::pair<const char*, const char*> known[] = {
    {"no start line", "no \"-----BEGIN CERTIFICATE-----\" in it (not PEM, or a key given "
                      "as the certificate?)"},
    {"unsupported", "not a PEM private key (a certificate given as the key?)"},
    {"key values mismatch", "the key does not belong to the certificate (the first in the "
                            "file: the server's own comes before its CA's)"},
    {"no certificate assigned", "the key does not belong to the certificate (a key of "
                                "another type: RSA and EC?)"},
    {"no certificate or crl found", "no PEM certificate in it"},
    {"bad decrypt", encrypted},
    {"bad password read", encrypted},
  };
  for (auto& [openssl, plain] : known)
    if (reason.rfind(openssl, 0) == 0)
      return std::string{plain} + " (OpenSSL: " + reason + ")";
  return reason;
}

caf::error tls_setup_error(const std::string& what) {
  auto reason = in_plain_words(take_openssl_errors());
  return caf::make_error(error_kind::tls_error,
                         what + (reason.empty() ? "" : ": " + reason));
}

// What is wrong with `path` before OpenSSL reads it, in words: a directory
// or an empty file read as "no start line" or "not a PEM private key".
std::string file_problem(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0)
    return {}; // OpenSSL says why (No such file or directory, ...)
  if (S_ISDIR(info.st_mode))
    return path + " is a directory, not a PEM file";
  if (S_ISREG(info.st_mode) && info.st_size == 0)
    return path + " is empty";
  return {};
}

// An encrypted key makes OpenSSL ask for its passphrase on the terminal,
// which would block whatever thread loads it; no passphrase fails instead.
int no_passphrase(char*, int, int, void*) {
  return 0;
}

} // namespace

std::string take_openssl_errors() {
  std::string result;
  while (auto code = ERR_get_error()) {
    std::string reason;
    if (ERR_SYSTEM_ERROR(code)) {
      reason = std::strerror(ERR_GET_REASON(code)); // e.g. a missing file
    } else if (const char* text = ERR_reason_error_string(code)) {
      reason = text;
    } else {
      reason = "OpenSSL error " + std::to_string(code);
    }
    // "system lib" only repeats that a system error came first, and
    // "no such file" what "No such file or directory" said.
    if (reason == "system lib" || contains_ignoring_case(result, reason))
      continue;
    result += (result.empty() ? "" : "; ") + reason;
  }
  return result;
}

caf::expected<tls_context> make_tls_context(const tls_options& options,
                                            tls_role role,
                                            const std::string& host) {
  ERR_clear_error();
  bool server = role == tls_role::server;
  std::shared_ptr<SSL_CTX> ctx{SSL_CTX_new(server ? TLS_server_method()
                                                  : TLS_client_method()),
                               SSL_CTX_free};
  if (!ctx)
    return tls_setup_error("cannot create a TLS context");
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  SSL_CTX_set_default_passwd_cb(ctx.get(), no_passphrase);
  // Memory buffers never block: a partial write would only complicate.
  SSL_CTX_set_mode(ctx.get(), SSL_MODE_ENABLE_PARTIAL_WRITE
                                | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  auto& cert = options.certificate_file;
  if (server && cert.empty())
    return caf::make_error(error_kind::invalid_argument,
                           "a TLS server needs a certificate and key file");
  if (!cert.empty()) {
    auto& key = options.key_file.empty() ? cert : options.key_file;
    for (auto* file : {&cert, &key})
      if (auto problem = file_problem(*file); !problem.empty())
        return caf::make_error(error_kind::tls_error,
                               std::string{file == &cert ? "cannot load the certificate "
                                                         : "cannot load the private key "}
                                 + *file + ": " + problem);
    if (SSL_CTX_use_certificate_chain_file(ctx.get(), cert.c_str()) != 1)
      return tls_setup_error("cannot load the certificate " + cert);
    // Not PEM, encrypted, or not the certificate's: OpenSSL's reason says which.
    if (SSL_CTX_use_PrivateKey_file(ctx.get(), key.c_str(), SSL_FILETYPE_PEM) != 1
        || SSL_CTX_check_private_key(ctx.get()) != 1)
      return tls_setup_error("cannot load the private key " + key + " for " + cert);
  }
  bool verify = server ? options.require_client_certificate : !options.insecure;
  if (verify) {
    auto& ca = options.ca_file;
    if (server && ca.empty())
      return caf::make_error(error_kind::invalid_argument,
                             "requiring client certificates needs a CA file");
    if (auto problem = ca.empty() ? std::string{} : file_problem(ca); !problem.empty())
      return caf::make_error(error_kind::tls_error, "cannot load the CA file " + ca + ": " + problem);
    int loaded = ca.empty() ? SSL_CTX_set_default_verify_paths(ctx.get())
                            : SSL_CTX_load_verify_locations(ctx.get(), ca.c_str(), nullptr);
    if (loaded != 1)
      return tls_setup_error(ca.empty() ? std::string{"cannot load the system's CA store"}
                                        : "cannot load the CA file " + ca);
    SSL_CTX_set_verify(ctx.get(),
                       server ? SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT
                              : SSL_VERIFY_PEER,
                       nullptr);
  }
  tls_context result{std::move(ctx), role, {}};
  if (!server)
    result.server_name = options.server_name.empty() ? host : options.server_name;
  return result;
}

} // namespace actors::detail

namespace actors {

std::string tls_load_problem(const tls_options& options) {
  auto loaded = detail::make_tls_context(options, detail::tls_role::server, {});
  return loaded ? std::string{} : message_of(loaded.error());
}

} // namespace actors
