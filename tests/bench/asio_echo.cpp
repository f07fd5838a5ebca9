// asio_echo: the reference peer for B1, a hand-written single-threaded
// asio line echo server (Debian's libasio-dev), as people write them.
//
//   asio_echo   prints "listening on 127.0.0.1:PORT" and serves until killed

#include <cstdio>

#include "asio_line_session.hpp"

namespace {

using asio::ip::tcp;

void accept(tcp::acceptor& acceptor) {
  acceptor.async_accept([&acceptor](std::error_code ec, tcp::socket socket) {
    if (!ec) {
      socket.set_option(tcp::no_delay(true));
      std::make_shared<bench::line_session<tcp::socket>>(std::move(socket))->start();
    }
    accept(acceptor);
  });
}

} // namespace

int main() {
  asio::io_context io;
  tcp::acceptor acceptor{io, {asio::ip::make_address("127.0.0.1"), 0}};
  std::printf("listening on 127.0.0.1:%u\n", acceptor.local_endpoint().port());
  std::fflush(stdout);
  accept(acceptor);
  io.run();
}
