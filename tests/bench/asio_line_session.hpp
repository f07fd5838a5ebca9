#pragma once

// The session of the asio reference peers (asio_echo, asio_tls_echo): reads
// what arrives and writes back every complete line, as people write them.
// `Stream` is a tcp::socket or an asio::ssl::stream over one.

#include <asio.hpp>

#include <memory>
#include <vector>

namespace bench {

template <class Stream>
class line_session : public std::enable_shared_from_this<line_session<Stream>> {
public:
  explicit line_session(Stream stream) : stream_(std::move(stream)) {
  }

  void start() { read(); }

  Stream& stream() { return stream_; }

private:
  void read() {
    auto self = this->shared_from_this();
    stream_.async_read_some(asio::buffer(chunk_),
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
    auto self = this->shared_from_this();
    asio::async_write(stream_, asio::buffer(out_),
                      [this, self](std::error_code ec, std::size_t) {
      if (!ec)
        read();
    });
  }

  Stream stream_;
  std::vector<char> chunk_ = std::vector<char>(64 * 1024);
  std::vector<char> pending_;
  std::vector<char> out_;
};

} // namespace bench
