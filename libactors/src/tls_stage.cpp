#include "tls_stage.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <climits>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "actors/log_record.hpp"

namespace actors::detail {

namespace {

bool is_ip_address(const std::string& name) {
  auto* parsed = a2i_IPADDRESS(name.c_str());
  if (parsed == nullptr)
    return false;
  ASN1_OCTET_STRING_free(parsed);
  return true;
}

// The names a certificate is for: its subject alternative names (DNS and
// IP), or its subject's common name without them.
std::string certificate_names(X509* cert) {
  std::string names;
  auto add = [&names](std::string name) {
    names += (names.empty() ? "" : ", ") + std::move(name);
  };
  auto* alt = static_cast<GENERAL_NAMES*>(
    X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  for (int i = 0; alt != nullptr && i < sk_GENERAL_NAME_num(alt); ++i) {
    auto* entry = sk_GENERAL_NAME_value(alt, i);
    if (entry->type == GEN_DNS) {
      auto* dns = entry->d.dNSName;
      add(std::string{reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                      static_cast<std::size_t>(ASN1_STRING_length(dns))});
    } else if (entry->type == GEN_IPADD) {
      auto* ip = entry->d.iPAddress;
      auto size = ASN1_STRING_length(ip);
      char text[INET6_ADDRSTRLEN] = "";
      if ((size == 4 || size == 16)
          && ::inet_ntop(size == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(ip), text,
                         sizeof(text))
               != nullptr)
        add(text);
    }
  }
  GENERAL_NAMES_free(alt);
  if (names.empty()) {
    char cn[256] = "";
    if (X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn,
                                  sizeof(cn))
        > 0)
      add(cn);
  }
  return names;
}

int clamp_int(std::size_t size) {
  return size > static_cast<std::size_t>(INT_MAX) ? INT_MAX : static_cast<int>(size);
}

} // namespace

tls_stage::tls_stage(const tls_context& context, std::string peer)
  : peer_(std::move(peer)) {
  ssl_ = SSL_new(context.ctx.get());
  in_ = BIO_new(BIO_s_mem());
  out_ = BIO_new(BIO_s_mem());
  if (ssl_ == nullptr || in_ == nullptr || out_ == nullptr) {
    error_ = "cannot set up TLS: " + take_openssl_errors();
    return;
  }
  SSL_set_bio(ssl_, in_, out_); // the session owns both BIOs now
  SSL_set_app_data(ssl_, this);    // for on_verify and on_info
  SSL_set_info_callback(ssl_, &tls_stage::on_info);
  if (context.role == tls_role::server) {
    SSL_set_accept_state(ssl_);
    return;
  }
  SSL_set_connect_state(ssl_);
  auto& name = context.server_name;
  if (name.empty())
    return;
  server_name_ = name;
  bool ip = is_ip_address(name);
  if (!ip) // SNI carries host names only
    SSL_set_tlsext_host_name(ssl_, name.c_str());
  if (SSL_get_verify_mode(ssl_) != SSL_VERIFY_NONE) {
    SSL_set_verify(ssl_, SSL_get_verify_mode(ssl_), &tls_stage::on_verify);
    if (ip)
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), name.c_str());
    else
      SSL_set1_host(ssl_, name.c_str());
  }
}

int tls_stage::on_verify(int ok, x509_store_ctx_st* ctx) {
  auto error = X509_STORE_CTX_get_error(ctx);
  if (ok == 0
      && (error == X509_V_ERR_HOSTNAME_MISMATCH || error == X509_V_ERR_IP_ADDRESS_MISMATCH)) {
    auto* ssl = static_cast<ssl_st*>(
      X509_STORE_CTX_get_ex_data(ctx, SSL_get_ex_data_X509_STORE_CTX_idx()));
    if (auto* stage = ssl != nullptr ? static_cast<tls_stage*>(SSL_get_app_data(ssl)) : nullptr)
      if (auto* cert = X509_STORE_CTX_get_current_cert(ctx))
        stage->certificate_names_ = certificate_names(cert);
  }
  return ok; // the verdict stays OpenSSL's
}

tls_stage::~tls_stage() {
  if (ssl_ != nullptr)
    SSL_free(ssl_);
  else {
    BIO_free(in_);
    BIO_free(out_);
  }
}

namespace {

// How many of the first bytes each way plain_peer_hint looks at.
constexpr std::size_t first_bytes = 24;

void keep_first(std::string& first, const char* data, std::size_t size) {
  if (first.size() < first_bytes)
    first.append(data, std::min(size, first_bytes - first.size()));
}

} // namespace

std::string tls_stage::plain_peer_hint() const {
  if (established_)
    return {};
  if (bytes_fed_ == 0)
    return "the peer sent nothing (does it speak TLS?)";
  if (echoed_our_bytes())
    return "the peer sent our own bytes back (an echo server without TLS?)";
  // Every TLS record starts with its type (20 to 24) and major version 3.
  auto type = static_cast<unsigned char>(first_in_[0]);
  if (type >= 20 && type <= 24 && (first_in_.size() < 2 || first_in_[1] == 3))
    return {};
  // Escaped as in the log (`welcome\n`, `\x16`): one line, readable.
  std::string sent;
  append_escaped(sent, first_in_);
  return "the peer does not speak TLS: it sent \"" + sent
         + (bytes_fed_ > first_in_.size() ? "...\"" : "\"");
}

std::string tls_stage::closed_in_handshake() const {
  auto why = "TLS handshake with " + peer_ + " failed: the peer closed the connection";
  if (bytes_fed_ == 0) // a server at its connection limit closes so, too
    return why + " without sending anything";
  auto hint = plain_peer_hint();
  return hint.empty() ? why : why + "; " + hint;
}

bool tls_stage::echoed_our_bytes() const {
  // A line echo returns the start of our hello up to a newline byte in it:
  // a TLS record header, never the rest of its record. No TLS peer's first
  // six bytes are a hello's (type, version, length, then the message type:
  // a client's hello is 1, a server's 2).
  return first_in_.size() >= 6 && first_out_.compare(0, first_in_.size(), first_in_) == 0;
}

void tls_stage::feed(const char* data, std::size_t size) {
  keep_first(first_in_, data, size);
  bytes_fed_ += size;
  if (in_ != nullptr)
    BIO_write(in_, data, clamp_int(size));
}

bool tls_stage::advance_handshake() {
  if (failed())
    return false;
  if (established_)
    return true;
  if (echoed_our_bytes()) {
    // OpenSSL would wait for the rest of that record until the timeout.
    error_ = "TLS handshake with " + peer_ + " failed: " + plain_peer_hint();
    return false;
  }
  ERR_clear_error();
  auto result = SSL_do_handshake(ssl_);
  if (result == 1) {
    established_ = true;
    return true;
  }
  auto code = SSL_get_error(ssl_, result);
  if (code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE)
    return true;
  fail(result);
  return false;
}

std::size_t tls_stage::read(char* buf, std::size_t size) {
  if (!established_ || failed() || peer_closed_)
    return 0;
  ERR_clear_error();
  std::size_t n = 0;
  auto result = SSL_read_ex(ssl_, buf, size, &n);
  if (result == 1)
    return n;
  switch (SSL_get_error(ssl_, result)) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
      return 0;
    case SSL_ERROR_ZERO_RETURN:
      peer_closed_ = true;
      return 0;
    default:
      fail(result);
      return 0;
  }
}

bool tls_stage::write(const char* data, std::size_t size) {
  if (failed())
    return false;
  ERR_clear_error();
  while (size > 0) {
    std::size_t n = 0;
    auto result = SSL_write_ex(ssl_, data, size, &n);
    if (result != 1) {
      fail(result);
      return false;
    }
    data += n;
    size -= n;
  }
  return true;
}

void tls_stage::close_notify() {
  if (ssl_ != nullptr && established_ && !failed())
    SSL_shutdown(ssl_);
}

void tls_stage::take_output(std::vector<char>& out) {
  auto pending = out_ != nullptr ? BIO_ctrl_pending(out_) : 0;
  if (pending == 0)
    return;
  auto before = out.size();
  out.resize(before + pending);
  auto n = BIO_read(out_, out.data() + before, clamp_int(pending));
  out.resize(before + static_cast<std::size_t>(n > 0 ? n : 0));
  keep_first(first_out_, out.data() + before, out.size() - before);
}

bool tls_stage::has_output() const {
  return out_ != nullptr && BIO_ctrl_pending(out_) > 0;
}

bool tls_stage::has_buffered_input() const {
  // A close_notify or failure read already but not yet reported counts too.
  return ssl_ != nullptr && established_
         && (peer_closed_ || failed() || SSL_pending(ssl_) > 0
             || BIO_ctrl_pending(in_) > 0);
}

std::string tls_stage::version() const {
  return ssl_ != nullptr ? SSL_get_version(ssl_) : "";
}

std::string tls_stage::cipher() const {
  auto* current = ssl_ != nullptr ? SSL_get_current_cipher(ssl_) : nullptr;
  return current != nullptr ? SSL_CIPHER_get_name(current) : "";
}

void tls_stage::fail(int result) {
  auto code = SSL_get_error(ssl_, result);
  auto reasons = take_openssl_errors();
  auto verify = SSL_get_verify_result(ssl_);
  if (!established_ && verify != X509_V_OK)
    reasons += std::string{reasons.empty() ? "" : ": "}
               + X509_verify_cert_error_string(verify);
  // "hostname mismatch" alone leaves the user to find both names.
  if (!certificate_names_.empty())
    reasons += " (the certificate is for " + certificate_names_ + ", not " + server_name_ + ")";
  if (reasons.empty())
    reasons = code == SSL_ERROR_SYSCALL ? "the peer closed the connection"
                                        : "OpenSSL error " + std::to_string(code);
  error_ = (established_ ? "TLS with " : "TLS handshake with ") + peer_
           + " failed: " + reasons;
  if (auto hint = protocol_hint(reasons); !hint.empty())
    error_ += "; " + hint;
  // OpenSSL's reason ("wrong version number", "packet length too long")
  // does not say that the peer simply speaks something else.
  if (auto hint = plain_peer_hint(); !hint.empty() && bytes_fed_ > 0)
    error_ += "; " + hint;
}

std::string tls_stage::protocol_hint(const std::string& reasons) const {
  // OpenSSL names the version check, not the versions.
  if (reasons.find("unsupported protocol") != std::string::npos)
    return "the peer offers only TLS versions older than 1.2, the oldest this side speaks";
  if (reasons.find("alert protocol version") != std::string::npos)
    return "the peer refuses TLS 1.2 and 1.3, the versions this side speaks";
  // Refusing renegotiation is OpenSSL's default since 3.0; the alert the
  // peer answers with ("handshake failure") reads as if the first
  // handshake had failed.
  if (renegotiation_refused_)
    return "the peer asked to renegotiate, which this side refuses (a new connection "
           "does what renegotiation would)";
  return {};
}

void tls_stage::on_info(const ssl_st* ssl, int where, int alert) {
  if ((where & SSL_CB_WRITE_ALERT) == 0 || (alert & 0xff) != SSL_AD_NO_RENEGOTIATION)
    return;
  if (auto* stage = static_cast<tls_stage*>(SSL_get_app_data(ssl)))
    stage->renegotiation_refused_ = true;
}

} // namespace actors::detail
