// chat_cluster: a room node and gateways, as real processes on
// 127.0.0.1, linked by CAF's middleman (plain and over TLS), with real
// clients on real sockets. Processes are killed with SIGKILL to model a
// crashed node.

#include "support/child_process.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <tuple>
#include <deque>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <stdlib.h>

#include "support/raw_socket.hpp"
#include "support/shell.hpp"

using namespace std::chrono_literals;
using testing_support::child_process;
using testing_support::raw_socket;

namespace {

std::string chat_cluster() {
  return ACTORS_CHAT_CLUSTER_PATH;
}

std::string read_file(const std::string& path) {
  std::ifstream in{path};
  return {std::istreambuf_iterator<char>{in}, {}};
}

// The file's text once it contains `text`, or after 10 s. A file's growth
// sends no event, so this polls, bounded by the deadline.
std::string eventually_contains(const std::string& path, const std::string& text) {
  auto deadline = std::chrono::steady_clock::now() + 10s;
  auto content = read_file(path);
  while (content.find(text) == std::string::npos
         && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
    content = read_file(path);
  }
  return content;
}

// A scratch directory, removed at the end.
struct scratch_dir {
  std::string path;
  scratch_dir() {
    char buf[] = "/tmp/actors-cluster-XXXXXX";
    REQUIRE(::mkdtemp(buf) != nullptr);
    path = buf;
  }
  ~scratch_dir() { std::system(("rm -rf '" + path + "'").c_str()); }
};

// A chat client that reads whole lines.
class chat_client {
public:
  explicit chat_client(std::uint16_t port) : socket_{port} {}

  void say(const std::string& line) { REQUIRE(socket_.write_all(line + "\n")); }

  // The next line, or nullopt after `timeout`.
  std::optional<std::string> next_line(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (lines_.empty()) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
      if (left <= 0ms)
        return std::nullopt;
      auto chunk = socket_.read_until("\n", left);
      if (chunk.empty())
        return std::nullopt;
      partial_ += chunk;
      for (auto end = partial_.find('\n'); end != std::string::npos; end = partial_.find('\n')) {
        lines_.push_back(partial_.substr(0, end));
        partial_.erase(0, end + 1);
      }
    }
    auto line = std::move(lines_.front());
    lines_.pop_front();
    return line;
  }

  // Reads lines until one contains `text`; fails the test after `timeout`.
  std::string await(const std::string& text, std::chrono::milliseconds timeout = 10s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string seen;
    while (std::chrono::steady_clock::now() < deadline) {
      auto line = next_line(std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now()));
      if (!line)
        break;
      if (line->find(text) != std::string::npos)
        return *line;
      seen += *line + "\n";
    }
    FAIL("no line containing \"" << text << "\"; saw:\n" << seen);
    return {};
  }

  bool closed_by_peer(std::chrono::milliseconds timeout) {
    return socket_.closed_by_peer(timeout);
  }

private:
  raw_socket socket_;
  std::string partial_;
  std::deque<std::string> lines_;
};

// TLS material for every node, made by the repository's script.
struct tls_files {
  scratch_dir dir;
  tls_files() {
    auto cmd = std::string{ACTORS_SOURCE_DIR} + "/examples/chat_cluster/make_test_ca.sh '" + dir.path
               + "' rooms gateway > /dev/null";
    REQUIRE(std::system(cmd.c_str()) == 0);
  }
  std::vector<std::string> args(const std::string& node) const {
    return {"--tls-cert", dir.path + "/" + node + ".pem", "--tls-key",
            dir.path + "/" + node + ".key", "--tls-ca", dir.path + "/ca.pem"};
  }
};

// A running chat_cluster process and what it printed first.
struct node {
  std::unique_ptr<child_process> process;
  std::uint16_t port = 0;
  std::string stderr_path;

  std::string errors() const { return read_file(stderr_path); }
  void kill() {
    process->signal(SIGKILL);
    process->wait_exit(5s);
  }
};

// A room node and gateways, all on 127.0.0.1, optionally over TLS.
class cluster {
public:
  explicit cluster(bool tls) {
    if (tls)
      tls_ = std::make_unique<tls_files>();
  }

  node& start_rooms(std::uint16_t port = 0, const std::vector<std::string>& more = {}) {
    std::vector<std::string> args{"--role", "rooms", "--node-port", std::to_string(port)};
    args.insert(args.end(), more.begin(), more.end());
    rooms_ = start(args, "rooms");
    return rooms_;
  }

  node& start_gateway() {
    gateways_.push_back(
      start({"--role", "gateway", "--port", "0", "--rooms",
             "127.0.0.1:" + std::to_string(rooms_.port)},
            "gateway"));
    return gateways_.back();
  }

  node& rooms() { return rooms_; }

private:
  node start(std::vector<std::string> args, const std::string& name) {
    args.insert(args.begin(), chat_cluster());
    if (tls_)
      for (auto& arg : tls_->args(name))
        args.push_back(arg);
    node result;
    result.stderr_path = dir_.path + "/" + name + std::to_string(++started_) + ".err";
    result.process = std::make_unique<child_process>(args, result.stderr_path);
    auto banner = result.process->read_line(10s);
    INFO(read_file(result.stderr_path));
    REQUIRE(banner);
    result.port = testing_support::port_from_banner(*banner);
    REQUIRE(result.port != 0);
    return result;
  }

  scratch_dir dir_;
  std::unique_ptr<tls_files> tls_;
  node rooms_;
  std::deque<node> gateways_;
  int started_ = 0;
};

// Connects a client to `gateway`, names it `nick`, and waits until it is in
// #general.
std::unique_ptr<chat_client> join(const node& gateway, const std::string& nick) {
  auto client = std::make_unique<chat_client>(gateway.port);
  client->await("joined #general");
  client->say("/nick " + nick);
  client->await("is now known as " + nick);
  return client;
}

void clients_on_two_gateways_chat_in_order(bool tls) {
  cluster c{tls};
  c.start_rooms();
  auto& left = c.start_gateway();
  auto& right = c.start_gateway();
  auto amy = join(left, "amy");
  auto bob = join(right, "bob");
  amy->await("is now known as bob");
  constexpr int lines = 300;
  for (int i = 0; i < lines; ++i) {
    amy->say("a" + std::to_string(i));
    bob->say("b" + std::to_string(i));
  }
  for (int i = 0; i < lines; ++i) {
    CHECK(bob->await("<amy> ") == "<amy> a" + std::to_string(i));
    CHECK(amy->await("<bob> ") == "<bob> b" + std::to_string(i));
  }
}

void a_dead_gateway_disconnects_only_its_clients(bool tls) {
  cluster c{tls};
  c.start_rooms();
  auto& doomed = c.start_gateway();
  auto& survivor = c.start_gateway();
  auto amy = join(doomed, "amy");
  auto bob = join(survivor, "bob");
  auto dan = join(survivor, "dan");
  bob->await("is now known as dan");
  doomed.kill();
  CHECK(amy->closed_by_peer(5s));
  CHECK(bob->await("left #general") == "* amy left #general");
  bob->say("still here");
  CHECK(dan->await("<bob>") == "<bob> still here");
}

void the_chat_resumes_when_the_room_node_returns(bool tls) {
  cluster c{tls};
  auto port = c.start_rooms().port;
  auto& left = c.start_gateway();
  auto& right = c.start_gateway();
  auto amy = join(left, "amy");
  auto bob = join(right, "bob");
  amy->await("is now known as bob");
  c.rooms().kill();
  CHECK_THAT(amy->await("unreachable"), Catch::Contains("the room service is unreachable"));
  CHECK_THAT(bob->await("unreachable"), Catch::Contains("you rejoin #general"));
  amy->say("into the void");
  CHECK(amy->await("not sent") == "not sent: you are not in a room right now");
  // A /join meanwhile is the room joined on return (it said "you rejoin",
  // right after a notice naming #general).
  bob->say("/join dev");
  CHECK_THAT(bob->await("cannot join"),
             Catch::StartsWith("cannot join #dev: the room node at 127.0.0.1:")
               && Catch::EndsWith(" is unreachable; you join #dev when it is back"));
  c.start_rooms(port); // the same port: gateways find it again
  // Each sees its own rejoin; the gateways may reconnect in either order.
  amy->await("the room service is back");
  amy->await("amy joined #general");
  bob->await("the room service is back");
  bob->await("bob joined #dev");
  amy->say("/join dev");
  bob->await("amy joined #dev");
  amy->say("we are back");
  CHECK(bob->await("<amy>") == "<amy> we are back");
  CHECK_THAT(left.errors(), Catch::Contains("lost the room node at 127.0.0.1:" + std::to_string(port)
                                            + " (the connection to it broke")
                              && Catch::Contains("connected to the room node"));
}

// Waits until `gateway` is linked to its room node.
void await_linked(const node& gateway) {
  REQUIRE_THAT(eventually_contains(gateway.stderr_path, "connected to the room node"),
               Catch::Contains("connected to the room node"));
}

} // namespace

// Typed at once, before the first join is done: every notice arrives, in
// the order typed, though two rooms send them; the line said just before
// /quit comes back before "bye", and nothing typed after /quit applies.
TEST_CASE("cluster: a client typing before its first join reads every notice, in order") {
  cluster c{false};
  c.start_rooms();
  auto& gateway = c.start_gateway();
  await_linked(gateway); // until then a join is refused at once
  chat_client amy{gateway.port};
  for (auto line : {"/nick amy", "/join dev", "hello", "/quit", "never applied"})
    amy.say(line);
  auto welcome = amy.next_line(10s);
  REQUIRE(welcome);
  auto guest = welcome->substr(8, welcome->find('!') - 8); // "welcome guestN! ..."
  std::vector<std::string> expected{"* " + guest + " joined #general",
                                    "* " + guest + " is now known as amy",
                                    "* amy joined #dev", "<amy> hello", "bye"};
  for (auto& line : expected)
    CHECK(amy.next_line(10s).value_or("(nothing within 10 s)") == line);
  CHECK(amy.closed_by_peer(5s));
}

TEST_CASE("cluster: a gateway says in words that its room node was shut down") {
  cluster c{false};
  auto port = c.start_rooms().port;
  auto& gateway = c.start_gateway();
  await_linked(gateway);
  c.rooms().process->signal(SIGTERM);
  REQUIRE(c.rooms().process->wait_exit(10s) == std::optional<int>{0});
  auto said = "lost the room node at 127.0.0.1:" + std::to_string(port) + " (";
  // Which comes first at a shutdown, the lobby's exit or the socket's end,
  // is a race in the room node: either is said in words, never in CAF's.
  CHECK_THAT(eventually_contains(gateway.stderr_path, said),
             (Catch::Contains(said + "it was shut down)")
              || Catch::Contains(said + "the connection to it broke"))
               && !Catch::Contains("exit_reason"));
}

TEST_CASE("cluster: clients on different gateways chat in one room, in order") {
  clients_on_two_gateways_chat_in_order(false);
}

TEST_CASE("cluster: a gateway that dies disconnects only its own clients") {
  a_dead_gateway_disconnects_only_its_clients(false);
}

TEST_CASE("cluster: gateways keep their clients while the room node is down, then rejoin") {
  the_chat_resumes_when_the_room_node_returns(false);
}

TEST_CASE("cluster over TLS: clients on different gateways chat in one room, in order") {
  clients_on_two_gateways_chat_in_order(true);
}

TEST_CASE("cluster over TLS: a gateway that dies disconnects only its own clients") {
  a_dead_gateway_disconnects_only_its_clients(true);
}

TEST_CASE("cluster over TLS: gateways keep their clients while the room node is down, then rejoin") {
  the_chat_resumes_when_the_room_node_returns(true);
}

TEST_CASE("cluster over TLS: a gateway without the cluster's certificates is refused") {
  cluster c{true};
  auto& rooms = c.start_rooms();
  scratch_dir dir;
  child_process outsider{{chat_cluster(), "--role", "gateway", "--port", "0", "--rooms",
                          "127.0.0.1:" + std::to_string(rooms.port)},
                         dir.path + "/outsider.err"};
  auto banner = outsider.read_line(10s);
  REQUIRE(banner);
  chat_client eve{testing_support::port_from_banner(*banner)};
  CHECK_THAT(eve.await("cannot join #general"),
             Catch::Contains("the room node at 127.0.0.1:" + std::to_string(rooms.port)
                             + " is unreachable"));
  auto errors = eventually_contains(dir.path + "/outsider.err", "cannot reach the room node");
  // CAF said "system_error(disconnect_during_handshake)".
  CHECK_THAT(errors, Catch::Contains("cannot reach the room node at 127.0.0.1:")
                       && Catch::Contains("the room node closed the connection in the handshake: "
                                          "does it speak TLS (then give this gateway --tls-cert"));
}

TEST_CASE("cluster over TLS: a key of another node, or a key given as the CA, is refused at start") {
  // CAF's openssl module loaded them only when the first link came, and
  // then aborted the room node (or left a gateway running without a link).
  tls_files tls;
  for (auto role : {"rooms", "gateway"}) {
    std::vector<std::string> args{chat_cluster(), "--role", role, "--tls-cert",
                                  tls.dir.path + "/rooms.pem", "--tls-key",
                                  tls.dir.path + "/gateway.key", "--tls-ca",
                                  tls.dir.path + "/ca.pem"};
    if (std::string{role} == "gateway")
      args.insert(args.end(), {"--rooms", "127.0.0.1:1", "--port", "0"});
    else
      args.insert(args.end(), {"--node-port", "0"});
    child_process mismatched{args, testing_support::stderr_to::pipe};
    CHECK(mismatched.wait_exit(10s) == 2);
    CHECK_THAT(mismatched.read_stderr(5s),
               Catch::Contains("gateway.key for " + tls.dir.path + "/rooms.pem: the key does "
                               "not belong to the certificate"));
  }
  auto args = tls.args("rooms");
  args.back() = tls.dir.path + "/rooms.key"; // as --tls-ca
  args.insert(args.begin(), {chat_cluster(), "--role", "rooms", "--node-port", "0"});
  child_process key_as_ca{args, testing_support::stderr_to::pipe};
  CHECK(key_as_ca.wait_exit(10s) == 2);
  CHECK_THAT(key_as_ca.read_stderr(5s), Catch::Contains("cannot load the CA file"));
}

TEST_CASE("cluster: the room node's --metrics exports its rooms, their members and lines") {
  // It answered health checks and exported an empty page.
  cluster c{false};
  auto& rooms = c.start_rooms(0, {"--metrics", "0"});
  auto banner = rooms.process->read_line(10s);
  REQUIRE(banner);
  REQUIRE(banner->rfind("metrics on 127.0.0.1:", 0) == 0);
  auto metrics_port = banner->substr(banner->rfind(':') + 1);
  auto& gateway = c.start_gateway();
  auto amy = join(gateway, "amy");
  auto bob = join(gateway, "bob");
  amy->say("/join dev");
  amy->await("joined #dev");
  amy->say("hello");
  amy->await("<amy> hello");
  auto page = testing_support::run_shell("curl -s --max-time 5 http://127.0.0.1:"
                                         + metrics_port + "/metrics")
                .out;
  CHECK_THAT(page, Catch::Contains("\nactors_chat_lobby_rooms 2\n")
                     && Catch::Contains("\nactors_chat_room_members 2\n") // bob in #general, amy in #dev
                     && Catch::Contains("\nactors_chat_room_lines_total 1\n"));
  CHECK(testing_support::run_shell("promtool check metrics", page).status == 0);
}

TEST_CASE("cluster: bad node options are refused before anything starts") {
  scratch_dir dir;
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), chat_cluster());
    child_process process{args, dir.path + "/err"};
    auto status = process.wait_exit(5s);
    REQUIRE(status);
    return std::make_pair(*status, read_file(dir.path + "/err"));
  };
  auto [status, text] = run({"--role", "rooms", "--node-bind", "0.0.0.0"});
  CHECK(status == 2);
  CHECK_THAT(text, Catch::Contains("without TLS") && Catch::Contains("--insecure-node"));
  std::tie(status, text) = run({"--role", "gateway"});
  CHECK(status == 2);
  CHECK_THAT(text, Catch::Contains("needs --rooms HOST:PORT"));
  std::tie(status, text) = run({"--role", "gateway", "--rooms", "nowhere"});
  CHECK(status == 2);
  CHECK_THAT(text, Catch::Contains("--rooms expects HOST:PORT"));
  std::tie(status, text) = run({"--role", "rooms", "--tls-cert", "/nonexistent.pem"});
  CHECK(status == 2);
  CHECK_THAT(text, Catch::Contains("needs all of --tls-cert, --tls-key and --tls-ca"));
  std::tie(status, text) = run({"--role", "rooms", "--tls-cert", "/nonexistent.pem",
                                "--tls-key", "/nonexistent.key", "--tls-ca", "/nonexistent"});
  CHECK(status == 2);
  CHECK_THAT(text, Catch::Contains("/nonexistent.pem: cannot read the file"));
  std::tie(status, text) = run({"--role", "mesh"});
  CHECK(status == 2);
  CHECK_THAT(text, Catch::Contains("--role must be single, rooms or gateway"));
  // An option the role does not use is refused, not ignored.
  std::tie(status, text) = run({"--role", "rooms", "--node-port", "0", "--log", "x.log"});
  CHECK(status == 2);
  CHECK_THAT(text, Catch::Contains("--log is for --role single or gateway, not rooms"));
  std::tie(status, text) = run({"--role", "gateway", "--rooms", "127.0.0.1:1", "--node-port", "5"});
  CHECK(status == 2);
  CHECK_THAT(text, Catch::Contains("--node-port is for --role rooms, not gateway"));
}

TEST_CASE("cluster: a gateway whose client port is taken exits at once, while it links to the room node") {
  // It exited with 1 mostly, and hung in the actor system's shutdown (deaf to
  // SIGTERM) when its link to the room node was still in the handshake.
  cluster c{false};
  auto& rooms = c.start_rooms();
  testing_support::saturated_listener taken; // bound and listening: the port is taken
  scratch_dir dir;
  for (int i = 0; i < 8; ++i) {
    child_process gateway{{chat_cluster(), "--role", "gateway", "--port",
                           std::to_string(taken.port()), "--rooms",
                           "127.0.0.1:" + std::to_string(rooms.port)},
                          dir.path + "/err"};
    auto status = gateway.wait_exit(15s);
    if (!status)
      gateway.signal(SIGKILL);
    REQUIRE(status == 1);
    CHECK_THAT(read_file(dir.path + "/err"), Catch::Contains("Address already in use"));
  }
  // A room node on a taken port says so too (CAF's words were
  // "system_error(cannot_open_port, ...)").
  child_process rooms_on_taken{{chat_cluster(), "--role", "rooms", "--node-port",
                                std::to_string(taken.port())},
                               dir.path + "/rooms-err"};
  CHECK(rooms_on_taken.wait_exit(15s) == 1);
  CHECK_THAT(read_file(dir.path + "/rooms-err"),
             Catch::EndsWith(":" + std::to_string(taken.port()) + ": Address already in use\n"));
}

TEST_CASE("cluster: --rooms at a port that is not a room node's, or at no one, says so in words") {
  auto single = testing_support::start_listening_server({chat_cluster(), "--port", "0"});
  chat_client watcher{single.second};
  watcher.await("joined #general");
  scratch_dir dir;
  child_process wrong_port{{chat_cluster(), "--role", "gateway", "--port", "0", "--rooms",
                            "127.0.0.1:" + std::to_string(single.second)},
                           dir.path + "/wrong.err"};
  REQUIRE(wrong_port.read_line(10s));
  // CAF said "system_error(malformed_basp_message)".
  CHECK_THAT(eventually_contains(dir.path + "/wrong.err", "(retrying every 30 s)"),
             Catch::Contains("something answers there, but not a room node: --rooms names the "
                             "room node's --node-port"));
  // Each attempt is a guest in that chat: it came every 2 s at most, and the
  // room read "* guest13 joined #general" and "left" over and over.
  int visits = 0;
  while (auto line = watcher.next_line(3s))
    visits += line->find(" joined #general") != std::string::npos;
  CHECK(visits == 1);
  std::uint16_t nobody = 0;
  {
    testing_support::saturated_listener closed_soon;
    nobody = closed_soon.port();
  } // no one listens there any more
  child_process refused{{chat_cluster(), "--role", "gateway", "--port", "0", "--rooms",
                         "127.0.0.1:" + std::to_string(nobody)},
                        dir.path + "/refused.err"};
  REQUIRE(refused.read_line(10s));
  // CAF said "system_error(cannot_connect_to_node, ("ip_connect failed", ...))".
  CHECK_THAT(eventually_contains(dir.path + "/refused.err", "(retrying)"),
             Catch::Contains("nothing accepts connections there (refused or unreachable)"));
}

TEST_CASE("cluster: plain node links off loopback need --insecure-node, and then warn") {
  // 192.0.2.1 (TEST-NET-1) is no address of this host: the bind fails after
  // the warning, so nothing is ever exposed.
  scratch_dir dir;
  child_process rooms{{chat_cluster(), "--role", "rooms", "--node-port", "0", "--node-bind",
                       "192.0.2.1", "--insecure-node"},
                      dir.path + "/err"};
  auto status = rooms.wait_exit(5s);
  REQUIRE(status);
  CHECK(*status == 1);
  auto text = read_file(dir.path + "/err");
  CHECK_THAT(text, Catch::Contains("warning: plain node links on 192.0.2.1")
                     && Catch::Contains("cannot publish the rooms on 192.0.2.1"));
}

TEST_CASE("cluster: every role serves --metrics, and a gateway counts its clients") {
  scratch_dir dir;
  // Starts a node with --metrics on a free port; returns it with the ports.
  auto start = [&](std::vector<std::string> args, const std::string& name) {
    args.insert(args.begin(), chat_cluster());
    args.insert(args.end(), {"--metrics", "0"});
    auto process = std::make_unique<child_process>(args, dir.path + "/" + name + ".err");
    auto listening = process->read_line(10s);
    auto metrics = process->read_line(10s);
    INFO(read_file(dir.path + "/" + name + ".err"));
    REQUIRE(listening);
    REQUIRE(metrics);
    REQUIRE_THAT(*metrics, Catch::StartsWith("metrics on 127.0.0.1:"));
    auto metrics_port = metrics->substr(metrics->rfind(':') + 1);
    return std::make_tuple(std::move(process), testing_support::port_from_banner(*listening),
                           metrics_port);
  };
  auto get = [&](const std::string& port, const std::string& path) {
    auto out = dir.path + "/curl.out";
    std::system(("curl -s --max-time 10 http://127.0.0.1:" + port + path + " > " + out).c_str());
    return read_file(out);
  };
  auto [rooms, rooms_port, rooms_metrics] = start({"--role", "rooms", "--node-port", "0"}, "rooms");
  auto [gateway, gateway_port, gateway_metrics] =
    start({"--role", "gateway", "--port", "0", "--rooms", "127.0.0.1:" + std::to_string(rooms_port)},
          "gateway");
  CHECK(get(rooms_metrics, "/healthz") == "ok\n");
  CHECK(get(gateway_metrics, "/healthz") == "ok\n");
  chat_client amy{gateway_port};
  amy.await("joined #general");
  CHECK_THAT(get(gateway_metrics, "/metrics"), Catch::Contains("\nactors_connection_actors 1\n")
                                                 && Catch::Contains("\nactors_server_accepted_total 1\n"));
}
