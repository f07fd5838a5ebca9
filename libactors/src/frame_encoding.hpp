#pragma once

// encode_frame without a caf::error on the way: the connection encodes every
// frame it sends, and building and destroying an error value (a call into
// libcaf_core each) showed in profiles. Internal.

#include <cstdint>
#include <string_view>
#include <vector>

#include "actors/framing.hpp"

namespace actors::detail {

/// Why a payload could not be encoded.
enum class encode_status : std::uint8_t {
  ok,
  over_max_frame_size,
  contains_delimiter,
  over_length16,
  over_length32,
};

/// Appends `payload` as one frame to `out`, or leaves `out` as it was and
/// says why not. `encode_frame` turns a status into its error.
encode_status append_frame(const framing_options& options, std::string_view payload,
                           std::vector<char>& out);

} // namespace actors::detail
