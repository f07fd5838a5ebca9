#include "actors/error_kind.hpp"

#include <caf/actor_system_config.hpp>
#include <caf/message.hpp>

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
    case error_kind::truncated_frame: return "truncated_frame";
    case error_kind::tls_handshake_failed: return "tls_handshake_failed";
    case error_kind::tls_error: return "tls_error";
    case error_kind::datagram_too_large: return "datagram_too_large";
    case error_kind::limit_reached: return "limit_reached";
    case error_kind::session_failed: return "session_failed";
    case error_kind::other: return "other";
  }
  return "unknown";
}

error_kind kind_of(const caf::error& err) noexcept {
  if (!err)
    return error_kind::none;
  if (err.category() != error_category || err.code() >= static_cast<std::uint8_t>(error_kind::other))
    return error_kind::other;
  return static_cast<error_kind>(err.code());
}

std::string message_of(const caf::error& err) {
  if (kind_of(err) == error_kind::other)
    return to_string(err);
  const auto& context = err.context();
  if (context.match_elements<std::string>())
    return context.get_as<std::string>(0);
  return {};
}

std::string describe(const caf::error& err) {
  auto kind = kind_of(err);
  if (kind == error_kind::other)
    return to_string(err);
  std::string result = to_string(kind);
  auto message = message_of(err);
  if (!message.empty()) {
    result += ": ";
    result += message;
  }
  return result;
}

void add_error_category(caf::actor_system_config& cfg) {
  cfg.add_error_category(error_category, [](std::uint8_t code, caf::atom_value,
                                            const caf::message& context) {
    return describe(caf::error{code, error_category, context});
  });
}

} // namespace actors
