#include "actors/framing.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace actors;

namespace {

struct decoded {
  std::vector<std::string> frames;
  caf::error error;
};

decoded feed_all(frame_decoder& dec, std::string_view bytes,
                 std::size_t chunk_size) {
  decoded result;
  while (!bytes.empty() && !result.error) {
    auto chunk = bytes.substr(0, chunk_size);
    bytes.remove_prefix(chunk.size());
    result.error = dec.feed(chunk, [&](std::string_view frame) {
      result.frames.emplace_back(frame);
    });
  }
  return result;
}

decoded feed_split(framing_options opts, std::string_view bytes,
                   std::size_t split) {
  frame_decoder dec{opts};
  decoded result;
  for (auto part : {bytes.substr(0, split), bytes.substr(split)}) {
    if (result.error)
      break;
    result.error = dec.feed(part, [&](std::string_view frame) {
      result.frames.emplace_back(frame);
    });
  }
  return result;
}

std::string encode_all(framing_options opts,
                       const std::vector<std::string>& payloads) {
  std::vector<char> out;
  for (auto& payload : payloads)
    REQUIRE_FALSE(encode_frame(opts, payload, out));
  return std::string{out.begin(), out.end()};
}

const std::vector<std::string> sample_payloads{
  "hello", "", "a longer payload with spaces", std::string("bin\0ary", 7), "x"};

} // namespace

TEST_CASE("every split point of a multi-frame buffer yields the same frames") {
  for (auto kind : {framing_kind::length16, framing_kind::length32}) {
    framing_options opts{kind};
    auto bytes = encode_all(opts, sample_payloads);
    for (std::size_t split = 0; split <= bytes.size(); ++split) {
      auto result = feed_split(opts, bytes, split);
      CHECK_FALSE(result.error);
      CHECK(result.frames == sample_payloads);
    }
  }
  framing_options line{framing_kind::line};
  std::vector<std::string> lines{"one", "", "three", std::string("n\0ul", 4)};
  auto bytes = encode_all(line, lines);
  for (std::size_t split = 0; split <= bytes.size(); ++split)
    CHECK(feed_split(line, bytes, split).frames == lines);
}

TEST_CASE("byte-at-a-time input decodes like one big chunk") {
  for (auto kind : {framing_kind::length16, framing_kind::length32}) {
    framing_options opts{kind};
    auto bytes = encode_all(opts, sample_payloads);
    frame_decoder dec{opts};
    CHECK(feed_all(dec, bytes, 1).frames == sample_payloads);
    CHECK(dec.buffered() == 0);
  }
}

TEST_CASE("line framing accepts CRLF and strips the CR") {
  frame_decoder dec;
  auto result = feed_all(dec, "alpha\r\nbeta\ngamma\r\n", 3);
  CHECK(result.frames == std::vector<std::string>{"alpha", "beta", "gamma"});
}

TEST_CASE("line framing keeps a lone CR that is not before the delimiter") {
  frame_decoder dec;
  auto result = feed_all(dec, "a\rb\n", 64);
  CHECK(result.frames == std::vector<std::string>{"a\rb"});
}

TEST_CASE("line framing with a custom delimiter does not strip CR") {
  framing_options opts;
  opts.delimiter = '\0';
  frame_decoder dec{opts};
  auto result = feed_all(dec, std::string("one\r\0two\0", 9), 2);
  CHECK(result.frames == std::vector<std::string>{"one\r", "two"});
}

TEST_CASE("empty frames are delivered as empty frames") {
  frame_decoder lines;
  CHECK(feed_all(lines, "\n\n", 1).frames == std::vector<std::string>{"", ""});
  framing_options opts{framing_kind::length32};
  frame_decoder length{opts};
  CHECK(feed_all(length, std::string(8, '\0'), 3).frames
        == std::vector<std::string>{"", ""});
}

TEST_CASE("binary payloads with NUL bytes survive length framing") {
  std::string payload;
  for (int i = 0; i < 256; ++i)
    payload.push_back(static_cast<char>(i));
  framing_options opts{framing_kind::length16};
  frame_decoder dec{opts};
  auto result = feed_all(dec, encode_all(opts, {payload}), 7);
  REQUIRE(result.frames.size() == 1);
  CHECK(result.frames[0] == payload);
}

TEST_CASE("an oversize line is rejected before the buffer grows past the limit") {
  framing_options opts;
  opts.max_frame_size = 16;
  frame_decoder dec{opts};
  std::string flood(1000, 'x');
  auto result = feed_all(dec, flood, 5);
  REQUIRE(result.error);
  CHECK(kind_of(result.error) == error_kind::frame_too_large);
  CHECK_THAT(message_of(result.error), Catch::Contains("max_frame_size of 16"));
  CHECK(dec.capacity() <= opts.max_frame_size + 1);
  CHECK(result.frames.empty());
}

TEST_CASE("an oversize line inside one chunk is rejected with its size") {
  framing_options opts;
  opts.max_frame_size = 4;
  frame_decoder dec{opts};
  std::vector<std::string> frames;
  auto err = dec.feed("ok\ntoolong\nlater\n",
                      [&](std::string_view f) { frames.emplace_back(f); });
  REQUIRE(err);
  CHECK(kind_of(err) == error_kind::frame_too_large);
  CHECK_THAT(message_of(err), Catch::Contains("7 bytes"));
  CHECK(frames == std::vector<std::string>{"ok"});
}

TEST_CASE("a line of exactly max_frame_size with CRLF is accepted") {
  framing_options opts;
  opts.max_frame_size = 4;
  frame_decoder dec{opts};
  auto result = feed_all(dec, "abcd\r\n", 1);
  CHECK_FALSE(result.error);
  CHECK(result.frames == std::vector<std::string>{"abcd"});
}

TEST_CASE("an oversize declared length is rejected before any payload") {
  framing_options opts{framing_kind::length32};
  opts.max_frame_size = 1024;
  frame_decoder dec{opts};
  // Declares 1 GiB; only the header arrives.
  std::string header{"\x40\x00\x00\x00", 4};
  auto result = feed_all(dec, header, 4);
  REQUIRE(result.error);
  CHECK(kind_of(result.error) == error_kind::frame_too_large);
  CHECK_THAT(message_of(result.error),
             Catch::Contains("1073741824") && Catch::Contains("1024"));
  CHECK(dec.capacity() == 0);
}

TEST_CASE("after an error the decoder refuses input until reset") {
  framing_options opts;
  opts.max_frame_size = 2;
  frame_decoder dec{opts};
  REQUIRE(dec.feed("long\n", [](std::string_view) {}));
  CHECK(dec.failed());
  auto again = dec.feed("ok\n", [](std::string_view) { FAIL("no frame"); });
  REQUIRE(again);
  CHECK(kind_of(again) == error_kind::decoder_failed);
  CHECK_THAT(message_of(again), Catch::Contains("reset"));
  dec.reset();
  CHECK_FALSE(dec.failed());
  CHECK(feed_all(dec, "ok\n", 1).frames == std::vector<std::string>{"ok"});
}

TEST_CASE("raw framing delivers chunks split at max_frame_size") {
  framing_options opts{framing_kind::raw};
  opts.max_frame_size = 4;
  frame_decoder dec{opts};
  auto result = feed_all(dec, "abcdefghij", 10);
  CHECK(result.frames == std::vector<std::string>{"abcd", "efgh", "ij"});
  CHECK(dec.buffered() == 0);
}

TEST_CASE("the decoder buffer never exceeds max_frame_size plus one") {
  framing_options opts{framing_kind::length32};
  opts.max_frame_size = 100;
  frame_decoder dec{opts};
  std::vector<char> bytes;
  for (int i = 0; i < 50; ++i)
    REQUIRE_FALSE(encode_frame(opts, std::string(100, 'a' + i % 26), bytes));
  std::size_t frames = 0;
  std::string_view all{bytes.data(), bytes.size()};
  for (std::size_t pos = 0; pos < all.size(); pos += 37) {
    REQUIRE_FALSE(dec.feed(all.substr(pos, 37),
                           [&](std::string_view f) {
                             CHECK(f.size() == 100);
                             ++frames;
                           }));
    CHECK(dec.capacity() <= opts.max_frame_size + 1);
  }
  CHECK(frames == 50);
}

TEST_CASE("a line payload that ends with the delimiter is the whole line") {
  framing_options line;
  auto encoded = [&](std::string_view payload) {
    std::vector<char> out;
    REQUIRE_FALSE(encode_frame(line, payload, out));
    return std::string{out.begin(), out.end()};
  };
  CHECK(encoded("x\n") == "x\n");
  CHECK(encoded("x") == "x\n");
  CHECK(encoded("x\r\n") == "x\r\n"); // a CRLF line, as typed
  CHECK(encoded("\n") == "\n");
  std::vector<char> out;
  auto err = encode_frame(line, "x\n\n", out); // an empty line after it
  CHECK(kind_of(err) == error_kind::malformed_frame);
  CHECK_THAT(message_of(err), Catch::Contains("except as its last byte"));
  // At the size bound, the line's own end does not count against it.
  framing_options small;
  small.max_frame_size = 3;
  out.clear();
  CHECK_FALSE(encode_frame(small, "abc\n", out));
}

TEST_CASE("encoders refuse payloads they cannot frame") {
  std::vector<char> out;
  framing_options line;
  auto err = encode_frame(line, "two\nlines", out);
  REQUIRE(err);
  CHECK(kind_of(err) == error_kind::malformed_frame);
  CHECK(out.empty());

  framing_options small;
  small.max_frame_size = 3;
  err = encode_frame(small, "four", out);
  REQUIRE(err);
  CHECK(kind_of(err) == error_kind::frame_too_large);

  framing_options len16{framing_kind::length16};
  len16.max_frame_size = 1 << 20;
  err = encode_frame(len16, std::string(70000, 'x'), out);
  REQUIRE(err);
  CHECK_THAT(message_of(err), Catch::Contains("65535"));
}

TEST_CASE("length encoders write big-endian headers") {
  std::vector<char> out;
  REQUIRE_FALSE(encode_frame({framing_kind::length16}, "ab", out));
  CHECK(std::string(out.begin(), out.end()) == std::string("\x00\x02" "ab", 4));
  out.clear();
  REQUIRE_FALSE(encode_frame({framing_kind::length32}, "ab", out));
  CHECK(std::string(out.begin(), out.end())
        == std::string("\x00\x00\x00\x02" "ab", 6));
}

TEST_CASE("framing kinds round-trip through their names") {
  for (auto kind : {framing_kind::line, framing_kind::length16,
                    framing_kind::length32, framing_kind::raw})
    CHECK(parse_framing_kind(to_string(kind)) == kind);
  CHECK_FALSE(parse_framing_kind("bogus"));
}
