// The examples, run as real processes and talked to over real sockets.

#include "support/child_process.hpp"
#include "support/example_path.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "actors/log_record.hpp"

#include "support/raw_socket.hpp"
#include "support/shell.hpp"

using namespace std::chrono_literals;
using testing_support::child_process;
using testing_support::example;
using testing_support::raw_socket;

namespace {

// Starts a server example on a free port and returns it with its port.
std::pair<child_process, unsigned short> start_server(const std::string& name) {
  return testing_support::start_listening_server({example(name), "--port", "0"});
}

} // namespace

TEST_CASE("echo_server prints its address first and echoes lines") {
  auto [server, port] = start_server("echo_server");
  raw_socket client{port};
  REQUIRE(client.write_all("hello\r\nworld\n"));
  CHECK(client.read_lines(2, 5s) == "hello\nworld\n");
}

TEST_CASE("servers exit cleanly on SIGINT, SIGTERM and SIGHUP") {
  for (auto name : {"echo_server", "chat_server"}) {
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) { // SIGHUP killed them, log unflushed
      auto [server, port] = start_server(name);
      raw_socket client{port}; // an open connection must not delay the exit
      server.signal(sig);
      auto status = server.wait_exit(5s);
      INFO(name << " with signal " << sig);
      REQUIRE(status);
      CHECK(*status == 0);
      CHECK(client.closed_by_peer(2s));
    }
  }
}

TEST_CASE("a server reports a port that is already taken") {
  auto [first, port] = start_server("echo_server");
  child_process second{{example("echo_server"), "--port", std::to_string(port)},
                       testing_support::stderr_to::pipe};
  auto message = second.read_stderr(5s);
  auto status = second.wait_exit(5s);
  REQUIRE(status);
  CHECK(*status == 1);
  CHECK_THAT(message, Catch::Contains(std::to_string(port))
                        && Catch::Contains("Address already in use"));
}

TEST_CASE("examples explain themselves with --help and reject bad options") {
  for (auto name : {"echo_server", "chat_server", "line_client"}) {
    child_process help{{example(name), "--help"}};
    auto first = help.read_line(5s);
    REQUIRE(first);
    CHECK_THAT(*first, Catch::StartsWith("usage: "));
    CHECK(help.wait_exit(5s) == 0);
    child_process bad{{example(name), "--bogus"}, testing_support::stderr_to::pipe};
    auto message = bad.read_stderr(5s);
    CHECK(bad.wait_exit(5s) == 2);
    CHECK_THAT(message, Catch::Contains("--bogus") && Catch::Contains("usage: "));
  }
  // An argument a server takes none of is refused, not ignored: "--udp
  // 7005" listened on 7000.
  for (auto name : {"echo_server", "chat_server"}) {
    child_process stray{{example(name), "--port", "0", "7005"}, testing_support::stderr_to::pipe};
    auto message = stray.read_stderr(5s);
    CHECK(stray.wait_exit(5s) == 2);
    CHECK_THAT(message, Catch::StartsWith("error: unexpected argument '7005'"));
  }
  child_process dash{{example("echo_server"), "-u"}, testing_support::stderr_to::pipe};
  CHECK_THAT(dash.read_stderr(5s), Catch::StartsWith("error: unknown option -u"));
  CHECK(dash.wait_exit(5s) == 2);
}

#ifdef ACTORS_LINE_WINDOW_PATH
TEST_CASE("the tutorial's line_window reads its command line without a display") {
  // `env -u DISPLAY`: a terminal without X, where wx could not start.
  auto without_display = [](std::vector<std::string> args) {
    args.insert(args.begin(), {"env", "-u", "DISPLAY", "-u", "WAYLAND_DISPLAY",
                               ACTORS_LINE_WINDOW_PATH});
    return child_process{args, testing_support::stderr_to::pipe};
  };
  auto help = without_display({"--help"});
  CHECK(help.read_line(5s) == "usage: line_window HOST PORT");
  CHECK(help.wait_exit(5s) == 0);
  for (auto bad_port : {"abc", "0", "65536"}) {
    auto bad = without_display({"127.0.0.1", bad_port});
    CHECK_THAT(bad.read_stderr(5s),
               Catch::StartsWith("error: PORT must be a number from 1 to 65535")
                 && Catch::Contains("usage: line_window HOST PORT"));
    CHECK(bad.wait_exit(5s) == 2);
  }
  auto missing = without_display({"127.0.0.1"});
  CHECK_THAT(missing.read_stderr(5s), Catch::StartsWith("usage: line_window HOST PORT"));
  CHECK(missing.wait_exit(5s) == 2);
}
#endif

TEST_CASE("echo_server says which peers --max-connections refused, and tells them why") {
  child_process server{{example("echo_server"), "--port", "0", "--max-connections", "1"},
                       testing_support::stderr_to::pipe};
  auto banner = server.read_line(5s);
  REQUIRE(banner);
  auto port = testing_support::port_from_banner(*banner);
  raw_socket first{port};
  REQUIRE(first.write_all("hold\n"));
  REQUIRE(first.read_lines(1, 5s) == "hold\n"); // accepted: the one place is taken
  raw_socket second{port};
  CHECK(second.read_lines(1, 5s) == "error: server full (at most 1 peer at once); try again later\n");
  CHECK(second.closed_by_peer(5s));
  server.signal(SIGTERM);
  CHECK_THAT(server.read_stderr(10s),
             Catch::Matches("refused 127\\.0\\.0\\.1:[0-9]+: max_connections \\(1\\) reached\n"));
  CHECK(server.wait_exit(5s) == 0);
}

TEST_CASE("chat_server delivers a line to its room and not to other rooms") {
  auto [server, port] = start_server("chat_server");
  raw_socket amy{port};
  raw_socket bob{port};
  raw_socket eve{port};
  // Each sees a welcome and its own join (and later joins of others). Only
  // members hear a line: bob's join must be done before amy speaks (the
  // first join he sees is his own, or one after it).
  CHECK_THAT(amy.read_until("joined #general", 5s), Catch::Contains("joined #general"));
  CHECK_THAT(bob.read_until("joined #general", 5s), Catch::Contains("joined #general"));
  REQUIRE(eve.write_all("/join other\n"));
  CHECK_THAT(eve.read_until("joined #other", 5s), Catch::Contains("joined #other"));
  REQUIRE(amy.write_all("/nick amy\n"));
  REQUIRE(amy.write_all("hi everyone\n"));
  CHECK_THAT(bob.read_until("<amy> hi everyone", 5s),
             Catch::Contains("<amy> hi everyone"));
  REQUIRE(eve.write_all("/quit\n"));
  auto eve_rest = eve.read_until("bye", 5s);
  CHECK_THAT(eve_rest, !Catch::Contains("hi everyone") && Catch::Contains("bye"));
  CHECK(eve.closed_by_peer(2s));
  REQUIRE(bob.write_all("/frobnicate\n"));
  CHECK_THAT(bob.read_until("unknown command", 5s), Catch::Contains("unknown command"));
}

TEST_CASE("chat_server applies lines typed before the first join completes in order") {
  auto [server, port] = start_server("chat_server");
  raw_socket amy{port};
  CHECK_THAT(amy.read_until("joined #general", 5s), Catch::Contains("joined #general"));
  // Written in one write, usually before the join could complete. Whenever
  // they arrive, the /nick applies after the join that connecting started,
  // and both lines are said as bob.
  raw_socket bob{port};
  REQUIRE(bob.write_all("/nick bob\nearly bird\nsecond\n"));
  auto seen = amy.read_until("<bob> second", 5s);
  auto joined = seen.find(" joined #general\n");
  REQUIRE(joined != std::string::npos);
  auto guest = seen.substr(2, joined - 2); // "* guestN joined ..."
  CHECK_THAT(guest, Catch::StartsWith("guest"));
  CHECK_THAT(seen, Catch::EndsWith("* " + guest + " joined #general\n* " + guest
                                   + " is now known as bob\n<bob> early bird\n"
                                     "<bob> second\n"));
  CHECK_THAT(bob.read_until("<bob> second", 5s), !Catch::Contains("not sent"));
}

TEST_CASE("chat_server tells a fast typist everything, in the order typed, across rooms") {
  auto [server, port] = start_server("chat_server");
  raw_socket amy{port};
  // All in one write, as `printf ... | ncat` sends it: each room's notices
  // reach amy before the next line applies, though two rooms send them.
  REQUIRE(amy.write_all("/nick amy\n/join dev\nhello\n/quit\n"));
  auto seen = amy.read_until("bye\n", 5s);
  auto bang = seen.find('!');
  REQUIRE(bang != std::string::npos);
  auto guest = seen.substr(8, bang - 8); // "welcome guestN! ..."
  CHECK_THAT(guest, Catch::StartsWith("guest"));
  CHECK_THAT(seen, Catch::EndsWith("\n* " + guest + " joined #general\n* " + guest
                                   + " is now known as amy\n* amy joined #dev\n"
                                     "<amy> hello\nbye\n"));
  CHECK(amy.closed_by_peer(5s));
}

TEST_CASE("chat_server echoes a line typed just before /quit, then says bye") {
  auto [server, port] = start_server("chat_server");
  raw_socket amy{port};
  REQUIRE(amy.write_all("last words\n/quit\nnever applied\n"));
  auto seen = amy.read_until("bye", 5s);
  CHECK_THAT(seen, Catch::EndsWith("> last words\nbye\n"));
  CHECK(amy.closed_by_peer(5s));
}

TEST_CASE("line_client sends stdin to socat and prints what comes back") {
  // Port 0: the kernel picks a free port. socat does not print it, so we
  // read it from /proc once socat listens. Not `ncat -l --exec`: it closes
  // as soon as the client half-closes, before cat has answered.
  child_process socat{{"socat", "TCP-LISTEN:0,bind=127.0.0.1", "EXEC:/bin/cat"}};
  auto port = socat.listening_port(5s);
  REQUIRE(port);
  child_process client{{example("line_client"), "--timeout", "1000", "127.0.0.1",
                        std::to_string(*port)}};
  client.write("alpha\nbeta\n");
  client.close_stdin();
  CHECK(client.read_line(5s) == std::optional<std::string>{"alpha"});
  CHECK(client.read_line(5s) == std::optional<std::string>{"beta"});
  CHECK(client.wait_exit(5s) == 0);
}

TEST_CASE("line_client gets every echo of a 100,000-line file") {
  // A file is read far faster than lines are echoed, so the connection is
  // flooded with sends while its read credit runs out and returns; reading
  // once stopped for good here (a lost resume, see docs/architecture.md).
  char dir[] = "/tmp/actors-line-client-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  std::string input = std::string{dir} + "/in", output = std::string{dir} + "/out";
  REQUIRE(std::system(("seq 1 100000 > " + input).c_str()) == 0);
  auto [server, port] = start_server("echo_server");
  child_process client{{"sh", "-c",
                        example("line_client") + " 127.0.0.1 "
                          + std::to_string(port) + " < " + input + " > " + output
                          + "; echo $?; wc -l < " + output + "; tail -1 " + output}};
  CHECK(client.read_line(60s) == std::optional<std::string>{"0"});
  CHECK(client.read_line(5s) == std::optional<std::string>{"100000"});
  CHECK(client.read_line(5s) == std::optional<std::string>{"100000"});
  std::system(("rm -rf '" + std::string{dir} + "'").c_str());
}

TEST_CASE("line_client sends 28 MB whole: stdin waits for the peer instead of overflowing") {
  // Stdin was read as fast as the disk gave it and sent on: past the
  // connection's 4 MiB write_high_water, batches were refused ("write buffer
  // full") and half the file never went out, with exit status 0.
  char dir[] = "/tmp/actors-line-client-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  std::string input = std::string{dir} + "/in", output = std::string{dir} + "/out";
  REQUIRE(std::system(("head -c 21000000 /dev/urandom | base64 -w 100 > " + input).c_str())
          == 0);
  auto [server, port] = start_server("echo_server");
  child_process client{{"sh", "-c",
                        example("line_client") + " 127.0.0.1 " + std::to_string(port) + " < "
                          + input + " > " + output + "; echo $?; cmp " + input + " " + output
                          + " && echo same"}};
  CHECK(client.read_line(120s) == std::optional<std::string>{"0"});
  CHECK(client.read_line(10s) == std::optional<std::string>{"same"});
  std::system(("rm -rf '" + std::string{dir} + "'").c_str());
}

TEST_CASE("line_client exits 1 when a line could not be sent, after sending the rest") {
  auto [server, port] = start_server("echo_server");
  // 2 MB without a newline: more than line_client's 1 MiB frames.
  std::string input = "first\n" + std::string(2'000'000, 'y') + "\nlast\n";
  auto run = testing_support::run_shell(example("line_client") + " 127.0.0.1 "
                                          + std::to_string(port), input);
  CHECK(run.status == 1);
  // stderr's line comes anywhere among stdout's: take it out, then the rest
  // is what was echoed.
  auto out = run.out;
  auto error = out.find("error: payload of 2000000 bytes exceeds max_frame_size");
  REQUIRE(error != std::string::npos);
  out.erase(error, out.find('\n', error) + 1 - error);
  CHECK(out == "first\nlast\n");
}

TEST_CASE("examples reject malformed numbers with a message naming the option") {
  struct bad_number {
    std::vector<std::string> args;
    std::string option;
  };
  for (auto& bad : std::vector<bad_number>{
         {{example("echo_server"), "--max-frame", "lots"}, "--max-frame"},
         {{example("echo_server"), "--port", "70000"}, "--port"},
         {{example("line_client"), "--timeout", "-5", "127.0.0.1", "1"}, "--timeout"},
         {{example("line_client"), "127.0.0.1", "http"}, "PORT"}}) {
    INFO(bad.args[0] << " " << bad.args[1] << " " << bad.args[2]);
    child_process program{bad.args, testing_support::stderr_to::pipe};
    auto message = program.read_stderr(5s);
    CHECK(program.wait_exit(5s) == 2);
    CHECK_THAT(message, Catch::Contains(bad.option));
  }
}

TEST_CASE("line_client fails clearly when the connection is refused") {
  testing_support::refused_port closed;
  child_process client{{example("line_client"), "127.0.0.1",
                        std::to_string(closed.port())},
                       testing_support::stderr_to::pipe};
  client.close_stdin();
  auto message = client.read_stderr(5s);
  CHECK(client.wait_exit(5s) == 1);
  CHECK_THAT(message, Catch::Contains("refused")
                        && Catch::Contains(std::to_string(closed.port())));
}

TEST_CASE("chat_server refuses rooms past --max-rooms and over-long names") {
  child_process server{{example("chat_server"), "--port", "0", "--max-rooms", "1"}};
  auto banner = server.read_line(5s);
  REQUIRE(banner);
  auto port = testing_support::port_from_banner(*banner);
  REQUIRE(port != 0);
  raw_socket amy{port};
  CHECK_THAT(amy.read_until("joined #general", 5s), Catch::Contains("joined #general"));
  REQUIRE(amy.write_all("/join other\n"));
  CHECK_THAT(amy.read_until("rooms is reached", 5s),
             Catch::Contains("cannot join #other") && Catch::Contains("limit of 1 rooms"));
  REQUIRE(amy.write_all("/nick " + std::string(33, 'x') + "\n"));
  CHECK_THAT(amy.read_until("characters", 5s), Catch::Contains("at most 32 characters"));
  // The session still works: the refused commands changed nothing.
  REQUIRE(amy.write_all("still here\n"));
  CHECK_THAT(amy.read_until("still here", 5s), Catch::Contains("still here"));
}

TEST_CASE("echo_server --log records every frame in and out, complete after SIGTERM") {
  char dir[] = "/tmp/actors-example-log-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  std::string path = std::string{dir} + "/echo.log";
  child_process server{{example("echo_server"), "--port", "0", "--log", path}};
  auto banner = server.read_line(5s);
  REQUIRE(banner);
  auto port = testing_support::port_from_banner(*banner);
  REQUIRE(port != 0);
  constexpr int lines = 2000;
  {
    raw_socket client{port};
    std::string all;
    for (int i = 0; i < lines; ++i)
      all += "line " + std::to_string(i) + "\n";
    REQUIRE(client.write_all(all));
    CHECK_THAT(client.read_until("line 1999\n", 10s), Catch::EndsWith("line 1999\n"));
  }
  server.signal(SIGTERM);
  auto status = server.wait_exit(5s);
  REQUIRE(status);
  CHECK(*status == 0);
  std::ifstream in{path};
  int in_count = 0, out_count = 0, events = 0;
  for (std::string line; std::getline(in, line);) {
    auto record = actors::parse_log_line(line);
    REQUIRE(record);
    if (record->dir == actors::direction::in)
      CHECK(record->payload == "line " + std::to_string(in_count++));
    else if (record->dir == actors::direction::out)
      CHECK(record->payload == "line " + std::to_string(out_count++));
    else
      ++events;
  }
  CHECK(in_count == lines);
  CHECK(out_count == lines);
  CHECK(events >= 2); // connected, disconnected
  std::system(("rm -rf '" + std::string{dir} + "'").c_str());
}

TEST_CASE("a log file that cannot be opened is reported, the server keeps serving, and its exit status says the log is incomplete") {
  char dir[] = "/tmp/actors-example-err-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  std::string errors = std::string{dir} + "/stderr";
  child_process server{{example("echo_server"), "--port", "0", "--log",
                        "/nonexistent-dir/echo.log"},
                       errors};
  auto banner = server.read_line(5s);
  REQUIRE(banner);
  auto port = testing_support::port_from_banner(*banner);
  raw_socket client{port};
  REQUIRE(client.write_all("still echoing\n"));
  CHECK_THAT(client.read_until("still echoing\n", 5s), Catch::Contains("still echoing"));
  server.signal(SIGTERM);
  auto status = server.wait_exit(5s);
  REQUIRE(status);
  CHECK(*status == 1); // it was 0, as if every record had been written
  std::ifstream err_in{errors};
  std::string text{std::istreambuf_iterator<char>{err_in}, {}};
  CHECK_THAT(text, Catch::Contains("cannot open /nonexistent-dir/echo.log")
                     && Catch::Contains("No such file")
                     && Catch::Contains("(serving on; records wait, trying again each second)")
                     && Catch::Contains(" records could not be written: "));
  std::system(("rm -rf '" + std::string{dir} + "'").c_str());
}
