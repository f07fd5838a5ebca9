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

std::size_t session_output::queued_bytes() const noexcept {
  return self_->state.queued_bytes;
}

connection_id session_output::id() const noexcept {
  return self_->state.stats.id;
}

} // namespace actors
