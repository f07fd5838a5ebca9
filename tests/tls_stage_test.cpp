// The TLS stage on its own: a client and a server stage talking through
// memory, no sockets, so every step of a session can be looked at.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "support/test_certificates.hpp"
#include "tls_context.hpp"
#include "tls_stage.hpp"

using namespace actors;
using namespace actors::detail;

namespace {

struct stage_pair {
  testing_support::test_certificates certs;
  tls_stage client;
  tls_stage server;

  static tls_context context(const testing_support::test_certificates& certs,
                             tls_role role) {
    tls_options opts;
    opts.enabled = true;
    opts.ca_file = certs.ca();
    if (role == tls_role::server) {
      opts.certificate_file = certs.cert();
      opts.key_file = certs.key();
    }
    auto made = make_tls_context(opts, role, "localhost");
    REQUIRE(made);
    return *made;
  }

  stage_pair()
    : client(context(certs, tls_role::client), "server"),
      server(context(certs, tls_role::server), "client") {
  }

  // Moves what `from` wrote to `to`; true if anything moved.
  static bool carry(tls_stage& from, tls_stage& to) {
    std::vector<char> bytes;
    from.take_output(bytes);
    to.feed(bytes.data(), bytes.size());
    return !bytes.empty();
  }

  void handshake() {
    REQUIRE(client.advance_handshake());
    for (int round = 0; round < 10 && !(client.established() && server.established());
         ++round) {
      carry(client, server);
      REQUIRE(server.advance_handshake());
      carry(server, client);
      REQUIRE(client.advance_handshake());
    }
    REQUIRE(client.established());
    REQUIRE(server.established());
  }

  // Everything `to` can decrypt now.
  static std::string drain(tls_stage& to) {
    std::string result;
    char buf[4096];
    while (auto n = to.read(buf, sizeof buf))
      result.append(buf, n);
    return result;
  }
};

} // namespace

TEST_CASE_METHOD(stage_pair, "two stages shake hands in memory and carry data both ways") {
  handshake();
  CHECK(client.version() == "TLSv1.3");
  CHECK(client.cipher() == server.cipher());
  std::string big(100'000, 'x');
  REQUIRE(client.write(big.data(), big.size()));
  carry(client, server);
  CHECK(drain(server) == big);
  REQUIRE(server.write("pong", 4));
  carry(server, client);
  CHECK(drain(client) == "pong");
}

TEST_CASE_METHOD(stage_pair, "close_notify reaches the peer as the end of its stream") {
  handshake();
  REQUIRE(client.write("last", 4));
  client.close_notify();
  carry(client, server);
  CHECK(drain(server) == "last");
  CHECK(server.peer_closed());
  CHECK_FALSE(server.failed());
}

TEST_CASE_METHOD(stage_pair, "garbage instead of a hello fails the server's handshake with a reason") {
  std::string garbage = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
  server.feed(garbage.data(), garbage.size());
  CHECK_FALSE(server.advance_handshake());
  CHECK(server.error() == error_kind::tls_handshake_failed);
  CHECK_THAT(server.error_message(), Catch::StartsWith("TLS handshake with client failed: "));
}

TEST_CASE_METHOD(stage_pair, "a corrupted record after the handshake is a tls_error") {
  handshake();
  REQUIRE(client.write("hello", 5));
  std::vector<char> record;
  client.take_output(record);
  record.back() ^= 0x01; // breaks the record's authentication tag
  server.feed(record.data(), record.size());
  CHECK(drain(server).empty());
  CHECK(server.failed());
  CHECK(server.error() == error_kind::tls_error);
}
