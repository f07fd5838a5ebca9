#pragma once

// Shared body of the decoder fuzzers: decoding the input in one chunk and
// in two chunks (split where the first byte says) must give the same frames,
// the buffer must stay bounded, and errors must be frame errors.

#include "actors/framing.hpp"

#include <cstdlib>
#include <string>
#include <vector>

namespace fuzz {

inline std::vector<std::string> decode(const actors::framing_options& opts,
                                       std::string_view a, std::string_view b,
                                       bool& failed) {
  actors::frame_decoder dec{opts};
  std::vector<std::string> frames;
  failed = false;
  for (auto part : {a, b}) {
    auto err = dec.feed(part, [&](std::string_view f) {
      if (f.size() > opts.max_frame_size)
        std::abort();
      frames.emplace_back(f);
    });
    if (dec.capacity() > opts.max_frame_size + 1)
      std::abort();
    if (err) {
      if (actors::kind_of(err) != actors::error_kind::frame_too_large)
        std::abort();
      failed = true;
      break;
    }
  }
  return frames;
}

inline int check(actors::framing_kind kind, const unsigned char* data,
                 std::size_t size) {
  if (size < 1)
    return 0;
  actors::framing_options opts{kind};
  opts.max_frame_size = 1 + data[0] % 64;
  std::string_view input{reinterpret_cast<const char*>(data) + 1, size - 1};
  auto split = input.empty() ? 0 : data[0] % (input.size() + 1);
  bool whole_failed = false;
  bool split_failed = false;
  auto whole = decode(opts, input, {}, whole_failed);
  auto parts = decode(opts, input.substr(0, split), input.substr(split),
                      split_failed);
  if (whole_failed != split_failed)
    std::abort();
  if (!whole_failed && whole != parts)
    std::abort();
  return 0;
}

} // namespace fuzz
