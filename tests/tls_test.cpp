// TLS on connections: our client and server with each other, then with the
// peers people use (openssl s_client and s_server, ncat --ssl), and every
// way a handshake fails, each contained to its own connection.

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <fstream>
#include <map>
#include <thread>

#include <caf/after.hpp>
#include <string>

#include "actors/connection.hpp"
#include "actors/connection_protocol.hpp"
#include "actors/server.hpp"
#include "support/actor_fixture.hpp"
#include "support/child_process.hpp"
#include "support/example_path.hpp"
#include "support/raw_socket.hpp"
#include "support/test_certificates.hpp"

using namespace actors;
using namespace std::chrono_literals;
using testing_support::child_process;
using testing_support::example;
using testing_support::raw_socket;

namespace {

struct tls_fixture : testing_support::actor_fixture {
  testing_support::test_certificates certs;

  // A TLS server's options with the test certificate.
  server_options tls_server() {
    server_options opts;
    opts.connection.tls.enabled = true;
    opts.connection.tls.certificate_file = certs.cert();
    opts.connection.tls.key_file = certs.key();
    return opts;
  }

  // An echo server speaking TLS with `cert` and `key`.
  server tls_echo_server(const std::string& cert, const std::string& key,
                         std::chrono::milliseconds handshake_timeout = 10s) {
    server_options opts;
    opts.connection.tls.enabled = true;
    opts.connection.tls.certificate_file = cert;
    opts.connection.tls.key_file = key;
    opts.connection.tls.handshake_timeout = handshake_timeout;
    return start_echo_server(opts);
  }

  // Options of a TLS client that trusts `ca`.
  connection_options trusting(const std::string& ca) {
    connection_options opts;
    opts.tls.enabled = true;
    opts.tls.ca_file = ca;
    return opts;
  }

  // Connects with `opts` and expects the handshake to fail; returns why.
  connection_error failed_handshake(std::uint16_t port, connection_options opts,
                                    const std::string& host = "127.0.0.1") {
    connect(sys, host, port, self, opts);
    auto err = expect<connection_error>();
    auto down = expect<disconnected>();
    CHECK(down.reason == error_kind::tls_handshake_failed);
    return err;
  }

  // `conn` still echoes.
  void still_echoes(const connection_actor& conn, const std::string& line) {
    self->send(conn, send_atom_v, line);
    CHECK(expect<frame_received>().payload == line);
  }
};

} // namespace

TEST_CASE_METHOD(tls_fixture, "our TLS client and server echo, name protocol and cipher, and half-close") {
  auto srv = tls_echo_server(certs.cert(), certs.key());
  auto conn = connect(sys, "127.0.0.1", srv.port, self, trusting(certs.ca()));
  auto up = expect<connected>();
  CHECK(up.tls_version == "TLSv1.3");
  CHECK_FALSE(up.tls_cipher.empty());
  still_echoes(conn, "hello over TLS");
  // finish sends close_notify: the echo session sees the end, answers, closes.
  self->send(conn, send_atom_v, std::string{"last line"});
  self->send(conn, finish_atom_v);
  CHECK(expect<frame_received>().payload == "last line");
  expect<peer_finished>();
  auto down = expect<disconnected>();
  CHECK(down.reason == error_kind::none);
}

TEST_CASE_METHOD(tls_fixture, "the server's name is checked: localhost and 127.0.0.1 pass, another name fails") {
  auto srv = tls_echo_server(certs.cert(), certs.key());
  connect(sys, "localhost", srv.port, self, trusting(certs.ca()));
  CHECK(expect<connected>().tls_version == "TLSv1.3");
  auto opts = trusting(certs.ca());
  opts.tls.server_name = "other.example";
  auto err = failed_handshake(srv.port, opts);
  CHECK(err.kind == error_kind::tls_handshake_failed);
  CHECK_THAT(err.message, Catch::Contains("certificate verify failed")
                            && Catch::EndsWith("hostname mismatch (the certificate is for "
                                               "localhost, 127.0.0.1, not other.example)"));
}

TEST_CASE_METHOD(tls_fixture, "a wrong CA, an expired certificate and a wrong host fail only their own connection") {
  auto good = tls_echo_server(certs.cert(), certs.key());
  auto conn = connect(sys, "127.0.0.1", good.port, self, trusting(certs.ca()));
  expect<connected>();
  SECTION("a CA that did not sign the server's certificate") {
    auto err = failed_handshake(good.port, trusting(certs.other_ca()));
    CHECK(err.kind == error_kind::tls_handshake_failed);
    CHECK_THAT(err.message, Catch::Contains("certificate verify failed")
                              && Catch::Contains("unable to get local issuer certificate"));
  }
  SECTION("an expired certificate") {
    auto expired = tls_echo_server(certs.expired_cert(), certs.expired_key());
    auto err = failed_handshake(expired.port, trusting(certs.ca()));
    CHECK_THAT(err.message, Catch::Contains("certificate has expired"));
  }
  SECTION("a certificate for another host") {
    auto wrong = tls_echo_server(certs.wrong_host_cert(), certs.wrong_host_key());
    auto err = failed_handshake(wrong.port, trusting(certs.ca()), "localhost");
    CHECK_THAT(err.message,
               Catch::EndsWith("hostname mismatch (the certificate is for other.example, "
                               "not localhost)"));
    err = failed_handshake(wrong.port, trusting(certs.ca()), "127.0.0.1");
    CHECK_THAT(err.message,
               Catch::EndsWith("IP address mismatch (the certificate is for other.example, "
                               "not 127.0.0.1)"));
  }
  SECTION("insecure skips the checks") {
    auto wrong = tls_echo_server(certs.wrong_host_cert(), certs.wrong_host_key());
    connection_options opts;
    opts.tls.enabled = true;
    opts.tls.insecure = true;
    auto other = connect(sys, "127.0.0.1", wrong.port, self, opts);
    expect<connected>();
    still_echoes(other, "unchecked");
  }
  still_echoes(conn, "still here");
}

TEST_CASE_METHOD(tls_fixture, "plain text sent to a TLS port fails that connection only") {
  auto srv = serve(tls_server(), self);
  REQUIRE(srv);
  raw_socket plain{srv->port};
  REQUIRE(plain.write_all("GET / HTTP/1.0\r\n\r\n"));
  auto err = expect<connection_error>();
  CHECK(err.kind == error_kind::tls_handshake_failed);
  CHECK_THAT(err.message, Catch::StartsWith("TLS handshake with 127.0.0.1:"));
  // OpenSSL's reason, then what the peer sent, in plain words.
  CHECK_THAT(err.message,
             Catch::EndsWith("; the peer does not speak TLS: it sent \"GET / HTTP/1.0\\r\\n\\r\\n\""));
  CHECK(expect<disconnected>().reason == error_kind::tls_handshake_failed);
  CHECK(plain.closed_by_peer(5s));
}

TEST_CASE_METHOD(tls_fixture, "a plain peer that closes in the handshake is named, with what it sent") {
  // Fewer than 5 bytes, then a FIN: OpenSSL has no record to complain
  // about, and the reason read "TLS handshake failed: the peer closed the
  // connection", with no peer and no bytes.
  auto srv = serve(tls_server(), self);
  REQUIRE(srv);
  raw_socket plain{srv->port};
  REQUIRE(plain.write_all("abc\n"));
  plain.finish();
  auto err = expect<connection_error>();
  CHECK(err.kind == error_kind::tls_handshake_failed);
  CHECK_THAT(err.message, Catch::StartsWith("TLS handshake with 127.0.0.1:")
                            && Catch::EndsWith(" failed: the peer closed the connection; the peer "
                                               "does not speak TLS: it sent \"abc\\n\""));
  expect<disconnected>();
}

TEST_CASE_METHOD(tls_fixture, "a peer of TLS 1.1 is told apart from a broken one, each way") {
  // OpenSSL says "unsupported protocol" or "tlsv1 alert protocol version",
  // and neither names a version. SECLEVEL=0 lets openssl offer TLS 1.1.
  auto srv = serve(tls_server(), self);
  REQUIRE(srv);
  child_process old_client{{"openssl", "s_client", "-connect",
                            "127.0.0.1:" + std::to_string(srv->port), "-tls1_1", "-cipher",
                            "DEFAULT:@SECLEVEL=0"},
                           testing_support::stderr_to::pipe};
  auto err = expect<connection_error>();
  CHECK(err.kind == error_kind::tls_handshake_failed);
  CHECK_THAT(err.message,
             Catch::EndsWith("failed: unsupported protocol; the peer offers only TLS versions "
                             "older than 1.2, the oldest this side speaks"));
  CHECK(expect<disconnected>().reason == error_kind::tls_handshake_failed);
  child_process old_server{{"openssl", "s_server", "-accept", "127.0.0.1:0", "-cert",
                            certs.cert(), "-key", certs.key(), "-tls1_1", "-cipher",
                            "DEFAULT:@SECLEVEL=0", "-naccept", "1"},
                           testing_support::stderr_to::pipe};
  auto port = old_server.listening_port(5s);
  REQUIRE(port);
  auto refused = failed_handshake(*port, trusting(certs.ca()));
  CHECK_THAT(refused.message,
             Catch::EndsWith("failed: tlsv1 alert protocol version; the peer refuses TLS 1.2 "
                             "and 1.3, the versions this side speaks"));
}

TEST_CASE_METHOD(tls_fixture, "a peer that asks to renegotiate is told so, not 'handshake failure'") {
  auto srv = serve(tls_server(), self);
  REQUIRE(srv);
  // Not -quiet: a line "R" is s_client's command to renegotiate.
  child_process client{{"openssl", "s_client", "-connect",
                        "127.0.0.1:" + std::to_string(srv->port), "-tls1_2", "-CAfile",
                        certs.ca()},
                       testing_support::stderr_to::pipe};
  auto up = expect<connected>();
  CHECK(up.tls_version == "TLSv1.2");
  client.write("R\n");
  auto err = expect<connection_error>();
  CHECK(err.kind == error_kind::tls_error);
  CHECK_THAT(err.message,
             Catch::StartsWith("TLS with 127.0.0.1:")
               && Catch::EndsWith("; the peer asked to renegotiate, which this side refuses (a new "
                                  "connection does what renegotiation would)"));
  expect<disconnected>();
}

TEST_CASE_METHOD(tls_fixture, "a TLS client closed by a server at its connection limit is told nothing was sent") {
  auto opts = tls_server();
  opts.max_connections = 1;
  auto limited = serve(opts, self);
  REQUIRE(limited);
  raw_socket holder{limited->port}; // takes the one place, says nothing
  std::this_thread::sleep_for(200ms); // accepted before the client comes
  auto err = failed_handshake(limited->port, trusting(certs.ca()));
  CHECK(err.kind == error_kind::tls_handshake_failed);
  CHECK_THAT(err.message,
             Catch::StartsWith("TLS handshake with 127.0.0.1:" + std::to_string(limited->port))
               && Catch::EndsWith("failed: the peer closed the connection without sending anything"));
}

TEST_CASE_METHOD(tls_fixture, "a stalled handshake is closed after handshake_timeout") {
  server_options opts;
  opts.connection.tls.enabled = true;
  opts.connection.tls.certificate_file = certs.cert();
  opts.connection.tls.key_file = certs.key();
  opts.connection.tls.handshake_timeout = 200ms;
  auto srv = serve(opts, self);
  REQUIRE(srv);
  raw_socket silent{srv->port};
  auto err = expect<connection_error>(5s);
  CHECK(err.kind == error_kind::tls_handshake_failed);
  CHECK_THAT(err.message, Catch::Contains("did not finish within 200 ms"));
  CHECK_THAT(err.message, Catch::Contains("the peer sent nothing"));
  expect<disconnected>();
  CHECK(silent.closed_by_peer(5s));
  // A peer that began its hello and stalled did speak: no such hint.
  raw_socket stalled{srv->port};
  REQUIRE(stalled.write_all(std::string{"\x16\x03\x01", 3}));
  err = expect<connection_error>(5s);
  CHECK_THAT(err.message, Catch::EndsWith("(handshake_timeout)"));
  expect<disconnected>();
  CHECK(stalled.closed_by_peer(5s));
}

TEST_CASE_METHOD(tls_fixture, "a server closes each stalled handshake at its own deadline and spares the finished ones") {
  // The server keeps every connection's handshake deadline on one timer:
  // each stalled peer still gets its full handshake_timeout, no less.
  auto srv = tls_echo_server(certs.cert(), certs.key(), 300ms);
  auto first_began = std::chrono::steady_clock::now();
  raw_socket first{srv.port};
  std::this_thread::sleep_for(150ms);
  auto second_began = std::chrono::steady_clock::now();
  raw_socket second{srv.port};
  auto conn = connect(sys, "127.0.0.1", srv.port, self, trusting(certs.ca()));
  expect<connected>();
  CHECK(first.closed_by_peer(5s));
  CHECK(std::chrono::steady_clock::now() - first_began >= 300ms);
  CHECK(second.closed_by_peer(5s));
  CHECK(std::chrono::steady_clock::now() - second_began >= 300ms);
  // Past every deadline, the connection whose handshake finished stays.
  std::this_thread::sleep_for(200ms);
  still_echoes(conn, "still here");
}

TEST_CASE_METHOD(tls_fixture, "a TLS client of a plain server fails the handshake") {
  auto srv = start_echo_server();
  auto opts = trusting(certs.ca());
  // A line echo returns our hello up to its first newline byte, if its
  // random bytes hold one: the handshake fails at once; else it times out.
  opts.tls.handshake_timeout = 500ms;
  auto err = failed_handshake(srv.port, opts);
  CHECK(err.kind == error_kind::tls_handshake_failed);
  CHECK_THAT(err.message, Catch::EndsWith("the peer sent our own bytes back (an echo server without TLS?)")
                            || Catch::EndsWith("the peer sent nothing (does it speak TLS?)"));
  // An echo of every byte fails at once, long before the timeout.
  {
    child_process echo{{"socat", "TCP-LISTEN:0,bind=127.0.0.1", "PIPE"}};
    auto port = echo.listening_port(5s);
    REQUIRE(port);
    opts.tls.handshake_timeout = 10s;
    auto began = std::chrono::steady_clock::now();
    err = failed_handshake(*port, opts);
    CHECK(std::chrono::steady_clock::now() - began < 5s);
    CHECK_THAT(err.message, Catch::EndsWith(
                              "failed: the peer sent our own bytes back (an echo server without TLS?)"));
    opts.tls.handshake_timeout = 500ms;
  }
  // A plain server with a banner: OpenSSL's reason and the banner.
  {
    child_process banner{{"socat", "TCP-LISTEN:0,bind=127.0.0.1", "SYSTEM:echo welcome; sleep 5"}};
    auto port = banner.listening_port(5s);
    REQUIRE(port);
    err = failed_handshake(*port, opts);
    CHECK_THAT(err.message, Catch::EndsWith("; the peer does not speak TLS: it sent \"welcome\\n\""));
  }
  // A plain server that answers nothing at all: the timeout says so.
  child_process silent{{"socat", "TCP-LISTEN:0,bind=127.0.0.1", "EXEC:sleep 10"}};
  auto port = silent.listening_port(5s);
  REQUIRE(port);
  err = failed_handshake(*port, opts);
  CHECK_THAT(err.message, Catch::EndsWith("the peer sent nothing (does it speak TLS?)"));
}

TEST_CASE_METHOD(tls_fixture, "a certificate that does not load fails listen with tls_error naming the file") {
  server_options opts;
  opts.connection.tls.enabled = true;
  opts.connection.tls.certificate_file = "/nonexistent/server.pem";
  opts.connection.tls.key_file = certs.key();
  auto srv = listen(sys, opts, self);
  REQUIRE_FALSE(srv);
  CHECK(kind_of(srv.error()) == error_kind::tls_error);
  CHECK_THAT(message_of(srv.error()), Catch::Contains("/nonexistent/server.pem"));
}

TEST_CASE_METHOD(tls_fixture, "the usual mistakes with certificate and key files are named in plain words") {
  auto listen_error = [&](const std::string& cert, const std::string& key) {
    server_options opts;
    opts.connection.tls.enabled = true;
    opts.connection.tls.certificate_file = cert;
    opts.connection.tls.key_file = key;
    auto srv = listen(sys, opts, self);
    REQUIRE_FALSE(srv);
    CHECK(kind_of(srv.error()) == error_kind::tls_error);
    return message_of(srv.error());
  };
  CHECK_THAT(listen_error(certs.key(), certs.key()),
             Catch::Contains("no \"-----BEGIN CERTIFICATE-----\" in it (not PEM, or a key given as "
                             "the certificate?) (OpenSSL: no start line"));
  CHECK_THAT(listen_error(certs.cert(), certs.cert()),
             Catch::Contains("not a PEM private key (a certificate given as the key?)"));
  CHECK_THAT(listen_error(certs.cert(), certs.expired_key()),
             Catch::StartsWith("cannot load the private key " + certs.expired_key() + " for "
                               + certs.cert() + ": the key does not belong to the certificate"));
  // A key of another type (RSA for an EC certificate): OpenSSL says only
  // "no certificate assigned".
  auto rsa = certs.key() + ".rsa";
  child_process make_rsa{{"openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
                          "rsa_keygen_bits:2048", "-out", rsa},
                         "/dev/null"}; // its progress dots
  REQUIRE(make_rsa.wait_exit(30s) == 0);
  CHECK_THAT(listen_error(certs.cert(), rsa),
             Catch::Contains("the key does not belong to the certificate (a key of another type"));
  // A directory and an empty file, named as such (they read as "no start
  // line" and "not a PEM private key").
  auto dir = certs.cert().substr(0, certs.cert().rfind('/'));
  CHECK(listen_error(dir, certs.key())
        == "cannot load the certificate " + dir + ": " + dir + " is a directory, not a PEM file");
  auto empty = dir + "/empty.key";
  std::ofstream{empty};
  CHECK(listen_error(certs.cert(), empty)
        == "cannot load the private key " + empty + ": " + empty + " is empty");
  // An encrypted key fails at once, without asking for its passphrase on
  // the terminal (which would block the thread that loads it).
  auto encrypted = certs.key() + ".encrypted";
  child_process encrypt{{"openssl", "pkey", "-in", certs.key(), "-aes128", "-passout", "pass:x",
                         "-out", encrypted}};
  REQUIRE(encrypt.wait_exit(10s) == 0);
  CHECK_THAT(listen_error(certs.cert(), encrypted),
             Catch::Contains("the key is encrypted with a passphrase, which is not supported"));
}

TEST_CASE_METHOD(tls_fixture, "an expired server certificate is said at start, and served anyway") {
  CHECK(certificate_validity_warning(certs.cert()).empty());
  CHECK(certificate_validity_warning(certs.key()).empty()); // not one: the loader says so
  CHECK_THAT(certificate_validity_warning(certs.expired_cert()),
             Catch::StartsWith("the certificate " + certs.expired_cert() + " expired on ")
               && Catch::EndsWith(" GMT: clients that verify it refuse it"));
  // echo_server loaded it silently; clients then failed with "certificate
  // has expired" and its operator had no word of it.
  child_process server{{example("echo_server"), "--port", "0", "--tls-cert",
                        certs.expired_cert(), "--tls-key", certs.expired_key()},
                       testing_support::stderr_to::pipe};
  auto banner = server.read_line(10s);
  REQUIRE(banner);
  server.signal(SIGTERM);
  CHECK_THAT(server.read_stderr(10s),
             Catch::StartsWith("warning: the certificate " + certs.expired_cert() + " expired on "));
  CHECK(server.wait_exit(10s) == 0);
}

TEST_CASE_METHOD(tls_fixture, "a server that requires client certificates refuses clients without one") {
  server_options opts;
  opts.connection.tls.enabled = true;
  opts.connection.tls.certificate_file = certs.cert();
  opts.connection.tls.key_file = certs.key();
  opts.connection.tls.ca_file = certs.ca();
  opts.connection.tls.require_client_certificate = true;
  auto srv = start_echo_server(opts);
  auto with_cert = trusting(certs.ca());
  with_cert.tls.certificate_file = certs.cert();
  with_cert.tls.key_file = certs.key();
  auto conn = connect(sys, "localhost", srv.port, self, with_cert);
  expect<connected>();
  still_echoes(conn, "mutual TLS");
  // TLS 1.3 checks the client's certificate after the client's handshake
  // ends: the refusal arrives as the server's alert.
  connect(sys, "localhost", srv.port, self, trusting(certs.ca()));
  bool refused = false;
  for (int events = 0; events < 4 && !refused; ++events)
    self->receive(
      [&](const connection_error& err) {
        CHECK((err.kind == error_kind::tls_error
               || err.kind == error_kind::tls_handshake_failed));
        CHECK_THAT(err.message, Catch::Contains("certificate required"));
        refused = true;
      },
      [](const connected&) {}, [](const disconnected&) {},
      caf::after(5s) >> [] { FAIL("no refusal"); });
  CHECK(refused);
}

TEST_CASE("closing sends close_notify: Python's ssl module sees a clean end") {
  testing_support::test_certificates certs;
  auto [server, port] = testing_support::start_listening_server(
    {example("echo_server"), "--port", "0", "--tls-cert", certs.cert(), "--tls-key",
     certs.key()});
  // unwrap() sends close_notify and waits for the server's; a FIN without
  // one raises SSLEOFError instead.
  child_process python{{"python3", "-c",
                        "import socket, ssl, sys\n"
                        "context = ssl.create_default_context(cafile=sys.argv[1])\n"
                        "s = context.wrap_socket(socket.create_connection(('127.0.0.1', "
                        "int(sys.argv[2]))), server_hostname='localhost')\n"
                        "s.sendall(b'hello\\n')\n"
                        "print(s.recv(100).decode().strip(), flush=True)\n"
                        "s.unwrap()\n"
                        "print('clean', flush=True)\n",
                        certs.ca(), std::to_string(port)},
                       testing_support::stderr_to::pipe};
  CHECK(python.read_line(10s) == std::optional<std::string>{"hello"});
  CHECK(python.read_line(10s) == std::optional<std::string>{"clean"});
}

TEST_CASE_METHOD(tls_fixture, "200 concurrent TLS clients each get 1,000 lines back in order") {
  constexpr int clients = 200;
  constexpr int lines = 1000;
  auto srv = tls_echo_server(certs.cert(), certs.key());
  auto opts = trusting(certs.ca());
  opts.read_credit = lines;
  std::map<connection_id, connection_actor> conns;
  for (int i = 0; i < clients; ++i)
    connect(sys, "127.0.0.1", srv.port, self, opts);
  for (int i = 0; i < clients; ++i) {
    auto up = expect<connected>(30s);
    conns.emplace(up.id, up.handle);
  }
  for (auto& [id, conn] : conns)
    for (int n = 0; n < lines; ++n)
      self->send(conn, send_atom_v, std::to_string(id) + ":" + std::to_string(n));
  std::map<connection_id, int> next;
  for (int i = 0; i < clients * lines; ++i) {
    auto frame = expect<frame_received>(30s);
    auto expected = std::to_string(frame.id) + ":" + std::to_string(next[frame.id]++);
    if (frame.payload != expected)
      FAIL("connection " << frame.id << " got " << frame.payload << ", expected " << expected);
  }
  CHECK(next.size() == clients);
}

TEST_CASE("openssl s_client and ncat --ssl talk to echo_server --tls-cert") {
  testing_support::test_certificates certs;
  auto [server, port] = testing_support::start_listening_server(
    {example("echo_server"), "--port", "0", "--tls-cert", certs.cert(), "--tls-key",
     certs.key(), "--udp"});
  // Its datagrams are not encrypted, and it says so.
  CHECK(server.read_line(5s)
        == "udp on 127.0.0.1:" + std::to_string(port) + " (not encrypted: TLS is for TCP)");
  child_process s_client{{"openssl", "s_client", "-connect",
                          "127.0.0.1:" + std::to_string(port), "-CAfile", certs.ca(),
                          "-verify_return_error", "-quiet"},
                         testing_support::stderr_to::pipe};
  s_client.write("from s_client\n");
  CHECK(s_client.read_line(5s) == std::optional<std::string>{"from s_client"});
  child_process ncat{{"sh", "-c",
                      "seq 1 1000 | ncat --ssl --ssl-verify --ssl-trustfile " + certs.ca()
                        + " localhost " + std::to_string(port)
                        + " | sha256sum; seq 1 1000 | sha256sum"}};
  auto got = ncat.read_line(30s);
  auto sent = ncat.read_line(5s);
  REQUIRE(got);
  CHECK(got == sent);
}

TEST_CASE("line_client --tls talks to openssl s_server") {
  testing_support::test_certificates certs;
  child_process s_server{{"openssl", "s_server", "-accept", "127.0.0.1:0", "-cert",
                          certs.cert(), "-key", certs.key(), "-rev", "-naccept", "1"},
                         testing_support::stderr_to::pipe};
  auto port = s_server.listening_port(5s);
  REQUIRE(port);
  child_process client{{example("line_client"), "--tls", "--ca", certs.ca(), "127.0.0.1",
                        std::to_string(*port)}};
  client.write("hello\nworld\n");
  client.close_stdin();
  CHECK(client.read_line(5s) == std::optional<std::string>{"olleh"});
  CHECK(client.read_line(5s) == std::optional<std::string>{"dlrow"});
  CHECK(client.wait_exit(5s) == 0);
}
