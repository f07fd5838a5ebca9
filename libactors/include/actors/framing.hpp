#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>
#include <vector>

#include "actors/error_kind.hpp"

namespace actors {

/// How a byte stream is cut into frames.
enum class framing_kind : std::uint8_t {
  /// Frames end with a delimiter byte (default LF; a CR before an LF is stripped).
  line,
  /// Each frame starts with a 2-byte big-endian payload length.
  length16,
  /// Each frame starts with a 4-byte big-endian payload length.
  length32,
  /// Every chunk read from the socket is one frame (split at max_frame_size).
  raw,
};

/// Returns "line", "length16", "length32" or "raw".
const char* to_string(framing_kind kind) noexcept;

/// Parses the names produced by `to_string(framing_kind)`.
std::optional<framing_kind> parse_framing_kind(std::string_view name) noexcept;

/// The default bound on one frame's payload: 1 MiB.
constexpr std::size_t default_max_frame_size = 1024 * 1024;

/// Configuration shared by `frame_decoder` and `encode_frame`.
struct framing_options {
  /// How frames are delimited.
  framing_kind kind = framing_kind::line;
  /// The largest payload accepted or produced; larger ones are an error.
  std::size_t max_frame_size = default_max_frame_size;
  /// The byte that ends a frame in line framing. With LF ('\\n'), a
  /// preceding CR is stripped, so CRLF and LF input both work.
  char delimiter = '\n';
};

/// Incremental decoder: bytes go in as arbitrary chunks, whole frames come out.
///
/// Bounded: the internal buffer holds at most one partial frame, so it never
/// exceeds `max_frame_size` (+1 for a pending CR). A frame over the limit is
/// reported before any buffer grows past it. After an error the decoder
/// refuses input (error_kind::decoder_failed) until `reset()`.
/// Not thread-safe: owned by one actor.
class frame_decoder {
public:
  /// Receives one frame. The view is valid only during the call.
  using frame_handler = void (*)(void* context, std::string_view frame);

  /// Creates a decoder for `options`.
  explicit frame_decoder(framing_options options = {});

  /// Decodes `chunk`, calling `on_frame(std::string_view)` once per complete
  /// frame in order. Returns the error that stopped decoding, if any; frames
  /// before the error have been delivered.
  template <class OnFrame>
  caf::error feed(std::string_view chunk, OnFrame&& on_frame) {
    // Lines, the common case, without a call through a pointer per frame.
    if (options_.kind == framing_kind::line && !failed_)
      return feed_line(chunk, on_frame);
    using handler_type = std::remove_reference_t<OnFrame>;
    return feed(chunk, const_cast<void*>(static_cast<const void*>(&on_frame)),
                [](void* context, std::string_view frame) {
                  (*static_cast<handler_type*>(context))(frame);
                });
  }

  /// Type-erased form of `feed`.
  caf::error feed(std::string_view chunk, void* context,
                                 frame_handler on_frame);

  /// Drops any partial frame and clears the error state.
  void reset() noexcept;

  /// Bytes of a partial frame held until the rest arrives.
  std::size_t buffered() const noexcept { return buffer_.size(); }

  /// Bytes currently allocated for partial frames (bounded by max_frame_size).
  std::size_t capacity() const noexcept { return buffer_.capacity(); }

  /// True after an error, until `reset()`.
  bool failed() const noexcept { return failed_; }

  /// The options this decoder was created with.
  const framing_options& options() const noexcept { return options_; }

private:
  template <class OnFrame>
  caf::error feed_line(std::string_view chunk, OnFrame& on_frame);
  // `complete`: the line's end was seen; else `size` is what came so far.
  caf::error line_too_large(std::size_t size, bool complete);
  caf::error feed_length(std::string_view chunk, void* context,
                                        frame_handler on_frame);
  void feed_raw(std::string_view chunk, void* context, frame_handler on_frame);
  caf::error fail(caf::error err);
  void append(std::string_view bytes);

  framing_options options_;
  std::vector<char> buffer_;
  unsigned char header_[4] = {0, 0, 0, 0};
  std::size_t header_fill_ = 0;
  std::optional<std::size_t> payload_size_;
  bool failed_ = false;
};

template <class OnFrame>
caf::error frame_decoder::feed_line(std::string_view chunk, OnFrame& on_frame) {
  const bool strip_cr = options_.delimiter == '\n';
  // A pending CR may sit beyond the limit until we see whether LF follows.
  const std::size_t partial_limit = options_.max_frame_size + (strip_cr ? 1 : 0);
  // The size of a line without the CR of a CRLF. A size, not a string_view
  // changed through a reference: that would give the line a home on the
  // stack, and the handler's 16-byte copy of it would wait on two 8-byte
  // stores there (a store-forwarding stall on every frame).
  auto without_cr = [strip_cr](const char* data, std::size_t size) {
    return strip_cr && size > 0 && data[size - 1] == '\r' ? size - 1 : size;
  };
  while (!chunk.empty()) {
    auto pos = chunk.find(options_.delimiter);
    if (pos == std::string_view::npos) {
      if (buffer_.size() + chunk.size() > partial_limit)
        return fail(line_too_large(buffer_.size() + chunk.size(), false));
      append(chunk);
      return {};
    }
    auto line = chunk.substr(0, pos);
    chunk.remove_prefix(pos + 1);
    // The common case: the whole line is in this chunk, no copy needed.
    if (!buffer_.empty()) { // the line began in an earlier chunk
      if (buffer_.size() + line.size() > partial_limit)
        return fail(line_too_large(buffer_.size() + line.size(), true));
      append(line);
      line = std::string_view{buffer_.data(), buffer_.size()};
    }
    auto size = without_cr(line.data(), line.size());
    if (size > options_.max_frame_size)
      return fail(line_too_large(size, true));
    on_frame(std::string_view{line.data(), size});
    buffer_.clear();
  }
  return {};
}

/// Appends `payload` as one frame to `out`. A line payload that ends with
/// the delimiter is taken as the whole line ("x\n" and "x" both go out as
/// "x\n"; "x\r\n" as "x\r\n"). Fails with frame_too_large when the payload
/// exceeds max_frame_size (or 65535 bytes for length16), and with
/// malformed_frame when a line payload holds the delimiter anywhere else.
caf::error encode_frame(const framing_options& options,
                                       std::string_view payload,
                                       std::vector<char>& out);

} // namespace actors
