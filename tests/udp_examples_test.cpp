// UDP in the examples, run as real processes and talked to by the peers
// people use: socat (UDP-SENDTO, UDP-RECV), ncat -u, Python, plain sockets.

#include "support/child_process.hpp"
#include "support/example_path.hpp"
#include "support/udp_peer.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <fstream>
#include <cstdint>
#include <regex>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using testing_support::child_process;
using testing_support::example;
using testing_support::udp_peer;

namespace {

// echo_server --udp on a free port, its port, and its "udp on" line checked.
std::pair<child_process, std::uint16_t> start_udp_echo() {
  child_process server{{example("echo_server"), "--port", "0", "--udp"},
                       testing_support::stderr_to::pipe};
  auto banner = server.read_line(5s);
  REQUIRE(banner);
  auto port = testing_support::port_from_banner(*banner);
  REQUIRE(port != 0);
  CHECK(server.read_line(5s) == "udp on 127.0.0.1:" + std::to_string(port));
  return {std::move(server), port};
}

// A UDP port that is free now (bound once, then released).
std::uint16_t free_udp_port() {
  udp_peer probe;
  return probe.port();
}

// The counters echo_server --udp prints at exit.
struct udp_counters {
  std::uint64_t in = 0;
  std::uint64_t out = 0;
  std::uint64_t dropped = 0;
  std::uint64_t dropped_by_kernel = 0;
};

// net.core.rmem_max: the most SO_RCVBUF a process may ask for (0 if
// unknown).
std::uint64_t largest_receive_buffer() {
  std::ifstream in{"/proc/sys/net/core/rmem_max"};
  std::uint64_t bytes = 0;
  in >> bytes;
  return bytes;
}

udp_counters stop_and_read_counters(child_process& server) {
  server.signal(SIGTERM);
  auto text = server.read_stderr(10s);
  CHECK(server.wait_exit(5s) == 0);
  std::smatch m;
  std::regex line{R"(udp: (\d+) datagrams in, (\d+) out, (\d+) dropped without credit, (\d+) dropped by the kernel)"};
  INFO("echo_server's stderr: " << text);
  REQUIRE(std::regex_search(text, m, line));
  return {std::stoull(m[1]), std::stoull(m[2]), std::stoull(m[3]), std::stoull(m[4])};
}

} // namespace

TEST_CASE("echo_server --udp answers socat, ncat -u, Python and plain sockets on its TCP port number") {
  auto [server, port] = start_udp_echo();
  auto target = "127.0.0.1:" + std::to_string(port);
  child_process socat{{"sh", "-c", "printf 'from socat\\n' | socat -t 2 - UDP-SENDTO:" + target}};
  CHECK(socat.read_line(5s) == "from socat");
  child_process ncat{{"sh", "-c", "(echo from ncat; sleep 1) | ncat -u 127.0.0.1 "
                                    + std::to_string(port)}};
  CHECK(ncat.read_line(5s) == "from ncat");
  child_process python{{"python3", "-c", R"(
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
for i in range(3):
    s.sendto(b'python %d' % i, ('127.0.0.1', int(sys.argv[1])))
print(sorted(s.recv(100).decode() for _ in range(3)))
)", std::to_string(port)}};
  CHECK(python.read_line(5s) == "['python 0', 'python 1', 'python 2']");
  udp_peer peer;
  REQUIRE(peer.send_to(port, std::string(1000, 'x')));
  auto reply = peer.receive(5s);
  REQUIRE(reply);
  CHECK(reply->payload == std::string(1000, 'x'));
  CHECK(reply->peer == target);
  auto counters = stop_and_read_counters(server);
  CHECK(counters.in == 6);
  CHECK(counters.out == 6);
}

TEST_CASE("100,000 datagrams through echo_server --udp: what the server counts is what came back") {
  auto [server, port] = start_udp_echo();
  udp_peer client;
  constexpr int total = 100'000;
  constexpr int window = 32; // paced: at most this many in flight
  int sent = 0;
  int received = 0;
  int in_flight = 0;
  while (received < total) {
    while (sent < total && in_flight < window) {
      if (!client.send_to(port, std::to_string(sent)))
        FAIL("sendto failed after " << sent << " datagrams");
      ++sent;
      ++in_flight;
    }
    auto reply = client.receive(1s);
    if (!reply) {
      if (sent == total)
        break; // the rest is lost
      in_flight = 0; // lost in flight: send on
      continue;
    }
    ++received;
    --in_flight;
  }
  auto counters = stop_and_read_counters(server);
  WARN("sent " << sent << ", the server received " << counters.in << " and sent "
               << counters.out << ", we received " << received);
  CHECK(sent == total);
  CHECK(counters.in + counters.dropped + counters.dropped_by_kernel <= static_cast<std::uint64_t>(sent));
  CHECK(counters.out == counters.in);
  CHECK(static_cast<std::uint64_t>(received) == counters.out);
  // Loopback at a paced rate loses nothing.
  CHECK(received == total);
}

TEST_CASE("a burst of 1,000 lines through line_client --udp comes back whole from echo_server --udp") {
  // Both ask for a 4 MiB receive buffer, and line_client prints a read's
  // datagrams in one write. With the system's default (208 KiB, about 270
  // small datagrams) and a write per line, `seq 1 1000 | line_client
  // --udp` got about 500 of its 1,000 lines back on loopback.
  auto [server, port] = start_udp_echo();
  child_process client{{example("line_client"), "--udp", "--wait", "500", "127.0.0.1",
                        std::to_string(port)},
                       testing_support::stderr_to::pipe};
  std::string lines;
  for (int i = 1; i <= 1000; ++i)
    lines += std::to_string(i) + "\n";
  client.write(lines);
  client.close_stdin();
  int received = 0;
  while (client.read_line(10s))
    ++received;
  auto losses = client.read_stderr(5s);
  CHECK(client.wait_exit(5s) == 0);
  auto counters = stop_and_read_counters(server);
  INFO("line_client's stderr: " << losses);
  CHECK(counters.in + counters.dropped_by_kernel == 1000);
  if (largest_receive_buffer() < 4 * 1024 * 1024) {
    WARN("net.core.rmem_max is under 4 MiB: the buffers are smaller; only the accounting is checked");
    CHECK(received <= 1000);
    return;
  }
  CHECK(counters.dropped_by_kernel == 0);
  CHECK(received == 1000);
}

TEST_CASE("line_client --udp sends each line as one datagram: socat UDP-RECV prints them") {
  auto port = free_udp_port();
  // socat writes each datagram as it is, with no newline between them: take
  // the bytes expected and end the line. -T: socat exits after 3 s of quiet.
  child_process socat{{"sh", "-c", "socat -T 3 -u UDP-RECV:" + std::to_string(port)
                                     + ",bind=127.0.0.1 - | head -c 9; echo"}};
  // socat needs a moment to bind; datagrams sent before then are lost.
  std::this_thread::sleep_for(300ms);
  child_process client{{example("line_client"), "--udp", "--wait", "100", "127.0.0.1",
                        std::to_string(port)}};
  client.write("alpha\nbeta\n");
  client.close_stdin();
  CHECK(client.wait_exit(5s) == 0);
  CHECK(socat.read_line(5s) == "alphabeta");
}

TEST_CASE("line_client --udp prints the datagrams ncat -u -l and Python send back") {
  auto port = free_udp_port();
  // ncat prints the datagram as it is ("ping", no newline): take 4 bytes and
  // end the line, then pass on the rest.
  child_process ncat{{"sh", "-c", "ncat -u -l 127.0.0.1 " + std::to_string(port)
                                    + " | { head -c 4; echo; cat; }"}};
  std::this_thread::sleep_for(300ms);
  child_process client{{example("line_client"), "--udp", "--wait", "1500", "127.0.0.1",
                        std::to_string(port)}};
  client.write("ping\n");
  CHECK(ncat.read_line(5s) == "ping");
  ncat.write("pong\n"); // ncat answers the last sender, newline included
  CHECK(client.read_line(5s) == "pong");
  client.close_stdin();
  CHECK(client.wait_exit(5s) == 0);

  child_process python{{"python3", "-u", "-c", R"(
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('127.0.0.1', 0))
print(s.getsockname()[1])
for _ in range(3):
    data, peer = s.recvfrom(100)
    s.sendto(data.upper(), peer)
)"}};
  auto python_port = python.read_line(5s);
  REQUIRE(python_port);
  child_process upper{{example("line_client"), "--udp", "--wait", "500", "localhost",
                       *python_port}};
  upper.write("one\ntwo\nthree\n");
  upper.close_stdin();
  CHECK(upper.read_line(5s) == "ONE");
  CHECK(upper.read_line(5s) == "TWO");
  CHECK(upper.read_line(5s) == "THREE");
  CHECK(upper.wait_exit(5s) == 0);
}

TEST_CASE("UDP examples reject what does not apply, and name what failed") {
  struct refusal {
    std::vector<std::string> args;
    int status;
    std::string says;
  };
  auto taken = testing_support::udp_port_taken_tcp_free(); // echo_server --udp cannot bind it
  for (auto& bad : std::vector<refusal>{
         {{example("line_client"), "--udp", "--tls", "127.0.0.1", "9"}, 2, "--tls is for TCP"},
         {{example("line_client"), "--udp", "--framing", "length16", "127.0.0.1", "9"}, 2,
          "--framing is for TCP"},
         {{example("line_client"), "--wait", "5", "127.0.0.1", "9"}, 2,
          "--wait applies to --udp only"},
         {{example("line_client"), "--udp", "--wait", "soon", "127.0.0.1", "9"}, 2, "--wait"},
         {{example("line_client"), "--udp", "no-such-host.invalid", "9"}, 1,
          "cannot resolve host 'no-such-host.invalid'"},
         {{example("echo_server"), "--port", std::to_string(taken.port()), "--udp"}, 1,
          "cannot bind udp 127.0.0.1:" + std::to_string(taken.port())},
         {{example("echo_server"), "--tls-cert", "/nonexistent.pem"}, 2,
          "--tls-cert and --tls-key go together"},
         {{example("line_client"), "--ca", "/nonexistent.pem", "127.0.0.1", "9"}, 2,
          "--ca and --insecure need --tls"},
         {{example("line_client"), "--tls", "--insecure", "--ca", "/nonexistent.pem",
           "127.0.0.1", "9"},
          2, "--ca and --insecure contradict each other"},
       }) {
    std::string command;
    for (auto& arg : bad.args)
      command += arg + " ";
    INFO(command);
    child_process program{bad.args, testing_support::stderr_to::pipe};
    program.close_stdin();
    auto message = program.read_stderr(5s);
    CHECK(program.wait_exit(5s) == bad.status);
    CHECK_THAT(message, Catch::Contains(bad.says));
  }
}

TEST_CASE("line_client --udp fails clearly when nothing listens on the port") {
  auto port = free_udp_port();
  child_process client{{example("line_client"), "--udp", "--wait", "300", "127.0.0.1",
                        std::to_string(port)},
                       testing_support::stderr_to::pipe};
  client.write("anyone?\n");
  client.close_stdin();
  auto message = client.read_stderr(5s);
  CHECK(client.wait_exit(5s) == 1);
  CHECK_THAT(message, Catch::Contains("refused")
                        && Catch::Contains("127.0.0.1:" + std::to_string(port)));
}

TEST_CASE("line_client --udp exits 1 when a line could not be sent as a datagram") {
  // It said why and exited 0: a script piping into it saw success.
  testing_support::udp_peer peer;
  child_process client{{example("line_client"), "--udp", "--wait", "300", "127.0.0.1",
                        std::to_string(peer.port())},
                       testing_support::stderr_to::pipe};
  client.write(std::string(70'000, 'z') + "\n");
  client.close_stdin();
  auto message = client.read_stderr(5s);
  CHECK(client.wait_exit(5s) == 1);
  CHECK_THAT(message, Catch::Contains("a datagram of 70000 bytes exceeds max_datagram_size"));
}

TEST_CASE("echo_server --udp --max-frame bounds datagrams as it bounds lines") {
  child_process server{{example("echo_server"), "--port", "0", "--udp", "--max-frame", "10"},
                       testing_support::stderr_to::pipe};
  auto banner = server.read_line(5s);
  REQUIRE(banner);
  auto port = testing_support::port_from_banner(*banner);
  REQUIRE(server.read_line(5s));
  udp_peer peer;
  REQUIRE(peer.send_to(port, "0123456789")); // 10 bytes: taken
  auto echoed = peer.receive(5s);
  REQUIRE(echoed);
  CHECK(echoed->payload == "0123456789");
  REQUIRE(peer.send_to(port, "0123456789A")); // 11: dropped and counted
  REQUIRE(peer.send_to(port, "after"));
  echoed = peer.receive(5s);
  REQUIRE(echoed);
  CHECK(echoed->payload == "after");
  server.signal(SIGTERM);
  auto text = server.read_stderr(10s);
  CHECK(server.wait_exit(5s) == 0);
  CHECK_THAT(text, Catch::Contains("udp: 2 datagrams in, 2 out") && Catch::Contains("1 too large")
                     && Catch::Contains("larger than --max-frame (10 bytes) dropped"));
}
