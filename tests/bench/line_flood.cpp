// line_flood: the flooding peer of benchmark B2. Listens on 127.0.0.1 (port
// 0 picks one), prints "listening on 127.0.0.1:PORT", accepts one client and
// writes it LINES numbered lines of SIZE bytes (newline included) as fast
// as the client takes them, then waits until the client closes.
//
//   line_flood LINES [SIZE]      (SIZE defaults to 48, at least 11)
//
// A plain blocking program, so the design under test and its peers get
// exactly the same bytes at the same pace.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

[[noreturn]] void die(const char* what) {
  std::perror(what);
  std::exit(1);
}

int listen_on_loopback(std::uint16_t& port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    die("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || ::listen(fd, 1) != 0)
    die("bind/listen");
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  port = ntohs(addr.sin_port);
  return fd;
}

bool send_all(int fd, const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    auto n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n <= 0)
      return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// Line i: its number, zero-padded to 9 digits, a space, filler, newline.
void append_line(std::string& out, long i, std::size_t size) {
  char number[24];
  std::snprintf(number, sizeof(number), "%09ld ", i);
  out += number;
  out.append(size - 11, 'x');
  out += '\n';
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3 || std::strcmp(argv[1], "--help") == 0) {
    std::fprintf(stderr, "usage: line_flood LINES [SIZE]\n");
    return 2;
  }
  long lines = std::atol(argv[1]);
  long size = argc == 3 ? std::atol(argv[2]) : 48;
  if (lines <= 0 || size < 11) {
    std::fprintf(stderr, "error: LINES must be positive and SIZE at least 11\n");
    return 2;
  }
  std::uint16_t port = 0;
  int listener = listen_on_loopback(port);
  std::printf("listening on 127.0.0.1:%u\n", port);
  std::fflush(stdout);
  int client = ::accept(listener, nullptr, nullptr);
  if (client < 0)
    die("accept");
  std::string chunk;
  for (long i = 0; i < lines; ++i) {
    append_line(chunk, i, static_cast<std::size_t>(size));
    if (chunk.size() >= 64 * 1024 || i + 1 == lines) {
      if (!send_all(client, chunk))
        return 0; // the client went away early: nothing left to measure
      chunk.clear();
    }
  }
  char buf[4096];
  while (::recv(client, buf, sizeof(buf), 0) > 0) {
  }
  ::close(client);
  ::close(listener);
  return 0;
}
