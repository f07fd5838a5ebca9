// Half-close: a peer's FIN ends only its direction, and `finish` ends ours.
// First the connection actor, seen from a raw socket; then the examples,
// driven by the peers people use (ncat, socat, Python).

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <caf/event_based_actor.hpp>

#include "actors/connection.hpp"
#include "actors/connection_protocol.hpp"
#include "actors/server.hpp"
#include "support/actor_fixture.hpp"
#include "support/child_process.hpp"
#include "support/example_path.hpp"
#include "support/raw_socket.hpp"

using namespace actors;
using namespace std::chrono_literals;
using testing_support::child_process;
using testing_support::example;
using testing_support::raw_socket;

namespace {

using fixture = testing_support::actor_fixture;

// Runs `script` with sh and returns its first line of output.
std::optional<std::string> run_shell(const std::string& script,
                                     std::chrono::milliseconds timeout) {
  child_process shell{{"sh", "-c", script}};
  auto line = shell.read_line(timeout);
  shell.wait_exit(5s);
  return line;
}

// A session that answers each line 200 ms late, and closes only after the
// last answer: a slow server, for clients that half-close at once.
caf::behavior slow_echo(caf::event_based_actor* self) {
  return {
    [=](frame_received& frame) {
      auto conn = caf::actor_cast<connection_actor>(self->current_sender());
      self->delayed_send(conn, 200ms, send_atom_v, std::move(frame.payload));
      self->send(conn, credit_atom_v, std::uint32_t{1});
    },
    [=](const peer_finished&) {
      auto conn = caf::actor_cast<connection_actor>(self->current_sender());
      self->delayed_send(conn, 300ms, close_atom_v);
    },
    [](const connected&) {},
    [](const connection_error&) {},
    [](const disconnected&) {},
  };
}

} // namespace

TEST_CASE_METHOD(fixture, "a peer's FIN arrives after every frame before it, and the write side stays open") {
  auto srv = serve({}, self);
  REQUIRE(srv);
  raw_socket peer{srv->port};
  auto up = expect<connected>();
  REQUIRE(peer.write_all("one\ntwo\n"));
  peer.finish();
  CHECK(expect<frame_received>().payload == "one");
  CHECK(expect<frame_received>().payload == "two");
  CHECK(expect<peer_finished>().id == up.id);
  self->send(up.handle, send_atom_v, std::string{"answer after the FIN"});
  self->send(up.handle, close_atom_v);
  CHECK(peer.read_lines(1, 5s) == "answer after the FIN\n");
  CHECK(peer.closed_by_peer(5s));
  auto down = expect<disconnected>();
  CHECK(down.reason == error_kind::peer_closed);
  CHECK(down.stats.frames_out == 1);
}

TEST_CASE_METHOD(fixture, "finish sends what is queued, then a FIN, and goes on reading") {
  auto srv = serve({}, self);
  REQUIRE(srv);
  raw_socket peer{srv->port};
  auto up = expect<connected>();
  std::string sent;
  for (int i = 0; i < 1000; ++i) {
    self->send(up.handle, send_atom_v, std::to_string(i));
    sent += std::to_string(i) + "\n";
  }
  self->send(up.handle, finish_atom_v);
  CHECK(peer.read_lines(1000, 5s) == sent);
  CHECK(peer.closed_by_peer(5s)); // the FIN: read returns 0
  // Our side finished; the peer's still works.
  REQUIRE(peer.write_all("late reply\n"));
  CHECK(expect<frame_received>().payload == "late reply");
  self->send(up.handle, send_atom_v, std::string{"too late"});
  auto refused = expect<connection_error>();
  CHECK(refused.kind == error_kind::not_connected);
  CHECK_THAT(refused.message, Catch::Contains("after finish"));
  peer.finish();
  CHECK(expect<peer_finished>().id == up.id);
  auto down = expect<disconnected>();
  CHECK(down.reason == error_kind::none);
  CHECK(down.stats.frames_out == 1000);
}

TEST_CASE_METHOD(fixture, "finish_timeout closes a connection whose subscriber never does") {
  server_options opts;
  opts.connection.finish_timeout = 100ms;
  auto srv = serve(opts, self);
  REQUIRE(srv);
  raw_socket peer{srv->port};
  expect<connected>();
  peer.finish();
  expect<peer_finished>();
  auto down = expect<disconnected>(5s);
  CHECK(down.reason == error_kind::peer_closed);
  CHECK_THAT(down.message, Catch::Contains("finish_timeout"));
  CHECK(peer.closed_by_peer(5s));
}

TEST_CASE_METHOD(fixture, "a client connection finishes, reads the replies, and ends when the server closes") {
  auto srv = start_echo_server();
  auto conn = connect(sys, "127.0.0.1", srv.port, self);
  expect<connected>();
  self->send(conn, send_atom_v, std::string{"last words"});
  self->send(conn, finish_atom_v);
  CHECK(expect<frame_received>().payload == "last words");
  expect<peer_finished>();
  auto down = expect<disconnected>();
  CHECK(down.reason == error_kind::none);
}

TEST_CASE("echo_server answers every line of ncat, socat and Python clients that half-close") {
  auto [server, port] = testing_support::start_listening_server(
    {example("echo_server"), "--port", "0"});
  auto address = "127.0.0.1 " + std::to_string(port);
  char dir[] = "/tmp/actors-half-close-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  std::string in = std::string{dir} + "/in", out = std::string{dir} + "/out";
  auto same_lines = [&](const std::string& client, int lines) {
    INFO(client << " with " << lines << " lines");
    auto script = "seq 1 " + std::to_string(lines) + " > " + in + "; " + client
                  + " < " + in + " > " + out + "; cmp -s " + in + " " + out
                  + " && echo same || wc -l < " + out;
    CHECK(run_shell(script, 60s) == std::optional<std::string>{"same"});
  };
  same_lines("ncat " + address, 100'000);
  same_lines("ncat " + address, 1);
  // -t: socat gives the answers 0.5 s after its stdin ends, too short for a
  // sanitized server on a loaded machine; the server closes when done.
  same_lines("socat -t 10 - TCP:127.0.0.1:" + std::to_string(port), 1'000);
  same_lines("socat -t 10 - TCP:127.0.0.1:" + std::to_string(port), 1);
  same_lines("python3 -c 'import socket, sys\n"
             "s = socket.create_connection((\"127.0.0.1\", "
               + std::to_string(port) + "))\n"
             "s.sendall(sys.stdin.buffer.read())\n"
             "s.shutdown(socket.SHUT_WR)\n"
             "while True:\n"
             "    data = s.recv(65536)\n"
             "    if not data: break\n"
             "    sys.stdout.buffer.write(data)\n'",
             1'000);
  std::system(("rm -rf '" + std::string{dir} + "'").c_str());
}

TEST_CASE("chat_server answers the lines before a FIN, then says bye") {
  auto [server, port] = testing_support::start_listening_server(
    {example("chat_server"), "--port", "0"});
  // socat gives the other direction 0.5 s after its stdin ends (-t); under
  // ThreadSanitizer the first visit, which starts the lobby and a room,
  // took 0.4 s by itself.
  auto seen = run_shell("printf '/nick amy\\nhello\\n' | socat -t 10 - TCP:127.0.0.1:"
                          + std::to_string(port) + " | tr '\\n' '|'; echo",
                        10s);
  REQUIRE(seen);
  CHECK_THAT(*seen, Catch::Contains("<amy> hello|") && Catch::EndsWith("bye|"));
}

TEST_CASE_METHOD(fixture, "line_client prints every reply of a server that answers slowly") {
  sessions.push_back(sys.spawn(slow_echo));
  auto srv = serve({}, sessions.back());
  REQUIRE(srv);
  char dir[] = "/tmp/actors-line-client-slow-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  std::string in = std::string{dir} + "/in", out = std::string{dir} + "/out";
  auto script = "seq 1 20 > " + in + "; " + example("line_client") + " 127.0.0.1 "
                + std::to_string(srv->port) + " < " + in + " > " + out
                + "; echo exit $?; cmp -s " + in + " " + out + " && echo same";
  child_process shell{{"sh", "-c", script}};
  CHECK(shell.read_line(30s) == std::optional<std::string>{"exit 0"});
  CHECK(shell.read_line(5s) == std::optional<std::string>{"same"});
  std::system(("rm -rf '" + std::string{dir} + "'").c_str());
}
