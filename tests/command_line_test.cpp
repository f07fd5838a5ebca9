// actors::command_line: the one parser of the examples and the client.

#include "actors/command_line.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using actors::command_line;

namespace {

const actors::command_line_spec spec{{"port", "bind", "connect"}, {"demo"}, "usage: test\n"};

command_line parsed(const std::vector<std::string>& args) {
  auto result = command_line::parse(args, spec);
  REQUIRE(result);
  return *result;
}

std::string error_of(const std::vector<std::string>& args) {
  auto result = command_line::parse(args, spec);
  REQUIRE_FALSE(result);
  CHECK(actors::kind_of(result.error()) == actors::error_kind::invalid_argument);
  return actors::message_of(result.error());
}

} // namespace

TEST_CASE("options, flags and positionals are read in the order given") {
  auto args = parsed({"--port", "7000", "host", "--demo", "--connect", "a:1", "--connect",
                      "b:2", "extra"});
  CHECK(args.has("port"));
  CHECK(args.has("demo"));
  CHECK_FALSE(args.has("bind"));
  CHECK(args.get("bind", "127.0.0.1") == "127.0.0.1");
  CHECK(args.get("connect", "") == "b:2");
  CHECK(args.get_all("connect") == std::vector<std::string>{"a:1", "b:2"});
  CHECK(args.positionals() == std::vector<std::string>{"host", "extra"});
  CHECK_FALSE(args.help_requested());
  CHECK(*args.port("port", 1) == 7000);
  CHECK(*args.port("bind", 1) == 1); // absent: the fallback
}

TEST_CASE("an unknown option is refused by name") {
  CHECK(error_of({"--port", "1", "--bogus"}) == "unknown option --bogus");
  CHECK(error_of({"--bogus=1"}) == "unknown option --bogus");
}

TEST_CASE("an option given as --name=value is read as --name value, and a flag given a value is refused") {
  auto args = parsed({"--port=7000", "--connect=a:1", "--bind=", "--connect", "b:2"});
  CHECK(*args.port("port", 1) == 7000);
  CHECK(args.get_all("connect") == std::vector<std::string>{"a:1", "b:2"});
  CHECK(args.has("bind"));
  CHECK(args.get("bind", "fallback").empty()); // given, and empty
  CHECK(parsed({"--connect=x=y"}).get("connect", "") == "x=y"); // split at the first '='
  CHECK(error_of({"--demo=yes"}) == "--demo takes no value (given 'yes')");
}

TEST_CASE("everything after a bare -- is a positional") {
  auto args = parsed({"--port", "1", "--", "--demo", "-5"});
  CHECK_FALSE(args.has("demo"));
  CHECK(args.positionals() == std::vector<std::string>{"--demo", "-5"});
}

TEST_CASE("more positionals than the program takes are refused by name, not ignored") {
  actors::command_line_spec none{{"port"}, {"udp"}, "usage: server\n", 0};
  auto refused = [&](const std::vector<std::string>& args) {
    auto result = command_line::parse(args, none);
    REQUIRE_FALSE(result);
    return actors::message_of(result.error());
  };
  CHECK(refused({"--udp", "7005"}) == "unexpected argument '7005'");
  CHECK(refused({"-u", "--port", "0"}) == "unknown option -u");
  CHECK(refused({"-5"}) == "unexpected argument '-5'");
  CHECK(command_line::parse({"--udp", "--port", "7005"}, none));
  actors::command_line_spec two{{}, {}, "usage: client HOST PORT\n", 2};
  CHECK(command_line::parse({"host", "7000"}, two));
  CHECK_FALSE(command_line::parse({"host", "7000", "x"}, two));
}

TEST_CASE("an option without its value is refused by name") {
  CHECK(error_of({"--demo", "--port"}) == "--port needs a value");
}

TEST_CASE("help (--help and -h) wins over everything else, even a bad option before it") {
  CHECK(parsed({"--help"}).help_requested());
  CHECK(parsed({"--bogus", "-h"}).help_requested());
  CHECK(parsed({"--port", "x", "--help"}).help_requested());
}

TEST_CASE("a bad or out-of-range number names the option and the range") {
  auto args = parsed({"--port", "70000", "--bind", "lots"});
  auto port = args.port("port", 0);
  REQUIRE_FALSE(port);
  CHECK(actors::message_of(port.error()) == "--port needs a number from 0 to 65535, got '70000'");
  auto bind = args.number("bind", 5, 1, 10);
  REQUIRE_FALSE(bind);
  CHECK(actors::message_of(bind.error()) == "--bind needs a number from 1 to 10, got 'lots'");
  for (auto text : {"-5", "+5", " 5", "5x", "", "99999999999999999999999"}) {
    INFO("'" << text << "'");
    CHECK_FALSE(actors::parse_number(text, "N", 0, 100));
  }
  CHECK_FALSE(actors::parse_number("0", "N", 1, 100));
  CHECK(*actors::parse_number("100", "N", 1, 100) == 100);
}

TEST_CASE("a positional number is named as the usage names it") {
  auto port = actors::parse_number("http", "PORT", 0, 65535);
  REQUIRE_FALSE(port);
  CHECK(actors::message_of(port.error()) == "PORT needs a number from 0 to 65535, got 'http'");
}

TEST_CASE("HOST:PORT needs a host and a port from 1 to 65535") {
  auto ok = actors::parse_host_port("::1:7001", "--connect");
  REQUIRE(ok);
  CHECK(ok->host == "::1");
  CHECK(ok->port == 7001);
  for (auto text : {"nohost", ":7001", "host:", "host:0", "host:65536", "host:x"}) {
    INFO(text);
    auto bad = actors::parse_host_port(text, "--connect");
    REQUIRE_FALSE(bad);
    CHECK(actors::message_of(bad.error())
          == "--connect expects HOST:PORT with a port from 1 to 65535, got '"
               + std::string{text} + "'");
  }
}

TEST_CASE("format_host_port brackets an IPv6 address, and parse_host_port reads it back") {
  CHECK(actors::format_host_port("127.0.0.1", 7000) == "127.0.0.1:7000");
  CHECK(actors::format_host_port("localhost", 1) == "localhost:1");
  CHECK(actors::format_host_port("::1", 7000) == "[::1]:7000");
  CHECK(actors::format_host_port("[::1]", 7000) == "[::1]:7000"); // not twice
  auto back = actors::parse_host_port(actors::format_host_port("fe80::1", 443), "--connect");
  REQUIRE(back);
  CHECK(back->host == "[fe80::1]");
  CHECK(back->port == 443);
}

TEST_CASE("a host with a character no host name or address has is refused, naming it") {
  CHECK(actors::why_not_a_host("example.com").empty());
  CHECK(actors::why_not_a_host("my_host-1").empty());
  CHECK(actors::why_not_a_host("[fe80::1%eth0]").empty());
  CHECK(actors::why_not_a_host("ftp://127.0.0.1")
        == "'ftp://127.0.0.1' is not a host name or address: '/' cannot be in one");
  CHECK(actors::why_not_a_host("127.0.0.1 7000")
        == "'127.0.0.1 7000' is not a host name or address: a space cannot be in one");
  auto scheme = actors::parse_host_port("ftp://127.0.0.1:21", "--connect");
  REQUIRE_FALSE(scheme);
  CHECK(actors::message_of(scheme.error())
        == "--connect 'ftp://127.0.0.1' is not a host name or address: '/' cannot be in one");
}
