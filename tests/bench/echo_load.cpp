// echo_load: the load generator for the echo benchmarks (B1).
//
//   echo_load --port P [--connections N] [--inflight K] [--size S]
//             [--seconds D] [--warmup W] [--tls 1]
//   echo_load --port P --tls 1 --handshakes N
//
// Opens N connections to 127.0.0.1:P; each keeps K line messages of S bytes
// (including the newline) in flight: a new one goes out for every complete
// echo that comes back. Counts only complete echoed messages, after a
// warm-up, and prints "messages_per_second N" and "errors N".
// One thread, epoll, non-blocking sockets: the generator itself stays cheap.
// With --tls 1 every connection speaks TLS (OpenSSL, no certificate check:
// the peer is on loopback). --handshakes N only connects, shakes hands and
// closes N times in a row, and prints "handshakes_per_second N".

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

#include <openssl/ssl.h>

namespace {

struct options {
  int port = 0;
  int connections = 1;
  int inflight = 64;
  int size = 64;
  double seconds = 3;
  double warmup = 0.5;
  int tls = 0;
  int handshakes = 0;
};

struct connection {
  int fd = -1;
  SSL* ssl = nullptr;
  std::string out;        // bytes not yet written
  std::size_t out_pos = 0;
  std::size_t partial = 0; // bytes of the current incoming message so far
};

options parse(int argc, char** argv) {
  options opts;
  std::map<std::string, double*> reals{{"--seconds", &opts.seconds},
                                       {"--warmup", &opts.warmup}};
  std::map<std::string, int*> ints{{"--port", &opts.port},
                                   {"--connections", &opts.connections},
                                   {"--inflight", &opts.inflight},
                                   {"--size", &opts.size},
                                   {"--tls", &opts.tls},
                                   {"--handshakes", &opts.handshakes}};
  for (int i = 1; i + 1 < argc; i += 2) {
    if (ints.count(argv[i]))
      *ints[argv[i]] = std::atoi(argv[i + 1]);
    else if (reals.count(argv[i]))
      *reals[argv[i]] = std::atof(argv[i + 1]);
    else {
      std::fprintf(stderr, "echo_load: unknown option %s\n", argv[i]);
      std::exit(2);
    }
  }
  if (opts.port <= 0 || opts.size < 2) {
    std::fprintf(stderr, "usage: echo_load --port P [--connections N] "
                         "[--inflight K] [--size S>=2] [--seconds D]\n");
    std::exit(2);
  }
  return opts;
}

// A TLS session over `fd` (still blocking), handshake done; exits on failure.
SSL* shake_hands(SSL_CTX* ctx, int fd) {
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  if (SSL_connect(ssl) != 1) {
    std::fprintf(stderr, "echo_load: TLS handshake failed\n");
    std::exit(1);
  }
  return ssl;
}

void set_nonblocking(int fd) {
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

// Like recv and send, over TLS when the connection has a session.
ssize_t read_some(connection& c, char* buf, std::size_t size) {
  if (c.ssl == nullptr)
    return ::recv(c.fd, buf, size, 0);
  auto n = SSL_read(c.ssl, buf, static_cast<int>(size));
  if (n > 0)
    return n;
  auto err = SSL_get_error(c.ssl, n);
  errno = err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE ? EAGAIN : EIO;
  return err == SSL_ERROR_ZERO_RETURN ? 0 : -1;
}

ssize_t write_some(connection& c, const char* data, std::size_t size) {
  if (c.ssl == nullptr)
    return ::send(c.fd, data, size, MSG_NOSIGNAL);
  auto n = SSL_write(c.ssl, data, static_cast<int>(size));
  if (n > 0)
    return n;
  auto err = SSL_get_error(c.ssl, n);
  errno = err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE ? EAGAIN : EIO;
  return -1;
}

int open_connection(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    std::perror("echo_load: connect");
    std::exit(1);
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return fd;
}

// --handshakes: connect, shake hands, close, N times in a row.
int count_handshakes(const options& opts, SSL_CTX* ctx) {
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < opts.handshakes; ++i) {
    int fd = open_connection(opts.port);
    SSL* ssl = shake_hands(ctx, fd);
    SSL_free(ssl);
    ::close(fd);
  }
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  std::printf("handshakes_per_second %.0f\nerrors 0\n", opts.handshakes / took.count());
  return 0;
}

// Writes what is pending; false if the connection broke.
bool flush(connection& c) {
  while (c.out_pos < c.out.size()) {
    auto n = write_some(c, c.out.data() + c.out_pos, c.out.size() - c.out_pos);
    if (n < 0)
      return errno == EAGAIN || errno == EWOULDBLOCK;
    c.out_pos += static_cast<std::size_t>(n);
  }
  c.out.clear();
  c.out_pos = 0;
  return true;
}

} // namespace

int main(int argc, char** argv) {
  auto opts = parse(argc, argv);
  SSL_CTX* ctx = nullptr;
  if (opts.tls != 0) {
    ctx = SSL_CTX_new(TLS_client_method());
    // SSL_write may be retried with a moved buffer (c.out grows).
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  }
  if (opts.handshakes > 0)
    return count_handshakes(opts, ctx);
  std::string message(static_cast<std::size_t>(opts.size) - 1, 'x');
  message.push_back('\n');
  int ep = ::epoll_create1(0);
  std::vector<connection> conns(static_cast<std::size_t>(opts.connections));
  for (std::size_t i = 0; i < conns.size(); ++i) {
    conns[i].fd = open_connection(opts.port);
    if (ctx != nullptr)
      conns[i].ssl = shake_hands(ctx, conns[i].fd);
    set_nonblocking(conns[i].fd);
    for (int k = 0; k < opts.inflight; ++k)
      conns[i].out += message;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLET;
    ev.data.u64 = i;
    ::epoll_ctl(ep, EPOLL_CTL_ADD, conns[i].fd, &ev);
  }
  using clock = std::chrono::steady_clock;
  auto start = clock::now();
  auto measure_from = start + std::chrono::duration<double>(opts.warmup);
  auto until = measure_from + std::chrono::duration<double>(opts.seconds);
  std::uint64_t counted = 0;
  std::uint64_t errors = 0;
  std::vector<epoll_event> events(256);
  std::vector<char> buf(1 << 16);
  for (auto now = clock::now(); now < until; now = clock::now()) {
    int n = ::epoll_wait(ep, events.data(), static_cast<int>(events.size()), 50);
    bool measuring = now >= measure_from;
    for (int e = 0; e < n; ++e) {
      auto& c = conns[events[e].data.u64];
      if (c.fd < 0)
        continue;
      for (;;) {
        auto got = read_some(c, buf.data(), buf.size());
        if (got <= 0) {
          if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
            ++errors;
            ::close(c.fd);
            c.fd = -1;
          }
          break;
        }
        // Only the last byte of each message is looked at (it must be the
        // newline): a loop over every byte capped every server at the same
        // rate with 16 KiB messages (perf: 80% of this generator's time).
        auto size = static_cast<std::size_t>(opts.size);
        auto bytes = static_cast<std::size_t>(got);
        for (auto end = size - c.partial; end <= bytes; end += size) {
          if (buf[end - 1] != '\n')
            ++errors;
          if (measuring)
            ++counted;
          c.out += message;
        }
        c.partial = (c.partial + bytes) % size;
        // A plain read that did not fill the buffer emptied the socket:
        // data arriving later raises a new edge, so asking again would
        // only hear EAGAIN. That extra recv per event was a third of this
        // generator's syscalls and made it, not the server, the limit.
        // (A TLS read returns at most one record: it may leave more.)
        if (c.ssl == nullptr && bytes < buf.size())
          break;
      }
      if (c.fd >= 0 && !flush(c)) {
        ++errors;
        ::close(c.fd);
        c.fd = -1;
      }
    }
  }
  std::printf("messages_per_second %.0f\nerrors %llu\n",
              static_cast<double>(counted) / opts.seconds,
              static_cast<unsigned long long>(errors));
  return errors == 0 ? 0 : 1;
}
