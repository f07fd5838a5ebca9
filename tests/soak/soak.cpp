// soak: many connections through a real server, some reset mid-stream; the
// others must get every line back exactly once and in order.
//
//   soak --server PATH [--chat] [--connections N] [--lines M] [--window W]
//        [--reset-percent P]
//
// Starts the server (an examples/ binary) on a free port. Each connection
// sends M numbered lines, at most W unanswered at a time; with --chat each
// first joins a room of its own, so the room echoes its lines to it alone.
// P percent of the connections (at least one) are reset by us (SO_LINGER 0)
// halfway. Prints the totals; exits 1 if any line on a connection that was not
// reset was lost, duplicated or reordered. One thread, epoll.

#include <arpa/inet.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <netinet/in.h>
#include <string>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

#include "support/child_process.hpp"

namespace {

struct options {
  std::string server;
  bool chat = false;
  int connections = 1000;
  int lines = 10'000;
  int window = 16;
  int reset_percent = 1;
};

struct connection {
  int fd = -1;
  int sent = 0;
  int received = 0;
  bool joined = false;
  bool reset = false;
  bool done = false;
  std::string in;
};

struct totals {
  long lost_or_reordered = 0;
  long duplicated = 0;
  long received = 0;
  int reset = 0;
  int failed = 0;
};

options parse(int argc, char** argv) {
  options opts;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto next = [&] { return i + 1 < argc ? std::string{argv[++i]} : std::string{}; };
    if (arg == "--server") opts.server = next();
    else if (arg == "--chat") opts.chat = true;
    else if (arg == "--connections") opts.connections = std::atoi(next().c_str());
    else if (arg == "--lines") opts.lines = std::atoi(next().c_str());
    else if (arg == "--window") opts.window = std::atoi(next().c_str());
    else if (arg == "--reset-percent") opts.reset_percent = std::atoi(next().c_str());
    else {
      std::fprintf(stderr, "soak: unknown argument %s\n", arg.c_str());
      std::exit(2);
    }
  }
  if (opts.server.empty() || opts.connections < 1 || opts.lines < 2 || opts.window < 1) {
    std::fprintf(stderr, "usage: soak --server PATH [--chat] [--connections N] "
                         "[--lines M] [--window W] [--reset-percent P]\n");
    std::exit(2);
  }
  return opts;
}

int open_connection(unsigned short port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0)
    return -1;
  return fd;
}

void write_line(connection& conn, const std::string& line) {
  auto data = line + "\n";
  // Lines are short and the window small: the socket buffer always has room.
  if (::send(conn.fd, data.data(), data.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(data.size()))
    conn.done = true;
}

void reset_connection(connection& conn) {
  linger hard{1, 0};
  ::setsockopt(conn.fd, SOL_SOCKET, SO_LINGER, &hard, sizeof(hard));
  ::close(conn.fd);
  conn.fd = -1;
  conn.reset = conn.done = true;
}

// Sends more lines while the window allows.
void top_up(connection& conn, int index, const options& opts) {
  while (!conn.done && conn.sent < opts.lines && conn.sent - conn.received < opts.window)
    write_line(conn, "c" + std::to_string(index) + " " + std::to_string(conn.sent++));
}

// Checks one received line; chat lines look like "<nick> c7 42".
void check_line(connection& conn, int index, std::string_view line, totals& sum) {
  auto prefix = "c" + std::to_string(index) + " ";
  auto at = line.find(prefix);
  if (at == std::string_view::npos)
    return; // a chat welcome or join notice
  auto number = std::atol(std::string{line.substr(at + prefix.size())}.c_str());
  ++sum.received;
  if (number < conn.received)
    ++sum.duplicated;
  else if (number > conn.received)
    ++sum.lost_or_reordered;
  conn.received = static_cast<int>(number) + 1;
}

} // namespace

int main(int argc, char** argv) {
  auto opts = parse(argc, argv);
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
  std::vector<std::string> command{opts.server, "--port", "0"};
  // Room enough for every connection (and for a room each, plus #general).
  if (opts.chat)
    command.insert(command.end(), {"--max-rooms", std::to_string(opts.connections + 10)});
  else
    command.insert(command.end(), {"--max-connections", std::to_string(opts.connections + 10)});
  testing_support::child_process server{command};
  auto banner = server.read_line(std::chrono::seconds{10});
  auto port = banner ? testing_support::port_from_banner(*banner) : 0;
  if (port == 0) {
    std::fprintf(stderr, "soak: %s printed no banner\n", opts.server.c_str());
    return 2;
  }
  int resets = std::max(1, opts.connections * opts.reset_percent / 100);
  int ep = ::epoll_create1(EPOLL_CLOEXEC);
  std::vector<connection> conns(static_cast<std::size_t>(opts.connections));
  totals sum;
  for (int i = 0; i < opts.connections; ++i) {
    auto& conn = conns[static_cast<std::size_t>(i)];
    conn.fd = open_connection(port);
    if (conn.fd < 0) {
      ++sum.failed;
      conn.done = true;
      continue;
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = static_cast<std::uint32_t>(i);
    ::epoll_ctl(ep, EPOLL_CTL_ADD, conn.fd, &ev);
    if (opts.chat)
      write_line(conn, "/join room" + std::to_string(i));
    else
      top_up(conn, i, opts);
  }
  auto start = std::chrono::steady_clock::now();
  auto deadline = start + std::chrono::minutes{10};
  int open = opts.connections - sum.failed;
  std::vector<epoll_event> events(512);
  char buf[65536];
  while (open > 0 && std::chrono::steady_clock::now() < deadline) {
    int n = ::epoll_wait(ep, events.data(), static_cast<int>(events.size()), 1000);
    for (int k = 0; k < n; ++k) {
      int i = static_cast<int>(events[static_cast<std::size_t>(k)].data.u32);
      auto& conn = conns[static_cast<std::size_t>(i)];
      if (conn.done)
        continue;
      auto got = ::recv(conn.fd, buf, sizeof(buf), 0);
      if (got <= 0) {
        ++sum.failed;
        conn.done = true;
        --open;
        continue;
      }
      conn.in.append(buf, static_cast<std::size_t>(got));
      std::size_t eol;
      while ((eol = conn.in.find('\n')) != std::string::npos) {
        std::string_view line{conn.in.data(), eol};
        if (opts.chat && !conn.joined && line.find("joined #room") != std::string_view::npos)
          conn.joined = true;
        check_line(conn, i, line, sum);
        conn.in.erase(0, eol + 1);
      }
      if (i < resets && conn.received >= opts.lines / 2) {
        ::epoll_ctl(ep, EPOLL_CTL_DEL, conn.fd, nullptr);
        reset_connection(conn);
        ++sum.reset;
        --open;
        continue;
      }
      if (conn.received == opts.lines) {
        conn.done = true;
        --open;
        continue;
      }
      if (!opts.chat || conn.joined)
        top_up(conn, i, opts);
    }
  }
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  long expected = static_cast<long>(opts.connections - sum.reset) * opts.lines;
  long clean_received = 0;
  for (int i = resets; i < opts.connections; ++i)
    clean_received += conns[static_cast<std::size_t>(i)].received;
  for (auto& conn : conns)
    if (conn.fd >= 0)
      ::close(conn.fd);
  std::printf("%s: %d connections x %d lines, %d reset by us, %.1f s (%.0f lines/s)\n",
              opts.server.c_str(), opts.connections, opts.lines, sum.reset, seconds,
              static_cast<double>(sum.received) / seconds);
  std::printf("not-reset connections: expected %ld lines, got %ld; lost or reordered %ld, "
              "duplicated %ld, failed connections %d\n",
              expected, clean_received, sum.lost_or_reordered, sum.duplicated, sum.failed);
  bool ok = clean_received == expected && sum.lost_or_reordered == 0 && sum.duplicated == 0
            && sum.failed == 0;
  return ok ? 0 : 1;
}
