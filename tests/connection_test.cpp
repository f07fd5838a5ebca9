#include "actors/connection.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>
#include <string>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <caf/actor_system.hpp>
#include <caf/error.hpp>
#include <caf/exit_reason.hpp>
#include <caf/sec.hpp>
#include <caf/message_view.hpp>
#include <caf/others.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/server.hpp"
#include "actors/system_config.hpp"
#include "support/child_process.hpp"
#include "support/echo_session.hpp"
#include "support/raw_socket.hpp"
#include "support/actor_fixture.hpp"
#include "support/server_teardown.hpp"

using namespace actors;
using namespace std::chrono_literals;
using testing_support::raw_socket;

using fixture = testing_support::actor_fixture;

namespace {

// socat serving one connection on a free port with `exec` (its EXEC
// address), for a real peer other than our own server.
testing_support::child_process socat_serving(const std::string& exec) {
  return testing_support::child_process{{"socat", "TCP-LISTEN:0,bind=127.0.0.1", "EXEC:" + exec}};
}

} // namespace

TEST_CASE_METHOD(fixture, "an echo server sends a line back") {
  auto srv = start_echo_server();
  auto conn = connect(sys, "127.0.0.1", srv.port, self);
  auto up = expect<connected>();
  CHECK(up.peer == "127.0.0.1:" + std::to_string(srv.port));
  self->send(conn, send_atom::value, std::string{"hello"});
  CHECK(expect<frame_received>().payload == "hello");
  self->send(conn, close_atom::value);
  auto down = expect<disconnected>();
  CHECK(down.reason == error_kind::none);
  CHECK(down.stats.frames_out == 1);
  CHECK(down.stats.frames_in == 1);
  CHECK(down.stats.bytes_out == 6);
}

TEST_CASE_METHOD(fixture, "connections are numbered in the order they come, and a client may take its id first") {
  auto srv = serve(server_options{}, self); // its connections report here too
  REQUIRE(srv);
  auto before = new_connection_id();
  connection_options opts;
  opts.id = new_connection_id();
  CHECK(opts.id == before + 1);
  auto conn = connect(sys, "127.0.0.1", srv->port, self, opts);
  std::set<connection_id> ids;
  ids.insert(expect<connected>().id);
  ids.insert(expect<connected>().id);
  // Ours, and the server's for the peer it accepted next.
  CHECK(ids == std::set<connection_id>{opts.id, opts.id + 1});
  self->send(conn, close_atom::value);
}

TEST_CASE_METHOD(fixture, "200 concurrent clients each get 1000 lines back in order") {
  constexpr int clients = 200;
  constexpr int lines = 1000;
  auto srv = start_echo_server();
  connection_options opts;
  opts.read_credit = lines;
  std::map<connection_id, connection_actor> conns;
  for (int i = 0; i < clients; ++i)
    connect(sys, "127.0.0.1", srv.port, self, opts);
  for (int i = 0; i < clients; ++i) {
    auto up = expect<connected>();
    conns.emplace(up.id, up.handle);
  }
  for (auto& [id, conn] : conns)
    for (int n = 0; n < lines; ++n)
      self->send(conn, send_atom::value, std::to_string(id) + ":" + std::to_string(n));
  std::map<connection_id, int> next;
  for (int i = 0; i < clients * lines; ++i) {
    auto frame = expect<frame_received>(10s);
    auto expected_payload = std::to_string(frame.id) + ":" + std::to_string(next[frame.id]++);
    REQUIRE(frame.payload == expected_payload);
  }
  for (auto& [id, count] : next)
    CHECK(count == lines);
  CHECK(next.size() == clients);
}

TEST_CASE_METHOD(fixture, "a last line without its delimiter is delivered at the peer's FIN") {
  auto srv = serve({}, self);
  REQUIRE(srv);
  {
    raw_socket peer{srv->port};
    auto up = expect<connected>();
    peer.write_all("complete\r\nlast\r"); // the CR of a CRLF goes too
    CHECK(expect<frame_received>().payload == "complete");
    peer.finish();
    CHECK(expect<frame_received>().payload == "last");
    CHECK(expect<peer_finished>().id == up.id);
    self->send(up.handle, close_atom_v);
  }
  auto down = expect<disconnected>();
  CHECK(down.reason == error_kind::peer_closed);
  CHECK_THAT(down.message, Catch::Contains("finished sending"));
}

TEST_CASE_METHOD(fixture, "a peer that finishes mid-frame is reported as truncated_frame with the lost bytes") {
  server_options opts;
  opts.connection.framing.kind = framing_kind::length16;
  auto srv = serve(opts, self);
  REQUIRE(srv);
  {
    raw_socket peer{srv->port};
    auto up = expect<connected>();
    // "complete", then 7 of the 9 bytes a frame announced.
    peer.write_all(std::string{"\0\x08", 2} + "complete" + std::string{"\0\x09", 2} + "partial");
    CHECK(expect<frame_received>().payload == "complete");
    peer.finish();
    auto err = expect<connection_error>();
    CHECK(err.kind == error_kind::truncated_frame);
    CHECK_THAT(err.message, Catch::Contains("mid-frame") && Catch::Contains("7 bytes"));
    CHECK(expect<peer_finished>().id == up.id);
    self->send(up.handle, close_atom_v);
  }
  auto down = expect<disconnected>();
  CHECK(down.reason == error_kind::peer_closed);
  CHECK_THAT(down.message, Catch::Contains("finished sending"));
}

TEST_CASE_METHOD(fixture, "a peer reset is told apart from an orderly close") {
  auto srv = serve({}, self);
  REQUIRE(srv);
  raw_socket peer{srv->port};
  expect<connected>();
  peer.reset();
  auto err = expect<connection_error>();
  CHECK(err.kind == error_kind::peer_reset);
  CHECK_THAT(err.message, Catch::Contains("reset"));
  CHECK(expect<disconnected>().reason == error_kind::peer_reset);
}

TEST_CASE_METHOD(fixture, "max_connections refuses extra peers and keeps the others") {
  server_options opts;
  opts.max_connections = 2;
  opts.observer = self;
  auto srv = serve(opts, self);
  REQUIRE(srv);
  raw_socket first{srv->port};
  expect<connected>();
  raw_socket second{srv->port};
  expect<connected>();
  raw_socket third{srv->port};
  auto refused = expect<peer_refused>();
  CHECK(refused.reason == error_kind::too_many_connections);
  CHECK_THAT(refused.message, Catch::Contains("max_connections (2)"));
  CHECK(third.closed_by_peer(2s));
  first.write_all("still here\n");
  CHECK(expect<frame_received>().payload == "still here");
}

TEST_CASE_METHOD(fixture, "an oversize line closes only its own connection") {
  server_options opts;
  opts.connection.framing.max_frame_size = 64;
  auto srv = start_echo_server(opts);
  raw_socket good{srv.port};
  raw_socket bad{srv.port};
  REQUIRE(good.write_all("before\n"));
  CHECK(good.read_lines(1, 2s) == "before\n");
  REQUIRE(bad.write_all(std::string(100, 'x') + "\n"));
  CHECK(bad.closed_by_peer(2s));
  REQUIRE(good.write_all("after\n"));
  CHECK(good.read_lines(1, 2s) == "after\n");
}

namespace {

// What a server with `max_frame_size` tells its subscriber when a peer
// sends `bytes`: one error, then the end it caused, nothing in between.
connection_error oversize_error(fixture& f, std::size_t max_frame_size, const std::string& bytes) {
  server_options opts;
  opts.connection.framing.max_frame_size = max_frame_size;
  auto srv = f.serve(opts, f.self);
  REQUIRE(srv);
  raw_socket peer{srv->port};
  f.expect<connected>();
  peer.write_all(bytes);
  auto err = f.expect<connection_error>();
  CHECK(err.kind == error_kind::frame_too_large);
  CHECK(f.expect<disconnected>().reason == error_kind::frame_too_large);
  return err;
}

} // namespace

TEST_CASE_METHOD(fixture, "the subscriber learns why an oversize frame closed the connection") {
  CHECK_THAT(oversize_error(*this, 8, "0123456789abcdef\n").message,
             Catch::Contains("max_frame_size of 8"));
}

TEST_CASE_METHOD(fixture, "an oversize line that spans many reads is one error, not one per read") {
  // The reads after the failed one, in the same pass, went to the failed
  // decoder: "decoder refuses input after an earlier error" for each. No
  // newline: reads of 2 KiB and up.
  CHECK_THAT(oversize_error(*this, 1000, std::string(200'000, 'x')).message,
             Catch::StartsWith("a line longer than max_frame_size of 1000 bytes (")
               && Catch::EndsWith(" bytes so far without a newline)"));
}

TEST_CASE_METHOD(fixture, "connecting to a closed port reports connection_refused") {
  testing_support::refused_port closed;
  auto port = closed.port();
  connect(sys, "127.0.0.1", port, self);
  auto err = expect<connection_error>();
  CHECK(err.kind == error_kind::connection_refused);
  CHECK_THAT(err.message, Catch::Contains("refused") && Catch::Contains(std::to_string(port)));
  CHECK(expect<disconnected>().reason == error_kind::connection_refused);
}

TEST_CASE_METHOD(fixture, "an unresolvable host reports host_unresolved") {
  connect(sys, "no-such-host.invalid", 80, self);
  auto err = expect<connection_error>();
  CHECK(err.kind == error_kind::host_unresolved);
  CHECK_THAT(err.message, Catch::Contains("no-such-host.invalid"));
  expect<disconnected>();
}

TEST_CASE_METHOD(fixture, "a peer that never accepts gives connect_timeout") {
  testing_support::saturated_listener peer;
  connection_options opts;
  opts.connect_timeout = 300ms;
  connect(sys, "127.0.0.1", peer.port(), self, opts);
  auto err = expect<connection_error>();
  CHECK(err.kind == error_kind::connect_timeout);
  CHECK_THAT(err.message, Catch::Contains("300 ms"));
  expect<disconnected>();
}

TEST_CASE_METHOD(fixture, "a silent peer is closed by idle_timeout") {
  server_options opts;
  opts.connection.idle_timeout = 200ms;
  auto srv = serve(opts, self);
  REQUIRE(srv);
  raw_socket silent{srv->port};
  expect<connected>();
  auto err = expect<connection_error>();
  CHECK(err.kind == error_kind::idle_timeout);
  CHECK_THAT(err.message, Catch::Contains("idle_timeout"));
  CHECK(expect<disconnected>().reason == error_kind::idle_timeout);
  CHECK(silent.closed_by_peer(2s));
}

TEST_CASE_METHOD(fixture, "send past write_high_water is refused with write_buffer_full") {
  server_options server_opts;
  server_opts.connection.read_credit = 0; // the server never reads
  auto srv = serve(server_opts, self);
  REQUIRE(srv);
  connection_options opts;
  opts.write_high_water = 256 * 1024;
  opts.framing.kind = framing_kind::raw;
  auto conn = connect(sys, "127.0.0.1", srv->port, self, opts);
  expect<connected>();
  expect<connected>();
  std::string chunk(64 * 1024, 'z');
  for (int i = 0; i < 400; ++i) // 25 MiB: more than the kernel buffers hold
    self->send(conn, send_atom::value, chunk);
  auto err = expect<connection_error>(10s);
  CHECK(err.kind == error_kind::write_buffer_full);
  CHECK_THAT(err.message, Catch::Contains("write_high_water is 262144"));
  // The connection itself stays up: a stats request still answers.
  self->request(conn, 5s, stats_atom::value).receive(
    [&](const connection_stats& stats) { CHECK(stats.frames_out < 400); },
    [&](caf::error& e) { FAIL(sys.render(e)); });
}

TEST_CASE_METHOD(fixture, "a client reconnects after the server restarts") {
  auto srv = start_echo_server();
  connection_options opts;
  opts.reconnect.enabled = true;
  opts.reconnect.initial_delay = 50ms;
  opts.reconnect.max_delay = 200ms;
  auto conn = connect(sys, "127.0.0.1", srv.port, self, opts);
  auto first = expect<connected>();
  self->send(srv.acceptor, close_atom::value);
  // The server closes us; we retry while it is down.
  for (bool retrying = false; !retrying;)
    self->receive([&](const reconnecting& r) { CHECK(r.attempt == 1); retrying = true; },
                  [](const connection_error&) {},
                  [](const peer_finished&) {},
                  caf::after(5s) >> [] { FAIL("no reconnect attempt"); });
  server_options again;
  again.port = srv.port;
  bool restarted = false;
  for (;;) {
    bool done = false;
    self->receive(
      [&](const reconnecting&) {
        if (!restarted) {
          restarted = static_cast<bool>(serve(again, echo_session()));
        }
      },
      [&](const connection_error& err) {
        CHECK(err.kind == error_kind::connection_refused);
      },
      [&](const connected& up) {
        CHECK(up.id == first.id);
        done = true;
      },
      caf::after(5s) >> [&] { FAIL("no reconnect"); });
    if (done)
      break;
  }
  self->send(conn, send_atom::value, std::string{"back"});
  CHECK(expect<frame_received>().payload == "back");
}

TEST_CASE_METHOD(fixture, "a flooding peer cannot grow memory when no credit is granted") {
  server_options opts;
  opts.connection.read_credit = 16;
  auto srv = serve(opts, self); // self never grants credit
  REQUIRE(srv);
  auto before = testing_support::resident_memory();
  testing_support::raw_socket flooder{srv->port};
  expect<connected>();
  // Try to push 200 MB; TCP stops us once our reading has stopped.
  auto sent = testing_support::flood(flooder, 200u * 1024 * 1024, 1s);
  auto growth = testing_support::resident_memory() - before;
  INFO("sent " << sent << " bytes; resident growth " << growth << " bytes");
  CHECK(sent < 200u * 1024 * 1024);
  CHECK(growth < 64u * 1024 * 1024);
  // Reading stopped, but the connection is alive: exactly the credit
  // (plus at most one read chunk) was delivered, and no error.
  std::size_t frames = 0;
  bool quiet = false;
  self->receive_while([&] { return !quiet; })(
    [&](const frame_received&) { ++frames; },
    caf::after(100ms) >> [&] { quiet = true; });
  CHECK(frames >= 16);
  CHECK(frames <= 16 + (64 * 1024) / 64);
}

TEST_CASE_METHOD(fixture, "our client talks to socat as an echo server") {
  // Port 0: the kernel picks a free port; we read it once socat listens.
  auto socat = socat_serving("cat");
  auto port = socat.listening_port(5s);
  REQUIRE(port);
  auto conn = connect(sys, "127.0.0.1", *port, self);
  expect<connected>();
  self->send(conn, send_atom::value, std::string{"one"});
  self->send(conn, send_atom::value, std::string{"two"});
  CHECK(expect<frame_received>().payload == "one");
  CHECK(expect<frame_received>().payload == "two");
  self->send(conn, close_atom::value);
  CHECK(expect<disconnected>().reason == error_kind::none);
}

TEST_CASE_METHOD(fixture, "a line sent with its own LF or CRLF goes out as that line") {
  // socat echoes with each CR shown as R, so the bytes on the wire show.
  auto socat = socat_serving("stdbuf -o0 tr \\r R");
  auto port = socat.listening_port(5s);
  REQUIRE(port);
  auto conn = connect(sys, "127.0.0.1", *port, self);
  expect<connected>();
  for (auto line : {"crlf\r\n", "lf\n", "plain"})
    self->send(conn, send_atom::value, std::string{line});
  for (auto echoed : {"crlfR", "lf", "plain"})
    CHECK(expect<frame_received>().payload == echoed);
  self->send(conn, close_atom::value);
  CHECK(expect<disconnected>().reason == error_kind::none);
}

TEST_CASE_METHOD(fixture, "batch_frames delivers one event per read and sends batches") {
  auto srv = serve({}, self);
  REQUIRE(srv);
  connection_options opts;
  opts.batch_frames = true;
  auto conn = connect(sys, "127.0.0.1", srv->port, self, opts);
  // Both ends report `connected`, in either order.
  auto first = expect<connected>().handle;
  auto second = expect<connected>().handle;
  auto accepted = first == conn ? second : first;
  frame_batch out;
  for (auto word : {"alpha", "", "gamma"})
    out.add(word);
  self->send(accepted, send_atom::value, out);
  auto in = expect<frames_received>();
  REQUIRE(in.frames.size() == 3);
  CHECK(in.frames[0] == "alpha");
  CHECK(in.frames[1].empty());
  CHECK(in.frames[2] == "gamma");
  CHECK(in.frames.bytes() == 10);
  self->request(conn, 5s, stats_atom::value).receive(
    [&](const connection_stats& stats) { CHECK(stats.frames_in == 3); },
    [&](caf::error& e) { FAIL(sys.render(e)); });
}

TEST_CASE_METHOD(fixture, "a batch with an unencodable frame is refused whole") {
  auto srv = serve({}, self);
  REQUIRE(srv);
  auto conn = connect(sys, "127.0.0.1", srv->port, self);
  expect<connected>();
  expect<connected>();
  frame_batch out;
  out.add("fine");
  out.add("two\nlines");
  self->send(conn, send_atom::value, out);
  auto err = expect<connection_error>();
  CHECK(err.kind == error_kind::malformed_frame);
  self->send(conn, send_atom::value, std::string{"after"});
  CHECK(expect<frame_received>().payload == "after"); // "fine" was not sent
}

TEST_CASE_METHOD(fixture, "close gives up after close_timeout when the peer stops reading") {
  server_options server_opts;
  server_opts.connection.read_credit = 0; // the server never reads
  auto srv = serve(server_opts, self);
  REQUIRE(srv);
  connection_options opts;
  opts.framing.kind = framing_kind::raw;
  opts.write_high_water = 64 * 1024 * 1024;
  opts.close_timeout = 200ms;
  opts.id = new_connection_id(); // to tell its events from the server side's
  auto conn = connect(sys, "127.0.0.1", srv->port, self, opts);
  expect<connected>();
  expect<connected>();
  std::string chunk(64 * 1024, 'q');
  for (int i = 0; i < 256; ++i) // 16 MiB: far more than the kernel buffers
    self->send(conn, send_atom::value, chunk);
  self->send(conn, close_atom::value);
  for (bool down = false; !down;)
    self->receive(
      [&](const disconnected& d) {
        if (d.id != opts.id)
          return;
        CHECK(d.reason == error_kind::none);
        CHECK_THAT(d.message, Catch::Contains("aborted with") && Catch::Contains("unsent"));
        down = true;
      },
      [](const connection_error&) {},
      caf::after(5s) >> [] { FAIL("close did not give up"); });
}

namespace {

// A client connection to a server of `f`'s that reads nothing until its
// connection (`accepted`) gets credit: what the client sends stays queued.
struct lazy_pair {
  connection_actor conn;
  connection_actor accepted;
};

lazy_pair connect_to_lazy_server(fixture& f) {
  server_options server_opts;
  server_opts.connection.read_credit = 0;
  server_opts.connection.framing.kind = framing_kind::raw;
  auto srv = f.serve(server_opts, f.self);
  REQUIRE(srv);
  connection_options opts;
  opts.framing.kind = framing_kind::raw;
  opts.write_high_water = 64 * 1024 * 1024;
  lazy_pair pair;
  pair.conn = connect(f.sys, "127.0.0.1", srv->port, f.self, opts);
  auto first = f.expect<connected>().handle;
  auto second = f.expect<connected>().handle;
  pair.accepted = first == pair.conn ? second : first;
  return pair;
}

// Queues 16 MiB: far more than the kernel buffers hold.
void queue_16_mib(fixture& f, const connection_actor& conn) {
  std::string chunk(64 * 1024, 'd');
  for (int i = 0; i < 256; ++i)
    f.self->send(conn, send_atom_v, chunk);
}

} // namespace

TEST_CASE_METHOD(fixture, "drain answers once the write queue is down to its mark") {
  auto [conn, accepted] = connect_to_lazy_server(*this);
  // Nothing queued: answered at once.
  self->request(conn, 5s, drain_atom_v, std::uint64_t{0}).receive(
    [](std::uint64_t queued) { CHECK(queued == 0); },
    [&](caf::error& e) { FAIL(sys.render(e)); });
  queue_16_mib(*this, conn);
  constexpr std::uint64_t mark = 1024 * 1024;
  // The peer reads nothing yet: no answer.
  self->request(conn, 300ms, drain_atom_v, mark).receive(
    [](std::uint64_t queued) { FAIL("answered with " << queued << " bytes queued"); },
    [](caf::error& e) { CHECK(e == caf::sec::request_timeout); });
  self->send(accepted, credit_atom_v, std::uint32_t{1'000'000});
  self->request(conn, 30s, drain_atom_v, mark).receive(
    [&](std::uint64_t queued) { CHECK(queued <= mark); },
    [&](caf::error& e) { FAIL(sys.render(e)); });
}

TEST_CASE_METHOD(fixture, "a drain still waiting when the connection ends gets an error") {
  auto conn = connect_to_lazy_server(*this).conn;
  queue_16_mib(*this, conn);
  self->delayed_send(conn, 200ms, abort_atom_v);
  self->request(conn, 5s, drain_atom_v, std::uint64_t{0}).receive(
    [](std::uint64_t queued) { FAIL("answered with " << queued << " bytes queued"); },
    [&](caf::error& e) {
      CHECK(kind_of(e) == error_kind::not_connected);
      CHECK_THAT(message_of(e), Catch::Contains("the connection ended"));
    });
}

TEST_CASE_METHOD(fixture, "a server stops within shutdown_grace although a peer stops reading") {
  server_options opts;
  opts.shutdown_grace = 100ms;
  opts.connection.write_high_water = 64 * 1024 * 1024;
  auto srv = serve(opts, self);
  REQUIRE(srv);
  raw_socket lazy{srv->port}; // never reads
  auto conn = expect<connected>().handle;
  std::string chunk(64 * 1024, 'w');
  for (int i = 0; i < 256; ++i)
    self->send(conn, send_atom::value, chunk);
  // A stats round trip: the sends before it are queued by now.
  self->request(conn, 5s, stats_atom::value).receive(
    [](const connection_stats&) {}, [&](caf::error& e) { FAIL(sys.render(e)); });
  self->monitor(srv->acceptor);
  self->send(srv->acceptor, close_atom::value);
  bool stopped = false;
  for (bool done = false; !done;)
    self->receive([&](const caf::down_msg& msg) {
                    if (msg.source == srv->acceptor)
                      stopped = done = true;
                  },
                  [](const disconnected&) {}, [](const connection_error&) {},
                  caf::after(5s) >> [&] { done = true; });
  CHECK(stopped);
  CHECK(lazy.closed_by_peer(5s));
}

TEST_CASE_METHOD(fixture, "a connection error event sent to a connection is not taken as a command") {
  auto srv = start_echo_server();
  connection_options opts;
  opts.reconnect.enabled = true;
  auto conn = connect(sys, "127.0.0.1", srv.port, self, opts);
  expect<connected>();
  // Events are what a connection emits; one sent back to it (by mistake or
  // by a stranger) must neither drop nor reconnect it. CAF tells the sender.
  self->send(caf::actor_cast<caf::actor>(conn),
             connection_error{0, error_kind::peer_reset, "forged"});
  CHECK(expect<caf::error>() == caf::sec::unexpected_message);
  self->send(conn, send_atom::value, std::string{"still here"});
  CHECK(expect<frame_received>().payload == "still here");
  self->send(conn, close_atom::value);
  auto down = expect<disconnected>();
  CHECK(down.reason == error_kind::none);
  CHECK(down.stats.frames_in == 1);
}

namespace {

// TcpExt ListenDrops from /proc/net/netstat: SYNs and completed connections
// the kernel dropped because a listen queue was full (this whole host).
std::uint64_t listen_drops() {
  std::ifstream in{"/proc/net/netstat"};
  std::string names, values;
  while (std::getline(in, names) && std::getline(in, values)) {
    if (names.rfind("TcpExt:", 0) != 0)
      continue;
    std::istringstream n{names}, v{values};
    std::string name, value;
    while (n >> name && v >> value)
      if (name == "ListenDrops")
        return std::stoull(value);
  }
  return 0;
}

} // namespace

TEST_CASE_METHOD(fixture, "a burst of 500 connects at once overflows no listen queue") {
  // With listen's backlog at 128, such a burst overflowed the queue: the
  // dropped clients' kernels retry their SYN after a second, and accepting
  // 1,000 clients took about a second (B4 in docs/performance.md).
  server_options opts;
  opts.max_connections = 1000;
  auto srv = start_echo_server(opts);
  auto before = listen_drops();
  constexpr int burst = 500;
  std::vector<int> fds;
  for (int i = 0; i < burst; ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    REQUIRE(fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(srv.port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    fds.push_back(fd);
  }
  // Each client sends a line once connected and waits for its echo.
  int echoed = 0;
  std::vector<bool> sent(burst, false), done(burst, false);
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (echoed < burst && std::chrono::steady_clock::now() < deadline) {
    for (int i = 0; i < burst; ++i) {
      if (done[i])
        continue;
      if (!sent[i] && ::send(fds[i], "x\n", 2, MSG_NOSIGNAL) == 2)
        sent[i] = true;
      char buf[8];
      if (sent[i] && ::recv(fds[i], buf, sizeof(buf), 0) == 2) {
        done[i] = true;
        ++echoed;
      }
    }
    std::this_thread::sleep_for(1ms);
  }
  for (int fd : fds)
    ::close(fd);
  CHECK(echoed == burst);
  CHECK(listen_drops() == before);
}

namespace {

// FDSize in /proc/self/status: how many descriptors this process's table
// holds before the kernel must grow it.
std::size_t descriptor_table_size() {
  std::ifstream in{"/proc/self/status"};
  std::string key;
  while (in >> key) {
    if (key == "FDSize:") {
      std::size_t slots = 0;
      in >> slots;
      return slots;
    }
    in.ignore(1 << 12, '\n');
  }
  return 0;
}

} // namespace

TEST_CASE_METHOD(fixture, "listening grows the descriptor table up front, not while accepting") {
  // Linux grows the table by doubling it, and in a process with threads
  // each growth waits for an RCU grace period (10-15 ms) inside `accept`:
  // accepting 1,000 clients met four such waits, with the multiplexer
  // stopped meanwhile (B4 in docs/performance.md).
  auto before = descriptor_table_size();
  REQUIRE(before > 0);
  rlimit limit{};
  REQUIRE(getrlimit(RLIMIT_NOFILE, &limit) == 0);
  auto peers = 2 * before; // more than the table holds now
  REQUIRE(limit.rlim_cur >= peers + 64);
  server_options opts;
  opts.max_connections = peers;
  auto srv = start_echo_server(opts);
  auto reserved = descriptor_table_size();
  CHECK(reserved >= peers);
  // Each connection costs this process two descriptors (the client's and
  // the accepted one): half of max_connections, echoed, fill the table as
  // much as max_connections would from separate clients.
  std::vector<raw_socket> clients;
  for (std::size_t i = 0; i < peers / 2 - 16; ++i) {
    clients.emplace_back(srv.port);
    REQUIRE(clients.back().write_all("x\n"));
  }
  for (auto& client : clients)
    REQUIRE(client.read_lines(1, 10s) == "x\n");
  CHECK(descriptor_table_size() == reserved);
}
