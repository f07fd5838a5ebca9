#include "actors/error_kind.hpp"

namespace actors {

const char* to_string(error_kind kind) noexcept {
  switch (kind) {
    case error_kind::none: return "none";
    case error_kind::frame_too_large: return "frame_too_large";
    case error_kind::malformed_frame: return "malformed_frame";
    case error_kind::decoder_failed: return "decoder_failed";
    case error_kind::connection_refused: return "connection_refused";
    case error_kind::host_unresolved: return "host_unresolved";
    case error_kind::connect_timeout: return "connect_timeout";
    case error_kind::idle_timeout: return "idle_timeout";
    case error_kind::peer_reset: return "peer_reset";
    case error_kind::peer_closed: return "peer_closed";
    case error_kind::not_connected: return "not_connected";
    case error_kind::write_buffer_full: return "write_buffer_full";
    case error_kind::too_many_connections: return "too_many_connections";
    case error_kind::listen_failed: return "listen_failed";
    case error_kind::io_failure: return "io_failure";
    case error_kind::invalid_argument: return "invalid_argument";
  }
  return "unknown";
}

std::string to_string(const error_info& err) {
  std::string result = to_string(err.kind);
  if (!err.message.empty()) {
    result += ": ";
    result += err.message;
  }
  return result;
}

} // namespace actors
