// --metrics in the examples, against real tools: curl, promtool, and a real
// Prometheus server (Debian's) scraping echo_server while it echoes.

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "support/child_process.hpp"
#include "support/example_path.hpp"
#include "support/raw_socket.hpp"
#include "support/shell.hpp"
#include "support/udp_peer.hpp"

using namespace std::chrono_literals;
using testing_support::child_process;
using testing_support::example;
using testing_support::raw_socket;

namespace {

std::pair<std::string, int> shell(const std::string& command, const std::string& input = {}) {
  auto result = testing_support::run_shell(command, input);
  return {result.out, result.status};
}

// A server example started with --metrics on a free port: its ports.
struct served {
  child_process process;
  std::uint16_t port = 0;
  std::uint16_t metrics_port = 0;
};

served start_with_metrics(const std::string& name, const std::vector<std::string>& more = {}) {
  std::vector<std::string> argv{example(name), "--port", "0", "--metrics", "127.0.0.1:0"};
  argv.insert(argv.end(), more.begin(), more.end());
  served result{child_process{argv}};
  auto listening = result.process.read_line(10s);
  REQUIRE(listening);
  result.port = testing_support::port_from_banner(*listening);
  // Other banners (--udp) come before the metrics one.
  auto metrics = result.process.read_line(10s);
  while (metrics && metrics->rfind("metrics on", 0) != 0)
    metrics = result.process.read_line(10s);
  REQUIRE(metrics);
  REQUIRE_THAT(*metrics, Catch::StartsWith("metrics on 127.0.0.1:"));
  result.metrics_port = static_cast<std::uint16_t>(std::stoul(metrics->substr(metrics->rfind(':') + 1)));
  return result;
}

std::string scrape(std::uint16_t port) {
  return shell("curl -s --max-time 10 http://127.0.0.1:" + std::to_string(port) + "/metrics").first;
}

// Sends `lines` lines and reads every echo.
void echo_lines(std::uint16_t port, int lines) {
  raw_socket client{port};
  std::string text;
  for (int i = 0; i < lines; ++i)
    text += "line " + std::to_string(i) + "\n";
  REQUIRE(client.write_all(text));
  auto echoed = client.read_lines(static_cast<std::size_t>(lines), 10s);
  REQUIRE(echoed == text);
}

} // namespace

TEST_CASE("echo_server --metrics counts what it echoes, and promtool accepts the text") {
  auto server = start_with_metrics("echo_server");
  echo_lines(server.port, 1000);
  // The connection ended: its counters are in the totals.
  std::string text;
  for (int i = 0; i < 100; ++i) {
    text = scrape(server.metrics_port);
    if (text.find("\nactors_connection_actors 0\n") != std::string::npos)
      break;
    std::this_thread::sleep_for(50ms);
  }
  CHECK_THAT(text, Catch::Contains("\nactors_connection_frames_received_total 1000\n"));
  CHECK_THAT(text, Catch::Contains("\nactors_connection_frames_sent_total 1000\n"));
  CHECK_THAT(text, Catch::Contains("\nactors_server_accepted_total 1\n"));
  CHECK_THAT(text, Catch::Contains("\nactors_server_actors 1\n"));
  auto [out, status] = shell("promtool check metrics", text);
  INFO(out);
  CHECK(status == 0);
}

TEST_CASE("echo_server --udp --metrics counts the datagrams it echoes") {
  auto server = start_with_metrics("echo_server", {"--udp"});
  testing_support::udp_peer peer;
  for (int i = 0; i < 20; ++i) {
    REQUIRE(peer.send_to(server.port, "datagram " + std::to_string(i)));
    auto echo = peer.receive(5s);
    REQUIRE(echo);
    CHECK(echo->payload == "datagram " + std::to_string(i));
  }
  auto text = scrape(server.metrics_port);
  CHECK_THAT(text, Catch::Contains("\nactors_udp_actors 1\n"));
  CHECK_THAT(text, Catch::Contains("\nactors_udp_datagrams_received_total 20\n"));
  CHECK_THAT(text, Catch::Contains("\nactors_udp_datagrams_sent_total 20\n"));
  CHECK_THAT(text, Catch::Contains("\nactors_udp_bytes_received_total 210\n"));
  auto [out, status] = shell("promtool check metrics", text);
  INFO(out);
  CHECK(status == 0);
}

TEST_CASE("chat_server --metrics serves /healthz and counts its sessions' connections") {
  auto server = start_with_metrics("chat_server");
  raw_socket client{server.port};
  CHECK_THAT(client.read_until("joined", 5s), Catch::Contains("welcome"));
  CHECK(shell("curl -s --max-time 10 http://127.0.0.1:" + std::to_string(server.metrics_port)
              + "/healthz").first == "ok\n");
  CHECK_THAT(scrape(server.metrics_port), Catch::Contains("\nactors_connection_actors 1\n"));
}

TEST_CASE("a bad --metrics value is refused before the server starts") {
  child_process server{{example("echo_server"), "--port", "0", "--metrics", "127.0.0.1:http"},
                       testing_support::stderr_to::pipe};
  CHECK(server.wait_exit(10s) == 2);
  CHECK_THAT(server.read_stderr(5s), Catch::Contains("--metrics '127.0.0.1:http'"));
  // strtoul took these: a sign or a space is no port.
  child_process too_big{{example("echo_server"), "--port", "0", "--metrics", "99999"},
                        testing_support::stderr_to::pipe};
  CHECK(too_big.wait_exit(10s) == 2);
  CHECK_THAT(too_big.read_stderr(5s), Catch::Contains("the port must be 0 to 65535"));
  // The server's own port: the second bind failed as if another program
  // held it. Refused before either binds (7000 is echo_server's default).
  for (auto args : std::vector<std::vector<std::string>>{
         {example("echo_server"), "--metrics", "7000"},
         {example("chat_server"), "--port", "7123", "--metrics", "127.0.0.1:7123"}}) {
    child_process same{args, testing_support::stderr_to::pipe};
    CHECK(same.wait_exit(10s) == 2);
    CHECK_THAT(same.read_stderr(5s), Catch::Contains("which the server itself listens on"));
  }
  for (auto text : {"+9105", " 9104", "127.0.0.1:-1"}) {
    child_process signed_port{{example("echo_server"), "--port", "0", "--metrics", text},
                              testing_support::stderr_to::pipe};
    CHECK(signed_port.wait_exit(10s) == 2);
    CHECK_THAT(signed_port.read_stderr(5s), Catch::Contains("expected PORT or ADDR:PORT"));
  }
}

TEST_CASE("a server with --metrics whose port is taken stops its endpoint and exits with 1") {
  // The endpoint starts first; a listen that fails must not leave it
  // running, with the process deaf to SIGTERM (the signals are blocked).
  for (auto name : {"echo_server", "chat_server"}) {
    auto first = start_with_metrics(name);
    child_process second{{example(name), "--port", std::to_string(first.port), "--metrics",
                          "127.0.0.1:0"},
                         testing_support::stderr_to::pipe};
    CHECK(second.wait_exit(10s) == 1);
    CHECK_THAT(second.read_stderr(5s), Catch::Contains("Address already in use"));
  }
  // The same when the TCP listener came up and the UDP port was taken. A
  // test beside this one may take the TCP twin before echo_server binds
  // it; then its listen fails first, and another port is tried.
  std::string said;
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto taken = testing_support::udp_port_taken_tcp_free();
    child_process udp{{example("echo_server"), "--port", std::to_string(taken.port()),
                       "--udp", "--metrics", "127.0.0.1:0"},
                      testing_support::stderr_to::pipe};
    CHECK(udp.wait_exit(10s) == 1);
    said = udp.read_stderr(5s);
    if (said.find("cannot listen on") == std::string::npos)
      break;
  }
  CHECK_THAT(said, Catch::Contains("cannot bind udp"));
}

TEST_CASE("a real Prometheus scrapes echo_server: up is 1 and the counters match") {
  auto server = start_with_metrics("echo_server");
  char dir_template[] = "/tmp/actors_prometheus_XXXXXX";
  REQUIRE(mkdtemp(dir_template) != nullptr);
  std::string dir = dir_template;
  std::ofstream{dir + "/prometheus.yml"}
    << "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
       "scrape_configs:\n  - job_name: echo\n    static_configs:\n"
       "      - targets: ['127.0.0.1:" << server.metrics_port << "']\n";
  child_process prometheus{{"prometheus", "--config.file=" + dir + "/prometheus.yml",
                            "--storage.tsdb.path=" + dir + "/data",
                            "--web.listen-address=127.0.0.1:0"},
                           dir + "/prometheus.log"};
  auto web = prometheus.listening_port(30s);
  REQUIRE(web);
  auto query = [&](const std::string& expr) {
    return shell("curl -s --max-time 5 'http://127.0.0.1:" + std::to_string(*web)
                 + "/api/v1/query?query=" + expr + "'").first;
  };
  // Its answer holds [TIME,"VALUE"] for one series.
  auto value_is = [&](const std::string& expr, const std::string& value) {
    static const std::regex sample{R"re("value":\[[0-9.]+,"([^"]*)"\])re"};
    std::smatch m;
    auto answer = query(expr);
    return std::regex_search(answer, m, sample) && m[1] == value;
  };
  auto eventually = [&](auto condition) {
    for (int i = 0; i < 150; ++i) {
      if (condition())
        return true;
      std::this_thread::sleep_for(200ms);
    }
    return false;
  };
  CHECK(eventually([&] { return value_is("up", "1"); }));
  echo_lines(server.port, 500);
  echo_lines(server.port, 500);
  CHECK(eventually([&] { return value_is("actors_connection_frames_received_total", "1000"); }));
  CHECK(eventually([&] { return value_is("actors_server_accepted_total", "2"); }));
  INFO(query("actors_connection_frames_sent_total"));
  CHECK(value_is("actors_connection_frames_sent_total", "1000"));
  prometheus.signal(SIGTERM);
  prometheus.wait_exit(10s);
  shell("rm -rf '" + dir + "'");
}

namespace {

// Python clients against echo_server's /metrics: the standard library's
// http.client with keep-alive, and raw sockets for what it would not send.
const char* python_clients = R"(
import http.client, socket, sys, time
port = int(sys.argv[1])

def raw(data, pause=0.0):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    for chunk in data:
        s.sendall(chunk)
        time.sleep(pause)
    answer = b""
    while True:
        part = s.recv(65536)
        if not part:
            break
        answer += part
    return answer

conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
for _ in range(3):  # one connection, kept alive
    conn.request("GET", "/metrics")
    r = conn.getresponse()
    body = r.read()
    assert r.status == 200, r.status
    assert r.getheader("Content-Type").startswith("text/plain; version=0.0.4"), r.getheader("Content-Type")
    assert b"# TYPE actors_server_accepted_total counter" in body, body[:200]
request = b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
answer = raw([bytes([b]) for b in request], pause=0.001)
assert answer.startswith(b"HTTP/1.1 200 OK") and answer.endswith(b"ok\n"), answer
answer = raw([b"GET /metrics HTTP/1.1\r\nX: " + b"a" * 9000 + b"\r\n\r\n"])
assert answer.startswith(b"HTTP/1.1 431 "), answer[:80]
answer = raw([b"\x00\x01garbage\r\n\r\n"])
assert answer.startswith(b"HTTP/1.1 400 "), answer[:80]
slow = socket.create_connection(("127.0.0.1", port), timeout=10)
slow.sendall(b"GET /metrics HTTP/1.1\r\nHo")
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
conn.request("GET", "/healthz")
assert conn.getresponse().read() == b"ok\n"
slow.sendall(b"st: x\r\n\r\n")
assert slow.recv(65536).startswith(b"HTTP/1.1 200 OK")
print("python clients: ok")
)";

} // namespace

TEST_CASE("Python clients get /metrics with keep-alive, and refusals for what is wrong") {
  auto server = start_with_metrics("echo_server");
  auto [out, status] = shell("python3 - " + std::to_string(server.metrics_port), python_clients);
  INFO(out);
  CHECK(status == 0);
  CHECK_THAT(out, Catch::Contains("python clients: ok"));
}
