// UDP endpoints, seen from plain sockets: open and answer, connected use,
// limits and bad input, credit and drops, multicast on loopback, a flood.

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "actors/metrics.hpp"
#include "actors/udp.hpp"
#include "socket_address.hpp"
#include "support/actor_fixture.hpp"
#include "support/raw_socket.hpp"
#include "support/shell.hpp"
#include "support/udp_peer.hpp"

using namespace actors;
using namespace std::chrono_literals;
using testing_support::udp_peer;

// Catch2 2 has no SKIP: say why in the output and end the case.
#define SKIP_BECAUSE(why)                                                      \
  do {                                                                         \
    WARN("skipped: " << why);                                                  \
    return;                                                                    \
  } while (false)

namespace {

// A port on which nothing listens (bound once, then released).
std::uint16_t closed_port() {
  udp_peer gone;
  return gone.port();
}

struct udp_fixture : testing_support::actor_fixture {
  std::vector<udp_endpoint_actor> endpoints;

  ~udp_fixture() {
    for (auto& endpoint : endpoints)
      self->send(endpoint, close_atom_v);
  }

  // Opens an endpoint reporting to the test thread and takes its udp_ready.
  udp_endpoint open(udp_options options = {}, const std::string& bind = "127.0.0.1") {
    auto opened = udp_open(sys, bind, 0, self, std::move(options));
    REQUIRE(opened);
    endpoints.push_back(opened->handle);
    auto ready = expect<udp_ready>();
    CHECK(ready.local == opened->address + ":" + std::to_string(opened->port));
    return *opened;
  }

  // A connected endpoint to a port nothing listens on, after its first
  // send ("anyone?") was refused.
  struct refused_endpoint {
    udp_endpoint endpoint;
    std::uint16_t remote_port = 0;
    udp_error refusal;
  };
  refused_endpoint refused_once(udp_options options) {
    options.remote_host = "127.0.0.1";
    options.remote_port = closed_port();
    auto opened = udp_open(sys, "127.0.0.1", 0, self, options);
    REQUIRE(opened);
    endpoints.push_back(opened->handle);
    expect<udp_ready>();
    self->send(opened->handle, send_atom_v, std::string{"anyone?"});
    return {*opened, options.remote_port, expect<udp_error>()};
  }

  udp_stats stats_of(const udp_endpoint& endpoint) {
    udp_stats result;
    self->request(endpoint.handle, 5s, stats_atom_v)
      .receive([&](const udp_stats& x) { result = x; },
               [&](const caf::error& err) { FAIL(describe(err)); });
    return result;
  }

  // Polls the endpoint's counters until `done` holds them or 5 s passed.
  template <class Predicate>
  udp_stats await_stats(const udp_endpoint& endpoint, Predicate done) {
    auto deadline = std::chrono::steady_clock::now() + 5s;
    auto stats = stats_of(endpoint);
    while (!done(stats) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(10ms);
      stats = stats_of(endpoint);
    }
    return stats;
  }
};

std::string loopback(std::uint16_t port) {
  return "127.0.0.1:" + std::to_string(port);
}

} // namespace

TEST_CASE_METHOD(udp_fixture, "an endpoint reports its bound port, names each sender, and answers it") {
  auto endpoint = open();
  CHECK(endpoint.port != 0);
  udp_peer peer;
  REQUIRE(peer.send_to(endpoint.port, "hello"));
  REQUIRE(peer.send_to(endpoint.port, std::string{"bin\0ary", 7}));
  REQUIRE(peer.send_to(endpoint.port, ""));
  auto first = expect<datagram_received>();
  CHECK(first.payload == "hello");
  CHECK(first.peer == loopback(peer.port()));
  CHECK(expect<datagram_received>().payload == std::string{"bin\0ary", 7});
  CHECK(expect<datagram_received>().payload.empty());
  self->send(endpoint.handle, send_to_atom_v, first.peer, std::string{"hi back"});
  auto reply = peer.receive(5s);
  REQUIRE(reply);
  CHECK(reply->payload == "hi back");
  CHECK(reply->peer == loopback(endpoint.port));
  auto stats = stats_of(endpoint);
  CHECK(stats.datagrams_in == 3);
  CHECK(stats.bytes_in == 12);
  CHECK(stats.datagrams_out == 1);
  CHECK(stats.dropped == 0);
  self->send(endpoint.handle, close_atom_v);
  auto closed = expect<udp_closed>();
  CHECK(closed.reason == error_kind::none);
  CHECK(closed.stats.datagrams_out == 1);
  endpoints.clear();
}

TEST_CASE_METHOD(udp_fixture, "IPv6 endpoints name senders as [address]:port") {
  auto opened = udp_open(sys, "::1", 0, self);
  if (!opened)
    SKIP_BECAUSE("no IPv6 loopback here: " << describe(opened.error()));
  endpoints.push_back(opened->handle);
  CHECK(expect<udp_ready>().local == "[::1]:" + std::to_string(opened->port));
  udp_peer peer{"::1"};
  REQUIRE(peer.send_to(opened->port, "six", "::1"));
  auto got = expect<datagram_received>();
  CHECK(got.peer == "[::1]:" + std::to_string(peer.port()));
  self->send(opened->handle, send_to_atom_v, got.peer, std::string{"back"});
  auto reply = peer.receive(5s);
  REQUIRE(reply);
  CHECK(reply->payload == "back");
}

TEST_CASE_METHOD(udp_fixture, "connected use: send goes to the remote peer, and a closed port is connection_refused") {
  udp_peer remote;
  udp_options options;
  options.remote_host = "localhost";
  options.remote_port = remote.port();
  auto opened = udp_open(sys, "", 0, self, options);
  REQUIRE(opened);
  endpoints.push_back(opened->handle);
  auto ready = expect<udp_ready>();
  CHECK(ready.remote == loopback(remote.port()));
  self->send(opened->handle, send_atom_v, std::string{"to the remote"});
  auto got = remote.receive(5s);
  REQUIRE(got);
  CHECK(got->payload == "to the remote");
  REQUIRE(remote.send_to(opened->port, "answer"));
  auto answer = expect<datagram_received>();
  CHECK(answer.payload == "answer");
  CHECK(answer.peer == loopback(remote.port()));

  // A remote of the other family than the bind address is named as such
  // ("Address family for hostname not supported" said nothing of the bind).
  auto mixed_options = options;
  mixed_options.remote_host = "::1";
  auto mixed = udp_open(sys, "127.0.0.1", 0, self, mixed_options);
  REQUIRE_FALSE(mixed);
  CHECK(message_of(mixed.error())
        == "the remote ::1 is IPv6, the bind address 127.0.0.1 IPv4: bind an address of the "
           "remote's family, or none");

  auto [refused, remote_port, err] = refused_once(options);
  CHECK(err.kind == error_kind::connection_refused);
  CHECK(err.peer == loopback(remote_port));
  CHECK_THAT(err.message, Catch::Contains("port unreachable"));
  // The endpoint goes on: the next send is handed to the socket too (the
  // kernel rate-limits ICMP, so its refusal may not come back at once).
  self->send(refused.handle, send_atom_v, std::string{"still here"});
  auto stats = await_stats(refused, [](const udp_stats& x) { return x.datagrams_out == 2; });
  CHECK(stats.datagrams_out == 2);
}

TEST_CASE_METHOD(udp_fixture, "a connected endpoint refused once still receives once its peer is there") {
  // CAF took the socket out of its loop at the ICMP error, as if broken:
  // line_client --udp started before its server never printed a reply.
  auto [opened, remote_port, refusal] = refused_once({});
  CHECK(refusal.kind == error_kind::connection_refused);
  udp_peer late{"127.0.0.1", remote_port}; // the server comes up
  self->send(opened.handle, send_atom_v, std::string{"now?"});
  auto got = late.receive(5s);
  REQUIRE(got);
  CHECK(got->payload == "now?");
  REQUIRE(late.send_to(opened.port, "here"));
  CHECK(expect<datagram_received>().payload == "here");
}

TEST_CASE_METHOD(udp_fixture, "datagrams over max_datagram_size are refused when sending and dropped and counted when received") {
  udp_options options;
  options.max_datagram_size = 100;
  auto endpoint = open(options);
  udp_peer peer;
  self->send(endpoint.handle, send_to_atom_v, loopback(peer.port()), std::string(101, 'x'));
  auto refused = expect<udp_error>();
  CHECK(refused.kind == error_kind::datagram_too_large);
  CHECK_THAT(refused.message, Catch::Contains("101 bytes") && Catch::Contains("100"));
  REQUIRE(peer.send_to(endpoint.port, std::string(200, 'y')));
  REQUIRE(peer.send_to(endpoint.port, std::string(100, 'z')));
  auto dropped = expect<udp_error>();
  CHECK(dropped.kind == error_kind::datagram_too_large);
  CHECK(dropped.peer == loopback(peer.port()));
  CHECK_THAT(dropped.message, Catch::Contains("200 bytes"));
  CHECK(expect<datagram_received>().payload == std::string(100, 'z'));
  auto stats = stats_of(endpoint);
  CHECK(stats.too_large == 1);
  CHECK(stats.datagrams_in == 1);
  CHECK(stats.datagrams_out == 0);
  // What UDP itself cannot carry is refused by the kernel, and said so.
  udp_options big;
  big.max_datagram_size = 65'535;
  auto wide = open(big);
  self->send(wide.handle, send_to_atom_v, loopback(peer.port()), std::string(65'520, 'w'));
  CHECK(expect<udp_error>().kind == error_kind::datagram_too_large);
}

TEST_CASE_METHOD(udp_fixture, "bad input gets a clear error and the endpoint goes on") {
  auto endpoint = open();
  self->send(endpoint.handle, send_to_atom_v, std::string{"localhost:80"}, std::string{"x"});
  auto bad = expect<udp_error>();
  CHECK(bad.kind == error_kind::invalid_argument);
  CHECK_THAT(bad.message, Catch::Contains("'localhost:80' is not a numeric address:port"));
  self->send(endpoint.handle, send_to_atom_v, std::string{"127.0.0.1:99999"}, std::string{"x"});
  CHECK(expect<udp_error>().kind == error_kind::invalid_argument);
  self->send(endpoint.handle, send_atom_v, std::string{"to whom?"});
  auto unconnected = expect<udp_error>();
  CHECK(unconnected.kind == error_kind::not_connected);
  self->send(endpoint.handle, join_atom_v, multicast_group{"10.0.0.1", ""});
  auto not_group = expect<udp_error>();
  CHECK(not_group.kind == error_kind::invalid_argument);
  CHECK_THAT(not_group.message, Catch::Contains("not a multicast group"));
  self->send(endpoint.handle, join_atom_v, multicast_group{"239.1.2.3", "no-such-if0"});
  CHECK_THAT(expect<udp_error>().message, Catch::Contains("no-such-if0"));
  // Bound to 127.0.0.1, it would receive none of the group's datagrams.
  self->send(endpoint.handle, join_atom_v, multicast_group{"239.1.2.3", "lo"});
  auto unicast_bound = expect<udp_error>();
  CHECK(unicast_bound.kind == error_kind::invalid_argument);
  CHECK(unicast_bound.message
        == "cannot receive group 239.1.2.3 on an endpoint bound to 127.0.0.1: it takes only "
           "datagrams sent to 127.0.0.1; bind 0.0.0.0 (or 239.1.2.3) to receive the group");
  // Broadcast needs asking for (nothing is sent here either way).
  self->send(endpoint.handle, send_to_atom_v, std::string{"255.255.255.255:9"},
             std::string{"x"});
  auto broadcast = expect<udp_error>();
  CHECK(broadcast.kind == error_kind::io_failure);
  CHECK_THAT(broadcast.message, Catch::Contains("udp_options::broadcast"));
  udp_peer peer;
  REQUIRE(peer.send_to(endpoint.port, "still works"));
  CHECK(expect<datagram_received>().payload == "still works");
  CHECK(stats_of(endpoint).datagrams_out == 0);
}

TEST_CASE_METHOD(udp_fixture, "a datagram that would take the send queue past send_queue_limit is refused") {
  udp_options options;
  options.send_queue_limit = 100;
  auto endpoint = open(options);
  udp_peer peer;
  self->send(endpoint.handle, send_to_atom_v, loopback(peer.port()), std::string(101, 'q'));
  auto full = expect<udp_error>();
  CHECK(full.kind == error_kind::write_buffer_full);
  CHECK_THAT(full.message, Catch::Contains("send_queue_limit 100"));
  self->send(endpoint.handle, send_to_atom_v, loopback(peer.port()), std::string(100, 'q'));
  auto got = peer.receive(5s);
  REQUIRE(got);
  CHECK(got->payload.size() == 100);
}

TEST_CASE_METHOD(udp_fixture, "TTL, multicast, broadcast and buffer options are applied or refused by name") {
  udp_options options;
  options.ttl = 5;
  options.multicast_ttl = 0;
  options.multicast_loop = false;
  options.broadcast = true;
  options.multicast_interface = "lo";
  auto endpoint = open(options);
  udp_peer peer;
  self->send(endpoint.handle, send_to_atom_v, loopback(peer.port()), std::string{"ttl 5"});
  auto got = peer.receive(5s);
  REQUIRE(got);
  CHECK(got->payload == "ttl 5");
  // The receive buffer, as the kernel reports it (doubled for its
  // bookkeeping): ss -m prints it as "rb".
  options = {};
  options.receive_buffer_size = 50'000;
  auto buffered = open(options);
  auto socket_memory = testing_support::run_shell("ss -ulmn 'sport = :"
                                                  + std::to_string(buffered.port) + "'");
  CHECK_THAT(socket_memory.out, Catch::Contains("rb100000,"));
  options.receive_buffer_size = std::size_t{1} << 40;
  auto too_big = udp_open(sys, "127.0.0.1", 0, self, options);
  REQUIRE_FALSE(too_big);
  CHECK_THAT(message_of(too_big.error()), Catch::Contains("receive_buffer_size must be at most"));
  options = {};
  options.ttl = 300;
  auto bad_ttl = udp_open(sys, "127.0.0.1", 0, self, options);
  REQUIRE_FALSE(bad_ttl);
  CHECK_THAT(message_of(bad_ttl.error()), Catch::Contains("ttl must be 0 to 255, not 300"));
  options = {};
  options.multicast_interface = "no-such-if0";
  auto bad_interface = udp_open(sys, "127.0.0.1", 0, self, options);
  REQUIRE_FALSE(bad_interface);
  CHECK_THAT(message_of(bad_interface.error()), Catch::Contains("no-such-if0"));
  options = {};
  options.multicast_groups = {{"239.255.77.2", "no-such-if0"}};
  auto bad_group = udp_open(sys, "0.0.0.0", 0, self, options);
  REQUIRE_FALSE(bad_group);
  CHECK(kind_of(bad_group.error()) == error_kind::invalid_argument);
}

TEST_CASE_METHOD(udp_fixture, "opening fails with the reason and the address named") {
  auto taken = open();
  auto again = udp_open(sys, "127.0.0.1", taken.port, self);
  REQUIRE_FALSE(again);
  CHECK(kind_of(again.error()) == error_kind::listen_failed);
  CHECK_THAT(message_of(again.error()),
             Catch::Contains("127.0.0.1:" + std::to_string(taken.port))
               && Catch::Contains("in use"));
  auto foreign = udp_open(sys, "192.0.2.55", 0, self);
  REQUIRE_FALSE(foreign);
  CHECK_THAT(message_of(foreign.error()), Catch::Contains("192.0.2.55:0"));
  udp_options options;
  options.max_datagram_size = 0;
  CHECK(kind_of(udp_open(sys, "127.0.0.1", 0, self, options).error())
        == error_kind::invalid_argument);
  options = {};
  options.remote_host = "no-such-host.invalid";
  options.remote_port = 9;
  CHECK(kind_of(udp_open(sys, "", 0, self, options).error())
        == error_kind::host_unresolved);
  CHECK(kind_of(udp_open(sys, "127.0.0.1", 0, caf::actor{}).error())
        == error_kind::invalid_argument);
}

TEST_CASE_METHOD(udp_fixture, "without credit, datagrams are read, dropped and counted, and credit brings them back") {
  udp_options options;
  options.read_credit = 10;
  auto endpoint = open(options);
  udp_peer peer;
  for (int i = 0; i < 100; ++i)
    REQUIRE(peer.send_to(endpoint.port, std::to_string(i)));
  for (int i = 0; i < 10; ++i)
    CHECK(expect<datagram_received>().payload == std::to_string(i));
  // The subscriber hears of the drops, after what it got: the loss was silent.
  auto told = expect<udp_error>();
  CHECK(told.kind == error_kind::limit_reached);
  CHECK_THAT(told.message, Catch::Matches("[0-9]+ datagrams? dropped: they came faster than "
                                          "they were taken \\(no read credit left\\).*"));
  auto stats = await_stats(endpoint, [](const udp_stats& x) {
    return x.datagrams_in + x.dropped + x.dropped_by_kernel == 100;
  });
  CHECK(stats.datagrams_in == 10);
  CHECK(stats.dropped + stats.dropped_by_kernel == 90);
  self->send(endpoint.handle, credit_atom_v, std::uint32_t{2});
  REQUIRE(peer.send_to(endpoint.port, "after credit"));
  CHECK(expect<datagram_received>().payload == "after credit");
}

TEST_CASE_METHOD(udp_fixture, "batch_datagrams delivers the datagrams of a read together") {
  udp_options options;
  options.batch_datagrams = true;
  auto endpoint = open(options);
  udp_peer peer;
  for (int i = 0; i < 50; ++i)
    REQUIRE(peer.send_to(endpoint.port, std::to_string(i)));
  int next = 0;
  while (next < 50) {
    auto batch = expect<datagrams_received>();
    REQUIRE_FALSE(batch.datagrams.empty());
    for (auto& d : batch.datagrams) {
      CHECK(d.payload == std::to_string(next++));
      CHECK(d.peer == loopback(peer.port()));
    }
  }
}

TEST_CASE_METHOD(udp_fixture, "an endpoint closes when its subscriber terminates") {
  auto subscriber = sys.spawn([]() -> caf::behavior { return {[](const udp_ready&) {}}; });
  auto opened = udp_open(sys, "127.0.0.1", 0, subscriber);
  REQUIRE(opened);
  self->monitor(opened->handle);
  caf::anon_send_exit(subscriber, caf::exit_reason::user_shutdown);
  bool down = false;
  self->receive([&](const caf::down_msg&) { down = true; },
                caf::after(5s) >> [] {});
  CHECK(down);
  // The port is free again once the multiplexer let go of the socket.
  auto reopened = udp_open(sys, "127.0.0.1", opened->port, self);
  for (int i = 0; i < 100 && !reopened; ++i) {
    std::this_thread::sleep_for(10ms);
    reopened = udp_open(sys, "127.0.0.1", opened->port, self);
  }
  REQUIRE(reopened);
  endpoints.push_back(reopened->handle);
  expect<udp_ready>();
}

namespace {

// Sends multicast by the loopback interface, never beyond this host.
udp_options loopback_multicast_sender() {
  udp_options options;
  options.multicast_interface = "127.0.0.1";
  options.multicast_ttl = 0;
  return options;
}

// `sender` sends `text` to `group` at `port`.
void send_to_group(caf::scoped_actor& self, const udp_endpoint& sender, const std::string& group,
                   std::uint16_t port, const char* text) {
  self->send(sender.handle, send_to_atom_v, group + ":" + std::to_string(port), std::string{text});
}

} // namespace

TEST_CASE_METHOD(udp_fixture, "multicast on the loopback interface: a member receives what is sent to the group") {
  udp_options member_options;
  member_options.multicast_groups = {{"239.255.77.1", "lo"}};
  auto member = open(member_options, "0.0.0.0");
  auto sender = open(loopback_multicast_sender());
  send_to_group(self, sender, "239.255.77.1", member.port, "to the group");
  auto got = expect<datagram_received>();
  CHECK(got.payload == "to the group");
  CHECK(got.peer == loopback(sender.port));
  // After leaving, nothing more arrives.
  self->send(member.handle, leave_atom_v, multicast_group{"239.255.77.1", "lo"});
  send_to_group(self, sender, "239.255.77.1", member.port, "after leaving");
  bool quiet = true;
  self->receive([&](const datagram_received&) { quiet = false; },
                caf::after(300ms) >> [] {});
  CHECK(quiet);
  // Leaving again: it is no member, and said so (the kernel says "Cannot
  // assign requested address").
  self->send(member.handle, leave_atom_v, multicast_group{"239.255.77.1", "lo"});
  auto not_member = expect<udp_error>();
  CHECK(not_member.kind == error_kind::invalid_argument);
  CHECK(not_member.message == "cannot leave 239.255.77.1 on lo: not a member of it");
  // Joining again with join_atom works too.
  self->send(member.handle, join_atom_v, multicast_group{"239.255.77.1", "127.0.0.1"});
  send_to_group(self, sender, "239.255.77.1", member.port, "joined again");
  CHECK(expect<datagram_received>().payload == "joined again");
}

TEST_CASE_METHOD(udp_fixture, "a group is received bound to the group's address, and refused bound to 127.0.0.1") {
  udp_options member_options;
  member_options.multicast_groups = {{"239.255.77.3", "lo"}};
  auto member = open(member_options, "239.255.77.3");
  auto sender = open(loopback_multicast_sender());
  send_to_group(self, sender, "239.255.77.3", member.port, "to the group");
  CHECK(expect<datagram_received>().payload == "to the group");
  // Opened so, an endpoint would be deaf to the group: refused at once.
  auto deaf = udp_open(sys, "127.0.0.1", 0, self, member_options);
  REQUIRE_FALSE(deaf);
  CHECK_THAT(actors::message_of(deaf.error()),
             Catch::StartsWith("cannot receive group 239.255.77.3 on an endpoint bound to "
                               "127.0.0.1")
               && Catch::EndsWith("bind 0.0.0.0 (or 239.255.77.3) to receive the group"));
}

TEST_CASE_METHOD(udp_fixture, "IPv6 multicast on the loopback interface, where the kernel allows it") {
  udp_options member_options;
  member_options.multicast_groups = {{"ff01::77:1", "lo"}};
  auto opened = udp_open(sys, "::", 0, self, member_options);
  if (!opened)
    SKIP_BECAUSE("cannot join an IPv6 group on lo here: " << describe(opened.error()));
  endpoints.push_back(opened->handle);
  expect<udp_ready>();
  udp_options sender_options;
  sender_options.multicast_interface = "lo";
  auto sender = udp_open(sys, "::1", 0, self, sender_options);
  if (!sender)
    SKIP_BECAUSE("no IPv6 loopback here: " << describe(sender.error()));
  endpoints.push_back(sender->handle);
  expect<udp_ready>();
  self->send(sender->handle, send_to_atom_v,
             "[ff01::77:1]:" + std::to_string(opened->port), std::string{"six"});
  std::string payload;
  std::string failure = "nothing arrived within 2 s";
  self->receive([&](const datagram_received& x) { payload = x.payload; },
                [&](const udp_error& x) { failure = x.message; },
                caf::after(2s) >> [] {});
  if (payload.empty()) // Linux routes no IPv6 multicast over lo by default
    SKIP_BECAUSE("the kernel does not route IPv6 multicast over lo: " << failure);
  CHECK(payload == "six");
}

TEST_CASE_METHOD(udp_fixture, "a flood at a subscriber without credit keeps memory flat and counts every drop") {
  udp_options options;
  options.read_credit = 0;
  auto endpoint = open(options);
  auto before = testing_support::resident_memory();
  constexpr int flood = 200'000;
  std::string payload(512, 'f');
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(endpoint.port);
  inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  int sent = 0;
  for (int i = 0; i < flood; ++i)
    if (::sendto(fd, payload.data(), payload.size(), 0,
                 reinterpret_cast<sockaddr*>(&to), sizeof(to)) > 0)
      ++sent;
  // The kernel reports its drops with the next datagram it delivers.
  std::this_thread::sleep_for(200ms);
  if (::sendto(fd, "end", 3, 0, reinterpret_cast<sockaddr*>(&to), sizeof(to)) > 0)
    ++sent;
  ::close(fd);
  auto stats = await_stats(endpoint, [&](const udp_stats& x) {
    return x.dropped + x.dropped_by_kernel == static_cast<std::uint64_t>(sent);
  });
  auto after = testing_support::resident_memory();
  auto growth_kib = (after > before ? after - before : 0) / 1024;
  WARN("sent " << sent << ", dropped " << stats.dropped << ", dropped by the kernel "
               << stats.dropped_by_kernel << ", RSS growth " << growth_kib << " KiB");
  CHECK(sent == flood + 1);
  CHECK(stats.dropped + stats.dropped_by_kernel == static_cast<std::uint64_t>(sent));
  // Told as they happened, once a second at most.
  auto told = expect<udp_error>();
  CHECK(told.kind == error_kind::limit_reached);
  CHECK_THAT(told.message, Catch::Contains(" dropped"));
  CHECK(stats.datagrams_in == 0);
  CHECK(growth_kib < 64 * 1024);
}

TEST_CASE_METHOD(udp_fixture, "an endpoint with a metrics registry is counted live, and its totals outlive it") {
  auto registry = spawn_metrics_registry(sys);
  udp_options options;
  options.metrics = registry;
  options.read_credit = 5;
  auto endpoint = open(options);
  udp_peer peer;
  for (int i = 0; i < 8; ++i)
    REQUIRE(peer.send_to(endpoint.port, "abc"));
  for (int i = 0; i < 5; ++i)
    expect<datagram_received>();
  self->send(endpoint.handle, send_to_atom_v, loopback(peer.port()), std::string{"reply"});
  REQUIRE(peer.receive(5s));
  await_stats(endpoint, [](const udp_stats& x) { return x.dropped + x.dropped_by_kernel == 3; });
  actor_metrics live;
  self->request(endpoint.handle, 5s, metrics_atom_v)
    .receive([&](actor_metrics& m) { live = std::move(m); },
             [&](const caf::error& err) { FAIL(describe(err)); });
  CHECK(live.kind == "udp");
  CHECK_THAT(live.name, Catch::Contains(loopback(endpoint.port)));
  CHECK(live.state == "waiting for credit");
  CHECK(live.value("datagrams_received_total") == 5);
  CHECK(live.value("bytes_received_total") == 15);
  CHECK(live.value("datagrams_sent_total") == 1);
  CHECK(live.value("datagrams_dropped_total") + live.value("datagrams_dropped_by_kernel_total") == 3);
  auto prometheus = [&] {
    std::string text;
    self->request(registry, 5s, metrics_prometheus_atom_v)
      .receive([&](std::string& t) { text = std::move(t); },
               [&](const caf::error& err) { FAIL(describe(err)); });
    return text;
  };
  auto text = prometheus();
  CHECK_THAT(text, Catch::Contains("\nactors_udp_actors 1\n"));
  CHECK_THAT(text, Catch::Contains("# TYPE actors_udp_datagrams_received_total counter\n"
                                   "actors_udp_datagrams_received_total 5\n"));
  CHECK_THAT(text, Catch::Contains("# HELP actors_udp_datagrams_sent_total "));
  auto check = testing_support::run_shell("promtool check metrics", text);
  INFO(check.out);
  CHECK(check.status == 0);
  CHECK(expect<udp_error>().kind == error_kind::limit_reached); // the 3 drops, told
  self->send(endpoint.handle, close_atom_v);
  expect<udp_closed>();
  endpoints.clear();
  // Closed: no live endpoint, the counters stay. (The text is cached for 100 ms.)
  for (int attempt = 0; attempt < 50; ++attempt) {
    text = prometheus();
    if (text.find("\nactors_udp_actors 0\n") != std::string::npos)
      break;
    std::this_thread::sleep_for(50ms);
  }
  CHECK_THAT(text, Catch::Contains("\nactors_udp_actors 0\n"));
  CHECK_THAT(text, Catch::Contains("\nactors_udp_datagrams_received_total 5\n"));
  CHECK_THAT(text, Catch::Contains("\nactors_udp_bytes_queued 0\n"));
  self->send_exit(registry, caf::exit_reason::user_shutdown);
}

TEST_CASE("an IPv6 host may be written with or without brackets, and is named with them") {
  using actors::detail::host_port_name;
  using actors::detail::without_brackets;
  CHECK(without_brackets("[::1]") == "::1");
  CHECK(without_brackets("::1") == "::1");
  CHECK(without_brackets("example.org") == "example.org");
  CHECK(without_brackets("[]") == "[]");
  // A server's address is "[::1]": a UDP endpoint opened on it named it
  // "[[::1]]" and could not resolve it.
  CHECK(host_port_name("[::1]", 7000) == "[::1]:7000");
  CHECK(host_port_name("::1", 7000) == "[::1]:7000");
  CHECK(host_port_name("127.0.0.1", 7000) == "127.0.0.1:7000");
}
