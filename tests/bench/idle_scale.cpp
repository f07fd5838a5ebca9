// idle_scale: the load side of the scale benchmark (B4).
//
//   idle_scale --port P --pid SERVER_PID --connections N [--window W]
//
// Opens N connections to an echo server on 127.0.0.1:P, at most W connects
// outstanding at a time, and proves each one is served by a round trip of
// one short line. Then, with all N connections idle, reads the server's
// resident memory. Prints:
//   connections_per_second  N / (first connect .. last echo)
//   seconds_to_all_echoed   first connect .. last echo (B4b: a reconnect
//                           storm is --window N, every connect at once)
//   rss_per_connection      (server RSS with N idle connections - before) / N
//   errors                  connections that failed or never echoed
// One thread, epoll, non-blocking sockets.

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <netinet/in.h>
#include <string>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

constexpr char probe[] = "ping\n";
constexpr std::size_t probe_size = sizeof(probe) - 1;

struct options {
  int port = 0;
  long pid = 0;
  int connections = 1000;
  int window = 256;
};

enum class phase { connecting, awaiting_echo, done, failed };

struct connection {
  int fd = -1;
  phase state = phase::connecting;
  std::size_t echoed = 0;
};

options parse(int argc, char** argv) {
  options opts;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string name = argv[i];
    long value = std::atol(argv[i + 1]);
    if (name == "--port")
      opts.port = static_cast<int>(value);
    else if (name == "--pid")
      opts.pid = value;
    else if (name == "--connections")
      opts.connections = static_cast<int>(value);
    else if (name == "--window")
      opts.window = static_cast<int>(value);
    else {
      std::fprintf(stderr, "idle_scale: unknown option %s\n", argv[i]);
      std::exit(2);
    }
  }
  if (opts.port <= 0 || opts.pid <= 0 || opts.connections <= 0 || opts.window <= 0) {
    std::fprintf(stderr, "usage: idle_scale --port P --pid SERVER_PID "
                         "--connections N [--window W]\n");
    std::exit(2);
  }
  return opts;
}

// VmRSS of `pid` in bytes, or -1.
long resident_bytes(long pid) {
  std::ifstream status{"/proc/" + std::to_string(pid) + "/status"};
  std::string key;
  while (status >> key) {
    if (key == "VmRSS:") {
      long kib = 0;
      status >> kib;
      return kib * 1024;
    }
    status.ignore(1 << 16, '\n');
  }
  return -1;
}

void raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

int start_connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<unsigned short>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0
      && errno != EINPROGRESS) {
    close(fd);
    return -1;
  }
  return fd;
}

// Advances one connection on an epoll event; returns true once it is done
// or failed (it then no longer counts against the window).
bool advance(connection& conn, std::uint32_t events) {
  if (events & (EPOLLERR | EPOLLHUP)) {
    conn.state = phase::failed;
    return true;
  }
  if (conn.state == phase::connecting && (events & EPOLLOUT)) {
    int err = 0;
    socklen_t len = sizeof(err);
    getsockopt(conn.fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0 || write(conn.fd, probe, probe_size) != static_cast<ssize_t>(probe_size)) {
      conn.state = phase::failed;
      return true;
    }
    conn.state = phase::awaiting_echo;
  }
  if (conn.state == phase::awaiting_echo && (events & EPOLLIN)) {
    char buf[64];
    auto n = read(conn.fd, buf, sizeof(buf));
    if (n <= 0) {
      conn.state = phase::failed;
      return true;
    }
    conn.echoed += static_cast<std::size_t>(n);
    if (conn.echoed >= probe_size) {
      conn.state = phase::done;
      return true;
    }
  }
  return false;
}

} // namespace

int main(int argc, char** argv) {
  auto opts = parse(argc, argv);
  raise_descriptor_limit();
  auto before = resident_bytes(opts.pid);
  std::vector<connection> conns(static_cast<std::size_t>(opts.connections));
  int ep = epoll_create1(EPOLL_CLOEXEC);
  std::size_t next = 0;
  std::size_t outstanding = 0;
  std::size_t finished = 0;
  std::size_t errors = 0;
  auto start = clock_type::now();
  auto deadline = start + std::chrono::seconds(120);
  std::vector<epoll_event> events(1024);
  while (finished < conns.size() && clock_type::now() < deadline) {
    while (next < conns.size() && outstanding < static_cast<std::size_t>(opts.window)) {
      auto& conn = conns[next];
      conn.fd = start_connect(opts.port);
      epoll_event ev{};
      ev.events = EPOLLIN | EPOLLOUT;
      ev.data.u64 = next++;
      if (conn.fd < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, conn.fd, &ev) != 0) {
        conn.state = phase::failed;
        ++finished;
        ++errors;
        continue;
      }
      ++outstanding;
    }
    int n = epoll_wait(ep, events.data(), static_cast<int>(events.size()), 100);
    for (int i = 0; i < n; ++i) {
      auto& conn = conns[events[static_cast<std::size_t>(i)].data.u64];
      if (conn.state == phase::done || conn.state == phase::failed)
        continue;
      if (advance(conn, events[static_cast<std::size_t>(i)].events)) {
        epoll_ctl(ep, EPOLL_CTL_DEL, conn.fd, nullptr);
        --outstanding;
        ++finished;
        if (conn.state == phase::failed)
          ++errors;
      }
    }
  }
  auto elapsed = std::chrono::duration<double>(clock_type::now() - start).count();
  errors += conns.size() - finished;
  // Let the server settle with every connection idle, then measure.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  auto after = resident_bytes(opts.pid);
  std::printf("connections_per_second %.0f\n", static_cast<double>(conns.size()) / elapsed);
  std::printf("seconds_to_all_echoed %.3f\n", elapsed);
  std::printf("rss_per_connection %.0f\n",
              static_cast<double>(after - before) / static_cast<double>(conns.size()));
  std::printf("errors %zu\n", errors);
  for (auto& conn : conns)
    if (conn.fd >= 0)
      close(conn.fd);
  close(ep);
  return errors == 0 ? 0 : 1;
}
