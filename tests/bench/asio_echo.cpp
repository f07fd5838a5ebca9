// asio_echo: the reference peer for B1, a hand-written single-threaded
// asio line echo server (Debian's libasio-dev), as people write them.
//
//   asio_echo   prints "listening on 127.0.0.1:PORT" and serves until killed

#include <asio.hpp>

#include <cstdio>
#include <memory>
#include <vector>

namespace {

using asio::ip::tcp;

// Reads what arrives, writes back every complete line, keeps the rest.
class session : public std::enable_shared_from_this<session> {
public:
  explicit session(tcp::socket socket) : socket_(std::move(socket)) {
    socket_.set_option(tcp::no_delay(true));
  }

  void start() { read(); }

private:
  void read() {
    auto self = shared_from_this();
    socket_.async_read_some(asio::buffer(chunk_),
                            [this, self](std::error_code ec, std::size_t n) {
      if (ec)
        return;
      pending_.insert(pending_.end(), chunk_.begin(), chunk_.begin() + n);
      std::size_t complete = 0;
      for (std::size_t i = pending_.size(); i > 0; --i)
        if (pending_[i - 1] == '\n') {
          complete = i;
          break;
        }
      if (complete == 0) {
        read();
        return;
      }
      out_.assign(pending_.begin(), pending_.begin() + complete);
      pending_.erase(pending_.begin(), pending_.begin() + complete);
      write();
    });
  }

  void write() {
    auto self = shared_from_this();
    asio::async_write(socket_, asio::buffer(out_),
                      [this, self](std::error_code ec, std::size_t) {
      if (!ec)
        read();
    });
  }

  tcp::socket socket_;
  std::vector<char> chunk_ = std::vector<char>(64 * 1024);
  std::vector<char> pending_;
  std::vector<char> out_;
};

void accept(tcp::acceptor& acceptor) {
  acceptor.async_accept([&acceptor](std::error_code ec, tcp::socket socket) {
    if (!ec)
      std::make_shared<session>(std::move(socket))->start();
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
