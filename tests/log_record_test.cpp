#include "actors/log_record.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace actors;
using namespace std::chrono_literals;

namespace {

log_record sample(std::string payload) {
  log_record record;
  record.time = 1'764'038'400'123'456'789ns;
  record.source = "conn 7";
  record.dir = direction::in;
  record.level = log_level::warning;
  record.payload = std::move(payload);
  return record;
}

} // namespace

TEST_CASE("a record is one line in the documented format") {
  auto line = format_log_line(sample("hello world"));
  CHECK(line == "2025-11-25T02:40:00.123456789Z\tconn 7\tin\twarning\thello world\n");
}

TEST_CASE("newlines, NULs, tabs and invalid UTF-8 stay on one line and round-trip") {
  // An array, so that the length counts the embedded NUL.
  static constexpr char raw[] = "a\nb\r\nc\0d\te\\f\x7f"
                                "\xff\xc3\x28 caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xed\xa0\x80";
  std::string nasty{raw, sizeof(raw) - 1};
  REQUIRE(nasty.size() == 35);
  auto line = format_log_line(sample(nasty));
  INFO(line);
  CHECK(line.find('\n') == line.size() - 1);
  CHECK(line.find('\0') == std::string::npos);
  CHECK(line.find("\\n") != std::string::npos);
  CHECK(line.find("\\x00") != std::string::npos);
  CHECK(line.find("\\xff") != std::string::npos);
  // Valid multi-byte UTF-8 is kept as it is; surrogates are not valid UTF-8.
  CHECK(line.find("caf\xc3\xa9") != std::string::npos);
  CHECK(line.find("\xf0\x9f\x98\x80") != std::string::npos);
  CHECK(line.find("\\xed\\xa0\\x80") != std::string::npos);
  auto parsed = parse_log_line(line);
  REQUIRE(parsed);
  CHECK(parsed->payload == nasty);
  CHECK(parsed->source == "conn 7");
  CHECK(parsed->dir == direction::in);
  CHECK(parsed->level == log_level::warning);
  CHECK(parsed->time == sample("").time);
}

TEST_CASE("every byte value round-trips through the escape") {
  std::string all;
  for (int i = 0; i < 256; ++i)
    all += static_cast<char>(i);
  std::string escaped;
  append_escaped(escaped, all);
  CHECK(escaped.find('\n') == std::string::npos);
  CHECK(escaped.find('\t') == std::string::npos);
  auto back = unescape(escaped);
  REQUIRE(back);
  CHECK(*back == all);
}

TEST_CASE("malformed lines are refused with a message saying what is wrong") {
  auto missing = parse_log_line("2025-11-25T02:40:00.123456789Z\tconn\tin\n");
  REQUIRE_FALSE(missing);
  CHECK_THAT(message_of(missing.error()), Catch::Contains("5 TAB-separated fields"));
  auto bad_dir = parse_log_line("2025-11-25T02:40:00.123456789Z\ts\tsideways\tinfo\tx");
  REQUIRE_FALSE(bad_dir);
  CHECK_THAT(message_of(bad_dir.error()), Catch::Contains("bad direction 'sideways'"));
  auto bad_escape = parse_log_line("2025-11-25T02:40:00.123456789Z\ts\tin\tinfo\t\\q");
  REQUIRE_FALSE(bad_escape);
  CHECK_THAT(message_of(bad_escape.error()), Catch::Contains("unknown escape"));
  auto bad_hex = unescape("\\x4");
  REQUIRE_FALSE(bad_hex);
  CHECK(kind_of(bad_hex.error()) == error_kind::malformed_frame);
}
