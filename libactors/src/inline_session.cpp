#include "actors/inline_session.hpp"

#include "connection_steps.hpp"

namespace actors {

bool session_output::send(std::string_view payload) {
  if (close_requested_) {
    detail::notify_error(self_, error_kind::not_connected,
                         "send after close: the frame was dropped");
    return false;
  }
  return detail::queue_frame(self_, payload);
}

bool session_output::send(const std::vector<std::string_view>& payloads) {
  if (close_requested_) {
    detail::notify_error(self_, error_kind::not_connected,
                         "send after close: the frames were dropped");
    return false;
  }
  std::size_t bytes = 0;
  for (auto payload : payloads)
    bytes += payload.size();
  return detail::queue_payloads(self_, payloads.data(), payloads.size(), bytes);
}

std::size_t session_output::queued_bytes() const noexcept {
  return self_->state.queued_bytes;
}

connection_id session_output::id() const noexcept {
  return self_->state.stats.id;
}

} // namespace actors
