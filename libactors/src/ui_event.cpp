#include "actors/ui_event.hpp"

#include <utility>

namespace actors {

const char* to_string(ui_event_kind kind) noexcept {
  switch (kind) {
    case ui_event_kind::connected: return "connected";
    case ui_event_kind::frame: return "frame";
    case ui_event_kind::error: return "error";
    case ui_event_kind::reconnecting: return "reconnecting";
    case ui_event_kind::disconnected: return "disconnected";
    case ui_event_kind::dropped: return "dropped";
    case ui_event_kind::message: return "message";
    case ui_event_kind::listening: return "listening";
    case ui_event_kind::stop_requested: return "stop_requested";
    case ui_event_kind::peer_finished: return "peer_finished";
    case ui_event_kind::opened: return "opened";
  }
  return "unknown";
}

std::optional<ui_event_kind> parse_ui_event_kind(std::string_view name) noexcept {
  for (std::size_t i = 0; i < ui_event_kind_count; ++i) {
    auto kind = static_cast<ui_event_kind>(i);
    if (name == to_string(kind))
      return kind;
  }
  return std::nullopt;
}

ui_event make_message_event(std::string text) {
  ui_event result;
  result.kind = ui_event_kind::message;
  result.time = wall_clock_now();
  result.message = std::move(text);
  return result;
}

ui_event make_error_event(error_kind kind, std::string message,
                          connection_id connection) {
  ui_event result;
  result.kind = ui_event_kind::error;
  result.connection = connection;
  result.time = wall_clock_now();
  result.error = kind;
  result.message = std::move(message);
  return result;
}

ui_event make_frame_event(connection_id connection, direction dir,
                          std::string payload) {
  ui_event result;
  result.kind = ui_event_kind::frame;
  result.connection = connection;
  result.time = wall_clock_now();
  result.dir = dir;
  result.payload = std::move(payload);
  return result;
}

ui_event to_ui_event(connected event) {
  ui_event result;
  result.kind = ui_event_kind::connected;
  result.connection = event.id;
  result.time = wall_clock_now();
  result.address = std::move(event.peer);
  if (!event.tls_version.empty())
    result.tls = event.tls_version + " " + event.tls_cipher;
  // Text for people, as every other event has: a window that shows the
  // messages of events says the connection is up.
  result.message = "connected to " + result.address
                   + (result.tls.empty() ? "" : " (" + result.tls + ")");
  return result;
}

ui_event to_ui_event(frame_received event) {
  return make_frame_event(event.id, direction::in,
                          std::move(event.payload));
}

ui_event to_ui_event(connection_error event) {
  return make_error_event(event.kind, std::move(event.message), event.id);
}

ui_event to_ui_event(reconnecting event) {
  ui_event result;
  result.kind = ui_event_kind::reconnecting;
  result.connection = event.id;
  result.time = wall_clock_now();
  result.attempt = event.attempt;
  result.message = "retry " + std::to_string(event.attempt) + " in "
                   + std::to_string(event.delay_ms) + " ms";
  return result;
}

ui_event to_ui_event(disconnected event) {
  ui_event result;
  result.kind = ui_event_kind::disconnected;
  result.connection = event.id;
  result.time = wall_clock_now();
  result.error = event.reason;
  result.message = std::move(event.message);
  return result;
}

ui_event to_ui_event(peer_finished event) {
  ui_event result;
  result.kind = ui_event_kind::peer_finished;
  result.connection = event.id;
  result.time = wall_clock_now();
  result.message = "the peer finished sending";
  return result;
}

ui_event to_ui_event(udp_ready event) {
  ui_event result;
  result.kind = ui_event_kind::opened;
  result.connection = event.id;
  result.time = wall_clock_now();
  result.address = "udp://" + (event.remote.empty() ? event.local : event.remote);
  result.message = event.remote.empty() ? "UDP on " + event.local
                                        : "UDP to " + event.remote + " from " + event.local;
  return result;
}

ui_event to_ui_event(datagram event, udp_endpoint_id id, direction dir) {
  auto result = make_frame_event(id, dir, std::move(event.payload));
  result.address = std::move(event.peer);
  return result;
}

ui_event to_ui_event(udp_error event) {
  auto result = make_error_event(event.kind, std::move(event.message), event.id);
  result.address = std::move(event.peer);
  return result;
}

ui_event to_ui_event(udp_closed event) {
  auto result = to_ui_event(disconnected{event.id, event.reason, std::move(event.message), {}});
  if (event.stats.dropped + event.stats.dropped_by_kernel > 0)
    result.message += " (" + std::to_string(event.stats.dropped + event.stats.dropped_by_kernel)
                      + " datagrams dropped)";
  return result;
}

ui_event to_ui_event(peer_refused event) {
  auto result = make_error_event(event.reason, std::move(event.message));
  result.address = std::move(event.peer);
  return result;
}

} // namespace actors
