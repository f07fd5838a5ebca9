// A fix for CAF 0.17.6's TLS node links, linked into chat_cluster only.
//
// OpenSSL keeps one error queue per thread, and SSL_get_error() reads it: it
// must be empty before each SSL_read/SSL_write/SSL_connect/SSL_accept, or a
// stale entry makes a healthy link look broken. CAF 0.17.6's
// caf::openssl::session never clears it, and every TLS link of a node runs on
// the same I/O thread; so when one link fails (a gateway dies, or a peer
// without the right certificate is refused), the next read on any other link
// fails too and that link is dropped. Later CAF versions clear the queue
// (libcaf_net's ssl::connection).
//
// These definitions interpose the four calls for the whole process (the
// executable's symbols come first in the dynamic lookup of libcaf_openssl's
// calls): clear the queue, then call OpenSSL's own function.

#include <cstdlib>

#include <dlfcn.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace {

template <class Fn>
Fn openssl_function(const char* name) {
  auto fn = reinterpret_cast<Fn>(::dlsym(RTLD_NEXT, name));
  if (fn == nullptr)
    std::abort(); // libssl is linked (through libcaf_openssl); cannot happen
  return fn;
}

} // namespace

extern "C" {

int SSL_read(SSL* ssl, void* buf, int num) {
  static auto real = openssl_function<int (*)(SSL*, void*, int)>("SSL_read");
  ERR_clear_error();
  return real(ssl, buf, num);
}

int SSL_write(SSL* ssl, const void* buf, int num) {
  static auto real = openssl_function<int (*)(SSL*, const void*, int)>("SSL_write");
  ERR_clear_error();
  return real(ssl, buf, num);
}

int SSL_connect(SSL* ssl) {
  static auto real = openssl_function<int (*)(SSL*)>("SSL_connect");
  ERR_clear_error();
  return real(ssl);
}

int SSL_accept(SSL* ssl) {
  static auto real = openssl_function<int (*)(SSL*)>("SSL_accept");
  ERR_clear_error();
  return real(ssl);
}

} // extern "C"
