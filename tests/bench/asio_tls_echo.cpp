// asio_tls_echo: the reference peer for B6, the asio line echo of B1 over
// asio::ssl (OpenSSL), single-threaded, as people write them.
//
//   asio_tls_echo CERT KEY   prints "listening on 127.0.0.1:PORT", serves until killed

#include <asio/ssl.hpp>

#include <cstdio>

#include "asio_line_session.hpp"

namespace {

using asio::ip::tcp;
using tls_stream = asio::ssl::stream<tcp::socket>;

void accept(tcp::acceptor& acceptor, asio::ssl::context& tls) {
  acceptor.async_accept([&acceptor, &tls](std::error_code ec, tcp::socket socket) {
    if (!ec) {
      socket.set_option(tcp::no_delay(true));
      auto session = std::make_shared<bench::line_session<tls_stream>>(
        tls_stream{std::move(socket), tls});
      session->stream().async_handshake(asio::ssl::stream_base::server,
                                        [session](std::error_code failed) {
        if (!failed)
          session->start();
      });
    }
    accept(acceptor, tls);
  });
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: asio_tls_echo CERT KEY\n");
    return 2;
  }
  asio::ssl::context tls{asio::ssl::context::tls_server};
  tls.use_certificate_chain_file(argv[1]);
  tls.use_private_key_file(argv[2], asio::ssl::context::pem);
  asio::io_context io;
  tcp::acceptor acceptor{io, {asio::ip::make_address("127.0.0.1"), 0}};
  std::printf("listening on 127.0.0.1:%u\n", acceptor.local_endpoint().port());
  std::fflush(stdout);
  accept(acceptor, tls);
  io.run();
}
