#include "actors/inline_session.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <sys/socket.h>

#include "actors/connection_protocol.hpp"
#include "actors/metrics.hpp"
#include "actors/server.hpp"
#include "support/actor_fixture.hpp"
#include "support/raw_socket.hpp"

using namespace actors;
using namespace std::chrono_literals;
using testing_support::raw_socket;

namespace {

// Answers "x" with "x!"; "bye" with "bye!" and a close; "bad" with a reply
// that a line cannot carry (it holds the delimiter).
class shouting_session final : public inline_session {
public:
  void on_frames(const std::vector<std::string_view>& frames,
                 session_output& out) override {
    for (auto frame : frames) {
      if (frame == "bad") {
        CHECK_FALSE(out.send("two\nlines"));
        continue;
      }
      std::string reply{frame};
      reply += '!';
      out.send(reply);
      if (frame == "bye")
        out.close();
    }
  }
};

// Echoes each read's lines with one batched send; a read holding "bad"
// also asks for a reply a line cannot carry, in the same batch.
class batch_echo final : public inline_session {
public:
  void on_frames(const std::vector<std::string_view>& frames,
                 session_output& out) override {
    std::vector<std::string_view> replies{frames};
    for (auto frame : frames)
      if (frame == "bad")
        replies.push_back("two\nlines");
    sends.push_back(out.send(replies));
  }
  static inline std::vector<bool> sends;
};

// Sends each read's frames back, closes, then tries to send them again.
class close_then_send final : public inline_session {
public:
  void on_frames(const std::vector<std::string_view>& frames,
                 session_output& out) override {
    CHECK(out.send(frames));
    out.close();
    CHECK_FALSE(out.send(frames));
  }
};

// Sends each read's frames back as they came: the connection may copy
// them as the read's own bytes.
class plain_echo final : public inline_session {
public:
  void on_frames(const std::vector<std::string_view>& frames,
                 session_output& out) override {
    out.send(frames);
  }
};

// Shouts back like shouting_session, and throws at "boom".
class throwing_session final : public inline_session {
public:
  void on_frames(const std::vector<std::string_view>& frames,
                 session_output& out) override {
    for (auto frame : frames) {
      if (frame == "boom")
        throw std::runtime_error("no rule for boom");
      out.send(std::string{frame} + "!");
    }
  }
};

struct fixture : testing_support::actor_fixture {
  // A server whose connections run a `Session` each and report their
  // events to the test thread.
  template <class Session>
  server start_inline(server_options opts = {}) {
    opts.connection.inline_session = [] { return std::make_unique<Session>(); };
    auto srv = serve(opts, caf::actor{self});
    REQUIRE(srv);
    return *srv;
  }

  server start_shouting(server_options opts = {}) {
    return start_inline<shouting_session>(std::move(opts));
  }

  // True if no frame event reaches the test thread within `wait`.
  bool no_frame_events(std::chrono::milliseconds wait) {
    bool none = true;
    bool quiet = false;
    self->receive_while([&] { return !quiet; })(
      [&](const frame_received&) { none = false; },
      [&](const frames_received&) { none = false; },
      [](const connected&) {},
      caf::after(wait) >> [&] { quiet = true; });
    return none;
  }
};

std::string numbered_lines(int count, const char* suffix) {
  std::string text;
  for (int i = 0; i < count; ++i)
    text += std::to_string(i) + suffix + "\n";
  return text;
}

} // namespace

TEST_CASE_METHOD(fixture, "an inline session answers every line and its subscriber gets no frames") {
  auto srv = start_shouting();
  raw_socket peer{srv.port};
  REQUIRE(peer.write_all(numbered_lines(1000, "")));
  CHECK(peer.read_lines(1000, 10s) == numbered_lines(1000, "!"));
  expect<connected>();
  CHECK(no_frame_events(200ms));
}

TEST_CASE_METHOD(fixture, "the replies to several reads in one pass leave in one write") {
  auto srv = start_inline<plain_echo>();
  raw_socket peer{srv.port};
  auto conn = expect<connected>().handle;
  // About 60 KiB in one write: the connection reads it in chunks of 2, 4,
  // 8, 16 and 32 KiB (its read buffer grows while reads fill it), in the
  // multiplexer's pass that found the socket readable. Each read's replies
  // are queued; the socket gets them once, when the pass ends.
  auto lines = numbered_lines(1500, " is a line of the test, echoed back");
  REQUIRE(peer.write_all(lines));
  CHECK(peer.read_lines(1500, 10s) == lines);
  actor_metrics m;
  self->request(conn, 5s, metrics_atom_v)
    .receive([&](actor_metrics& x) { m = std::move(x); },
             [&](const caf::error& err) { FAIL(caf::to_string(err)); });
  INFO("reads " << m.value("socket_reads_total") << ", writes "
                << m.value("socket_writes_total"));
  CHECK(m.value("socket_reads_total") >= 5);
  CHECK(m.value("socket_writes_total") >= 1);
  CHECK(m.value("socket_writes_total") < m.value("socket_reads_total"));
  CHECK(m.value("bytes_queued") == 0);
}

TEST_CASE_METHOD(fixture, "an inline session gets a line split across reads whole") {
  auto srv = start_shouting();
  raw_socket peer{srv.port};
  // The second line starts in the first read and ends in later ones.
  REQUIRE(peer.write_all("one\ntw"));
  std::this_thread::sleep_for(50ms);
  for (char c : std::string{"o-and-more\nthree\n"}) {
    REQUIRE(peer.write_all(std::string(1, c)));
    std::this_thread::sleep_for(2ms);
  }
  CHECK(peer.read_lines(3, 5s) == "one!\ntwo-and-more!\nthree!\n");
  // A line of 300,000 bytes spans several reads of at most 64 KiB, with
  // more lines in its last read.
  std::string big(300'000, 'b');
  REQUIRE(peer.write_all(big + "\nafter\n"));
  CHECK(peer.read_lines(2, 10s) == big + "!\nafter!\n");
}

TEST_CASE_METHOD(fixture, "an inline session closes after its replies when the peer finishes") {
  auto srv = start_shouting();
  raw_socket peer{srv.port};
  REQUIRE(peer.write_all(numbered_lines(100, "")));
  ::shutdown(peer.fd(), SHUT_WR);
  CHECK(peer.read_lines(100, 10s) == numbered_lines(100, "!"));
  CHECK(peer.closed_by_peer(5s));
  expect<connected>();
  expect<peer_finished>();
  auto down = expect<disconnected>();
  CHECK(down.stats.frames_in == 100);
  CHECK(down.stats.frames_out == 100);
}

TEST_CASE_METHOD(fixture, "an inline session closes the connection after its last reply") {
  auto srv = start_shouting();
  raw_socket peer{srv.port};
  REQUIRE(peer.write_all("hi\nbye\nnever answered\n"));
  CHECK(peer.read_lines(2, 5s) == "hi!\nbye!\n");
  CHECK(peer.closed_by_peer(5s));
  expect<connected>();
  // If the third line came in the same read, the session's reply to it came
  // after its close, and was refused.
  std::optional<disconnected> down;
  self->receive_while([&] { return !down; })(
    [&](const connection_error& err) { CHECK(err.kind == error_kind::not_connected); },
    [&](disconnected& x) { down = std::move(x); },
    caf::after(5s) >> [&] { FAIL("no disconnected"); });
  CHECK(down->reason == error_kind::none);
  CHECK(down->stats.frames_out == 2);
}

TEST_CASE_METHOD(fixture, "a session that throws ends its own connection with the reason, after its replies, and no other") {
  auto srv = start_inline<throwing_session>();
  raw_socket bystander{srv.port};
  expect<connected>();
  raw_socket peer{srv.port};
  auto peer_id = expect<connected>().id;
  REQUIRE(peer.write_all("one\ntwo\nboom\nnever\n"));
  CHECK(peer.read_lines(2, 5s) == "one!\ntwo!\n");
  CHECK(peer.closed_by_peer(5s));
  auto err = expect<connection_error>();
  CHECK(err.id == peer_id);
  CHECK(err.kind == error_kind::session_failed);
  CHECK(err.message == "the inline session threw: no rule for boom");
  auto down = expect<disconnected>();
  CHECK(down.id == peer_id);
  CHECK(down.reason == error_kind::session_failed);
  REQUIRE(bystander.write_all("still here\n"));
  CHECK(bystander.read_lines(1, 5s) == "still here!\n");
}

TEST_CASE_METHOD(fixture, "a reply the framing cannot carry is reported and the connection goes on") {
  auto srv = start_shouting();
  raw_socket peer{srv.port};
  REQUIRE(peer.write_all("bad\nstill here\n"));
  CHECK(peer.read_lines(1, 5s) == "still here!\n");
  expect<connected>();
  auto err = expect<connection_error>();
  CHECK(err.kind == error_kind::malformed_frame);
  CHECK(err.message.find("dropped") != std::string::npos);
}

TEST_CASE_METHOD(fixture, "a peer that sends but never reads pauses an inline session, and nothing is lost") {
  server_options opts;
  opts.connection.write_high_water = 256 * 1024;
  auto srv = start_shouting(opts);
  raw_socket peer{srv.port};
  auto before = testing_support::resident_memory();
  // 64-byte lines; the replies (65 bytes each) pile up until reading
  // pauses and TCP stops the flood.
  auto sent = testing_support::flood(peer, 200u * 1024 * 1024, 1s);
  auto growth = testing_support::resident_memory() - before;
  INFO("sent " << sent << " bytes; resident growth " << growth << " bytes");
  CHECK(sent < 200u * 1024 * 1024);
  CHECK(growth < 64u * 1024 * 1024);
  // Now read: reading resumes as the replies go out, and every line the
  // flood sent is answered.
  auto lines = sent / 64;
  auto replies = peer.read_exactly(lines * 65, 30s);
  CHECK(replies.size() == lines * 65);
  expect<connected>();
  bool errors = false;
  bool quiet = false;
  self->receive_while([&] { return !quiet; })(
    [&](const connection_error&) { errors = true; },
    caf::after(100ms) >> [&] { quiet = true; });
  CHECK_FALSE(errors);
}

TEST_CASE_METHOD(fixture, "a batched send queues every frame of a read, or none of them") {
  batch_echo::sends.clear();
  raw_socket peer{start_inline<batch_echo>().port};
  auto lines = numbered_lines(2000, " line");
  REQUIRE(peer.write_all(lines));
  CHECK(peer.read_lines(2000, 10s) == lines);
  expect<connected>();
  // One read holding "bad": none of its replies goes out, and it is said why.
  REQUIRE(peer.write_all("first\nbad\n"));
  auto err = expect<connection_error>();
  CHECK(err.kind == error_kind::malformed_frame);
  CHECK(err.message.find("dropped") != std::string::npos);
  // The connection goes on.
  REQUIRE(peer.write_all("after\n"));
  CHECK(peer.read_lines(1, 5s) == "after\n");
  CHECK(std::count(batch_echo::sends.begin(), batch_echo::sends.end(), false) == 1);
}

TEST_CASE_METHOD(fixture, "frames sent back unchanged come out exactly as encoded, whatever their line endings") {
  raw_socket peer{start_inline<plain_echo>().port};
  // Back to back in one read: copied as one block.
  auto lines = numbered_lines(3000, " plain");
  REQUIRE(peer.write_all(lines));
  CHECK(peer.read_lines(3000, 10s) == lines);
  // CR LF endings lose their CR, as any line sent does; an empty line stays.
  REQUIRE(peer.write_all("one\r\ntwo\n\nthree\r\n"));
  CHECK(peer.read_lines(4, 5s) == "one\ntwo\n\nthree\n");
  // A line begun in an earlier read, then more in the same read.
  REQUIRE(peer.write_all("par"));
  std::this_thread::sleep_for(50ms);
  REQUIRE(peer.write_all("tial\nnext\nlast\n"));
  CHECK(peer.read_lines(3, 5s) == "partial\nnext\nlast\n");
  // Counted per frame, and per byte as written.
  auto conn = expect<connected>();
  connection_stats stats;
  self->request(conn.handle, 5s, stats_atom_v)
    .receive([&](const connection_stats& x) { stats = x; },
             [](const caf::error& err) { FAIL(to_string(err)); });
  CHECK(stats.frames_out == 3000 + 4 + 3);
  CHECK(stats.bytes_out == lines.size() + 15 + 18); // as received, CRs gone
}

TEST_CASE_METHOD(fixture, "a batched send after close is refused with a reason, and what came before goes out") {
  raw_socket peer{start_inline<close_then_send>().port};
  REQUIRE(peer.write_all("one\ntwo\n"));
  CHECK(peer.read_lines(2, 5s) == "one\ntwo\n");
  CHECK(peer.closed_by_peer(5s));
  expect<connected>();
  auto err = expect<connection_error>();
  CHECK(err.kind == error_kind::not_connected);
  CHECK(err.message == "send after close: the frames were dropped");
}

TEST_CASE_METHOD(fixture, "a subscriber that drops the events it does not handle loses no connection") {
  // caf::drop answers each dropped event with an unexpected_message error,
  // and CAF's default reaction to an error message is to quit: about one
  // connection in ten ended so, its replies unsent and no `disconnected`.
  auto forward = caf::actor{self};
  auto subscriber = sys.spawn([forward](caf::event_based_actor* sub) -> caf::behavior {
    sub->set_default_handler(caf::drop);
    return {[=](const disconnected& down) { sub->send(forward, down); }};
  });
  server_options opts;
  opts.connection.inline_session = [] { return std::make_unique<shouting_session>(); };
  auto srv = serve(opts, subscriber);
  REQUIRE(srv);
  constexpr int runs = 100;
  int answered = 0;
  for (int i = 0; i < runs; ++i) {
    raw_socket peer{srv->port};
    REQUIRE(peer.write_all("a\n"));
    peer.finish();
    answered += peer.read_lines(1, 5s) == "a!\n" ? 1 : 0;
    CHECK(peer.closed_by_peer(5s));
  }
  CHECK(answered == runs);
  for (int i = 0; i < runs; ++i) // the peer finished first (it said `none`)
    CHECK(expect<disconnected>().reason == error_kind::peer_closed);
  self->send_exit(subscriber, caf::exit_reason::user_shutdown);
}

TEST_CASE_METHOD(fixture, "listen without a subscriber serves inline sessions, and ends its event sink with the server") {
  auto running_before = sys.registry().running();
  server_options opts;
  opts.connection.inline_session = [] { return std::make_unique<shouting_session>(); };
  auto srv = listen(sys, opts);
  REQUIRE(srv);
  {
    raw_socket peer{srv->port};
    REQUIRE(peer.write_all(numbered_lines(100, "")));
    CHECK(peer.read_lines(100, 10s) == numbered_lines(100, "!"));
  }
  // The events went to its own sink, not here.
  CHECK(no_frame_events(100ms));
  // Closed, the server takes its sink along: no actor is left behind.
  self->monitor(srv->acceptor);
  self->send(srv->acceptor, close_atom_v);
  self->receive([](const caf::down_msg&) {}, caf::after(5s) >> [] { FAIL("no down"); });
  for (int i = 0; i < 100 && sys.registry().running() > running_before; ++i)
    std::this_thread::sleep_for(10ms);
  CHECK(sys.registry().running() == running_before);
  // Without an inline session, someone must take the frames.
  auto refused = listen(sys, server_options{});
  REQUIRE_FALSE(refused);
  CHECK(kind_of(refused.error()) == error_kind::invalid_argument);
  CHECK_THAT(message_of(refused.error()), Catch::Contains("needs connection.inline_session"));
}
