// Metrics: the HTTP head parser's limits, the Prometheus text (checked by
// Debian's promtool), the registry with real connections and a server, and
// the HTTP endpoint against curl and raw sockets.

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <thread>


#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/connection.hpp"
#include "actors/metrics.hpp"
#include "actors/metrics_http.hpp"
#include "actors/server.hpp"
#include "http_request.hpp"
#include "support/actor_fixture.hpp"
#include "support/child_process.hpp"
#include "support/raw_socket.hpp"
#include "support/shell.hpp"

using namespace actors;
using namespace std::chrono_literals;
using detail::http_parse_status;
using detail::parse_http_head;
using testing_support::raw_socket;
using testing_support::run_shell;

namespace {

std::string curl(std::uint16_t port, const std::string& path, const std::string& flags = "-s") {
  return run_shell("curl " + flags + " --max-time 10 http://127.0.0.1:" + std::to_string(port) + path)
    .out;
}

} // namespace

TEST_CASE("the HTTP head parser takes what a scraper sends and waits for the rest") {
  auto full = parse_http_head("GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\nnext");
  REQUIRE(full.status == http_parse_status::complete);
  CHECK(full.request.method == "GET");
  CHECK(full.request.path == "/metrics");
  CHECK(full.request.target == "/metrics?x=1");
  CHECK(full.request.keep_alive);
  CHECK(full.head_size == std::string{"GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\n"}.size());
  CHECK(parse_http_head("GET /metrics HTTP/1.1\r\nHost:").status == http_parse_status::incomplete);
  CHECK(parse_http_head("").status == http_parse_status::incomplete);
  auto bare_lf = parse_http_head("\r\nGET / HTTP/1.0\nConnection: keep-alive\n\n");
  REQUIRE(bare_lf.status == http_parse_status::complete);
  CHECK(bare_lf.request.minor_version == 0);
  CHECK(bare_lf.request.keep_alive);
  CHECK_FALSE(parse_http_head("GET / HTTP/1.1\r\nConnection: Close\r\n\r\n").request.keep_alive);
  // The absolute form, as a proxy sends it: the path is after the host.
  auto path_of = [](const std::string& target) {
    return parse_http_head("GET " + target + " HTTP/1.1\r\nHost: a\r\n\r\n").request.path;
  };
  CHECK(path_of("http://127.0.0.1:9100/healthz") == "/healthz");
  CHECK(path_of("http://127.0.0.1:9100/metrics?x=1") == "/metrics");
  CHECK(path_of("http://127.0.0.1:9100") == "/");
  CHECK(path_of("/a://b") == "/a://b");
}

TEST_CASE("the HTTP head parser refuses what is malformed or too large, saying why") {
  auto status = [](const std::string& text) { return parse_http_head(text).status; };
  CHECK(status("GARBAGE\r\n\r\n") == http_parse_status::bad_request);
  CHECK(status("GET /x\r\n\r\n") == http_parse_status::bad_request);
  CHECK(status("GET  / HTTP/1.1\r\n\r\n") == http_parse_status::bad_request);
  CHECK(status("GET / HTTP/2.0\r\n\r\n") == http_parse_status::version_not_supported);
  CHECK(status("GET / HTTX/1.1\r\n\r\n") == http_parse_status::bad_request);
  CHECK(status("GET / HTTP/1.1\r\nNo colon\r\n\r\n") == http_parse_status::bad_request);
  CHECK(status("GET / HTTP/1.1\r\n folded: x\r\n\r\n") == http_parse_status::bad_request);
  CHECK(status("GET / HTTP/1.1\r\nX: a\x01\r\n\r\n") == http_parse_status::bad_request);
  CHECK(status("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello") == http_parse_status::bad_request);
  CHECK(status("GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n") == http_parse_status::complete);
  auto big = "GET / HTTP/1.1\r\nX: " + std::string(9000, 'a') + "\r\n\r\n";
  CHECK(status(big) == http_parse_status::head_too_large);
  // Over the limit without an end yet: refused at once, not waited for.
  CHECK(status("GET / HTTP/1.1\r\nX: " + std::string(9000, 'a')) == http_parse_status::head_too_large);
  std::string many = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 70; ++i)
    many += "X" + std::to_string(i) + ": y\r\n";
  auto refused = parse_http_head(many + "\r\n");
  CHECK(refused.status == http_parse_status::head_too_large);
  CHECK(refused.reason == "more than 64 header fields");
}

TEST_CASE("the Prometheus text sums each kind, keeps ended counters and passes promtool") {
  metrics_snapshot snapshot;
  for (std::uint64_t id : {1, 2}) {
    actor_metrics m;
    m.kind = "connection";
    m.id = id;
    m.mailbox = id;
    m.samples = {{"frames_received_total", metric_type::counter, 10.0 * id},
                 {"bytes_queued", metric_type::gauge, 100},
                 {"seconds_since_read", metric_type::detail, 3}};
    snapshot.actors.push_back(m);
  }
  actor_metrics ended;
  ended.kind = "connection";
  ended.samples = {{"frames_received_total", metric_type::counter, 5}};
  snapshot.ended.push_back(ended);
  auto text = render_prometheus(snapshot);
  CHECK_THAT(text, Catch::Contains("# TYPE actors_connection_frames_received_total counter\n"
                                   "actors_connection_frames_received_total 35\n"));
  CHECK_THAT(text, Catch::Contains("\nactors_connection_bytes_queued 200\n"));
  CHECK_THAT(text, Catch::Contains("\nactors_connection_actors 2\n"));
  CHECK_THAT(text, Catch::Contains("\nactors_connection_mailbox_messages 3\n"));
  CHECK_THAT(text, !Catch::Contains("seconds_since_read"));
  CHECK_THAT(text, Catch::Contains("# HELP actors_connection_frames_received_total Frames"));
  auto check = run_shell("promtool check metrics", text);
  INFO(check.out);
  CHECK(check.status == 0);
}

TEST_CASE_METHOD(testing_support::actor_fixture,
                 "the registry gathers live connections and a server, and totals outlive them") {
  auto registry = spawn_metrics_registry(sys);
  server_options opts;
  opts.connection.metrics = registry;
  auto srv = start_echo_server(opts);
  // Before the first peer, the connection series are there, at 0: a
  // dashboard or an alert on them need not wait for traffic.
  auto prometheus_text = [&] {
    std::string text;
    self->request(registry, 5s, metrics_prometheus_atom_v)
      .receive([&](std::string& t) { text = std::move(t); },
               [&](caf::error& e) { FAIL(sys.render(e)); });
    return text;
  };
  auto before = prometheus_text();
  for (int attempt = 0; attempt < 50 && before.find("\nactors_server_actors 1\n") == std::string::npos;
       ++attempt) {
    std::this_thread::sleep_for(120ms); // past the 100 ms the text is served again
    before = prometheus_text();
  }
  CHECK_THAT(before, Catch::Contains("\nactors_connection_actors 0\n"));
  CHECK_THAT(before, Catch::Contains("\nactors_connection_frames_received_total 0\n"));
  CHECK_THAT(before, Catch::Contains("\n# TYPE actors_connection_bytes_sent_total counter\n"));
  CHECK_THAT(before, Catch::Contains("\nactors_connection_read_credit 0\n"));
  connection_options client;
  client.metrics = registry;
  auto conn = connect(sys, "127.0.0.1", srv.port, self, client);
  expect<connected>();
  for (int i = 0; i < 10; ++i)
    self->send(conn, send_atom_v, "line " + std::to_string(i));
  for (int i = 0; i < 10; ++i)
    expect<frame_received>();
  metrics_snapshot snapshot;
  // The accepted connection registers as it starts: wait until it is in.
  for (int attempt = 0; attempt < 50; ++attempt) {
    self->request(registry, 5s, metrics_collect_atom_v)
      .receive([&](metrics_snapshot& s) { snapshot = std::move(s); },
               [&](caf::error& e) { FAIL(sys.render(e)); });
    if (snapshot.actors.size() == 3)
      break;
    std::this_thread::sleep_for(20ms);
  }
  REQUIRE(snapshot.actors.size() == 3);
  double received = 0;
  for (auto& m : snapshot.actors) {
    if (m.kind == "server") {
      CHECK(m.state == "listening");
      CHECK(m.value("accepted_total") == 1);
      CHECK(m.value("connections_open") == 1);
    } else {
      CHECK(m.kind == "connection");
      CHECK(m.state == "connected");
      received += m.value("frames_received_total");
      // Both ends wrote and read: a sent line (written at once) and an
      // echo (held to the end of a pass, or at once) both count.
      CHECK(m.value("socket_reads_total") >= 1);
      CHECK(m.value("socket_writes_total") >= 1);
    }
  }
  CHECK(received == 20); // 10 each way
  self->send(conn, close_atom_v);
  expect<disconnected>();
  // Both connections end; their counters stay in the totals.
  std::string text;
  for (int attempt = 0; attempt < 50; ++attempt) {
    text = prometheus_text();
    if (text.find("\nactors_connection_actors 0\n") != std::string::npos
        && text.find("\nactors_server_accepted_total 1\n") != std::string::npos)
      break;
    std::this_thread::sleep_for(120ms); // past the 100 ms the text is served again
  }
  CHECK_THAT(text, Catch::Contains("\nactors_connection_actors 0\n"));
  CHECK_THAT(text, Catch::Contains("\nactors_connection_frames_received_total 20\n"));
  CHECK_THAT(text, Catch::Contains("\nactors_server_accepted_total 1\n"));
  // Gauges stay exported, at 0, with no connection left.
  CHECK_THAT(text, Catch::Contains("\nactors_connection_bytes_queued 0\n"));
  self->send_exit(registry, caf::exit_reason::user_shutdown);
}

namespace {

struct http_fixture : testing_support::actor_fixture {
  caf::actor registry = spawn_metrics_registry(sys);
  server http;

  explicit http_fixture(metrics_http_options opts = {}) {
    auto served = serve_metrics(sys, registry, opts);
    REQUIRE(served);
    http = *served;
    acceptors.push_back(http.acceptor);
  }

  ~http_fixture() { self->send_exit(registry, caf::exit_reason::user_shutdown); }
};

struct slow_http_fixture : http_fixture {
  slow_http_fixture() : http_fixture(short_timeouts()) {}

  static metrics_http_options short_timeouts() {
    metrics_http_options opts;
    opts.head_timeout = 300ms;
    return opts;
  }
};

} // namespace

TEST_CASE_METHOD(http_fixture, "the endpoint serves /metrics and /healthz, 404 and 405 otherwise") {
  auto head = curl(http.port, "/metrics", "-s -D - -o /dev/null");
  CHECK_THAT(head, Catch::StartsWith("HTTP/1.1 200 OK\r\n"));
  CHECK_THAT(head, Catch::Contains("Content-Type: text/plain; version=0.0.4; charset=utf-8"));
  CHECK(curl(http.port, "/healthz") == "ok\n");
  CHECK(curl(http.port, "/nope", "-s -o /dev/null -w %{http_code}") == "404");
  CHECK(curl(http.port, "/metrics", "-s -X POST -o /dev/null -w %{http_code}") == "405");
  CHECK(curl(http.port, "/nope", "-s -X DELETE -o /dev/null -w %{http_code}") == "404");
  CHECK(curl(http.port, "/metrics", "-s -I -o /dev/null -w %{http_code}") == "200");
  // Keep-alive: two requests, one connection.
  raw_socket client{http.port};
  REQUIRE(client.write_all("GET /healthz HTTP/1.1\r\n\r\nGET /healthz HTTP/1.1\r\n\r\n"));
  std::string answers;
  auto count = [&] {
    std::size_t n = 0;
    for (auto at = answers.find("\r\n\r\nok\n"); at != std::string::npos;
         at = answers.find("\r\n\r\nok\n", at + 1))
      ++n;
    return n;
  };
  for (int i = 0; i < 50 && count() < 2; ++i)
    answers += client.read_until("ok\n", 100ms);
  CHECK(count() == 2);
}

TEST_CASE_METHOD(http_fixture, "a request split into single bytes is answered like a whole one") {
  raw_socket client{http.port};
  std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  for (char c : request) {
    REQUIRE(client.write_all(std::string(1, c)));
    std::this_thread::sleep_for(1ms);
  }
  auto answer = client.read_until("ok\n", 5s);
  CHECK_THAT(answer, Catch::StartsWith("HTTP/1.1 200 OK\r\n") && Catch::EndsWith("\r\n\r\nok\n"));
  CHECK(client.closed_by_peer(5s));
}

TEST_CASE_METHOD(http_fixture, "garbage is answered 400 and a head over 8 KiB 431, then closed") {
  raw_socket garbage{http.port};
  REQUIRE(garbage.write_all("\x16\x03\x01 not http at all\r\n\r\n"));
  CHECK_THAT(garbage.read_until("\r\n\r\n", 5s),
             Catch::StartsWith("HTTP/1.1 400 Bad Request\r\n") && Catch::Contains("Connection: close"));
  CHECK(garbage.closed_by_peer(5s));
  raw_socket big{http.port};
  REQUIRE(big.write_all("GET /metrics HTTP/1.1\r\nX-Big: " + std::string(9000, 'a')));
  CHECK_THAT(big.read_until("\r\n\r\n", 5s),
             Catch::StartsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
  CHECK(big.closed_by_peer(5s));
  CHECK(curl(http.port, "/healthz") == "ok\n"); // the endpoint goes on
}

TEST_CASE_METHOD(slow_http_fixture, "a client that never finishes its head gets 408 and stalls no one") {
  raw_socket slow{http.port};
  REQUIRE(slow.write_all("GET /metrics HTTP/1.1\r\nHost:"));
  // Meanwhile others are served at once.
  CHECK(curl(http.port, "/healthz") == "ok\n");
  CHECK_THAT(slow.read_until("\r\n\r\n", 5s), Catch::StartsWith("HTTP/1.1 408 Request Timeout\r\n"));
  CHECK(slow.closed_by_peer(5s));
}

namespace {

struct two_scrapers_fixture : http_fixture {
  two_scrapers_fixture() : http_fixture(at_most_two()) {}

  static metrics_http_options at_most_two() {
    metrics_http_options opts;
    opts.max_connections = 2;
    return opts;
  }
};

} // namespace

TEST_CASE_METHOD(two_scrapers_fixture, "one scraper too many is answered 503, saying why, not just closed") {
  std::vector<raw_socket> held;
  for (int i = 0; i < 2; ++i) {
    held.emplace_back(http.port);
    REQUIRE(held.back().write_all("GET /healthz HTTP/1.1\r\n\r\n")); // keep-alive
    REQUIRE_THAT(held.back().read_until("ok\n", 5s), Catch::EndsWith("ok\n"));
  }
  auto refused = curl(http.port, "/metrics", "-s -i");
  CHECK_THAT(refused, Catch::StartsWith("HTTP/1.1 503 Service Unavailable\r\n")
                        && Catch::Contains("Retry-After: 1\r\n")
                        && Catch::EndsWith("too many scrapers: at most 2 at once\n"));
  held.pop_back();
  std::string code;
  for (int i = 0; i < 100 && code != "200"; ++i) {
    code = curl(http.port, "/healthz", "-s -o /dev/null -w %{http_code}");
    std::this_thread::sleep_for(20ms);
  }
  CHECK(code == "200"); // a place came free
}
