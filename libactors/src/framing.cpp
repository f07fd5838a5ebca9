#include "actors/framing.hpp"

#include "frame_encoding.hpp"

#include <algorithm>
#include <cstring>
#include <string>

namespace actors {

namespace {

std::size_t header_size(framing_kind kind) noexcept {
  return kind == framing_kind::length16 ? 2 : 4;
}

caf::error too_large(std::size_t size, std::size_t limit, const char* what) {
  return caf::make_error(error_kind::frame_too_large,
          std::string{what} + " of " + std::to_string(size)
            + " bytes exceeds max_frame_size of " + std::to_string(limit)
            + " bytes");
}

} // namespace

const char* to_string(framing_kind kind) noexcept {
  switch (kind) {
    case framing_kind::line: return "line";
    case framing_kind::length16: return "length16";
    case framing_kind::length32: return "length32";
    case framing_kind::raw: return "raw";
  }
  return "unknown";
}

std::optional<framing_kind> parse_framing_kind(std::string_view name) noexcept {
  for (auto kind : {framing_kind::line, framing_kind::length16,
                    framing_kind::length32, framing_kind::raw})
    if (name == to_string(kind))
      return kind;
  return std::nullopt;
}

frame_decoder::frame_decoder(framing_options options) : options_(options) {
  // At least one byte per frame, or length framing could never make progress.
  options_.max_frame_size = std::max<std::size_t>(options_.max_frame_size, 1);
}

caf::error frame_decoder::feed(std::string_view chunk,
                                              void* context,
                                              frame_handler on_frame) {
  if (failed_)
    return caf::make_error(error_kind::decoder_failed,
                           "decoder refuses input after an earlier error; "
                           "reset() it first");
  switch (options_.kind) {
    case framing_kind::line: {
      auto call = [&](std::string_view frame) { on_frame(context, frame); };
      return feed_line(chunk, call);
    }
    case framing_kind::length16:
    case framing_kind::length32: return feed_length(chunk, context, on_frame);
    case framing_kind::raw: feed_raw(chunk, context, on_frame); return {};
  }
  return {};
}

void frame_decoder::reset() noexcept {
  buffer_.clear();
  header_fill_ = 0;
  payload_size_.reset();
  failed_ = false;
}

caf::error frame_decoder::fail(caf::error err) {
  failed_ = true;
  buffer_.clear();
  buffer_.shrink_to_fit();
  return err;
}

void frame_decoder::append(std::string_view bytes) {
  // Grow geometrically, but never past the bound the callers checked.
  auto needed = buffer_.size() + bytes.size();
  if (needed > buffer_.capacity()) {
    auto limit = options_.max_frame_size + 1;
    buffer_.reserve(std::min(std::max(needed, buffer_.capacity() * 2), limit));
  }
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
}

caf::error frame_decoder::line_too_large(std::size_t size, bool complete) {
  if (complete)
    return too_large(size, options_.max_frame_size, "line");
  // Found before its end: the size is what came so far, not the line's.
  return caf::make_error(error_kind::frame_too_large,
                         "a line longer than max_frame_size of "
                           + std::to_string(options_.max_frame_size) + " bytes ("
                           + std::to_string(size) + " bytes so far without a newline)");
}

caf::error
frame_decoder::feed_length(std::string_view chunk, void* context,
                           frame_handler on_frame) {
  const auto hsize = header_size(options_.kind);
  while (!chunk.empty() || (payload_size_ && *payload_size_ == 0)) {
    if (!payload_size_) {
      auto take = std::min(hsize - header_fill_, chunk.size());
      std::memcpy(header_ + header_fill_, chunk.data(), take);
      header_fill_ += take;
      chunk.remove_prefix(take);
      if (header_fill_ < hsize)
        return {};
      std::size_t size = 0;
      for (std::size_t i = 0; i < hsize; ++i)
        size = (size << 8) | header_[i];
      header_fill_ = 0;
      if (size > options_.max_frame_size)
        return fail(too_large(size, options_.max_frame_size,
                              "declared frame length"));
      payload_size_ = size;
    }
    auto missing = *payload_size_ - buffer_.size();
    if (buffer_.empty() && chunk.size() >= missing) {
      on_frame(context, chunk.substr(0, missing));
      chunk.remove_prefix(missing);
      payload_size_.reset();
      continue;
    }
    auto take = std::min(missing, chunk.size());
    append(chunk.substr(0, take));
    chunk.remove_prefix(take);
    if (buffer_.size() < *payload_size_)
      return {};
    on_frame(context, std::string_view{buffer_.data(), buffer_.size()});
    buffer_.clear();
    payload_size_.reset();
  }
  return {};
}

void frame_decoder::feed_raw(std::string_view chunk, void* context,
                             frame_handler on_frame) {
  while (!chunk.empty()) {
    auto take = std::min(chunk.size(), options_.max_frame_size);
    on_frame(context, chunk.substr(0, take));
    chunk.remove_prefix(take);
  }
}

namespace detail {

encode_status append_frame(const framing_options& options, std::string_view payload,
                           std::vector<char>& out) {
  // A line that already ends with the delimiter brings its own end: "x\n"
  // goes out as "x\n", and "x\r\n" as the CRLF line it is.
  if (options.kind == framing_kind::line && !payload.empty()
      && payload.back() == options.delimiter)
    payload.remove_suffix(1);
  if (payload.size() > options.max_frame_size)
    return encode_status::over_max_frame_size;
  switch (options.kind) {
    case framing_kind::line:
      if (payload.find(options.delimiter) != std::string_view::npos)
        return encode_status::contains_delimiter;
      out.insert(out.end(), payload.begin(), payload.end());
      out.push_back(options.delimiter);
      return encode_status::ok;
    case framing_kind::length16:
      if (payload.size() > 0xFFFF)
        return encode_status::over_length16;
      out.push_back(static_cast<char>((payload.size() >> 8) & 0xFF));
      out.push_back(static_cast<char>(payload.size() & 0xFF));
      break;
    case framing_kind::length32:
      if (payload.size() > 0xFFFFFFFFu)
        return encode_status::over_length32;
      for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<char>((payload.size() >> shift) & 0xFF));
      break;
    case framing_kind::raw: break;
  }
  out.insert(out.end(), payload.begin(), payload.end());
  return encode_status::ok;
}

} // namespace detail

caf::error encode_frame(const framing_options& options,
                                       std::string_view payload,
                                       std::vector<char>& out) {
  switch (detail::append_frame(options, payload, out)) {
    case detail::encode_status::ok:
      return {};
    case detail::encode_status::over_max_frame_size:
      return too_large(payload.size(), options.max_frame_size, "payload");
    case detail::encode_status::contains_delimiter:
      return caf::make_error(error_kind::malformed_frame,
                             "a line payload must not contain the delimiter "
                             "except as its last byte");
    case detail::encode_status::over_length16:
      return caf::make_error(error_kind::frame_too_large,
                             "payload of " + std::to_string(payload.size())
                               + " bytes does not fit a 2-byte length (65535)");
    case detail::encode_status::over_length32:
      return caf::make_error(error_kind::frame_too_large,
                             "payload does not fit a 4-byte length");
  }
  return {};
}

} // namespace actors
