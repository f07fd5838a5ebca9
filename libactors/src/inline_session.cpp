#include "actors/inline_session.hpp"

#include <string>

#include "connection_steps.hpp"

namespace actors {

namespace {

// Queues `count` payloads as frames, unless the session closed its side;
// `dropped` says what was dropped then.
bool queue(session_output::broker_type* self, bool closed, const std::string_view* payloads,
           std::size_t count, const char* dropped) {
  if (closed) {
    detail::notify_error(self, error_kind::not_connected,
                         std::string{"send after close: "} + dropped);
    return false;
  }
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < count; ++i)
    bytes += payloads[i].size();
  return detail::queue_payloads(self, payloads, count, bytes);
}

} // namespace

bool session_output::send(std::string_view payload) {
  return queue(self_, close_requested_, &payload, 1, "the frame was dropped");
}

bool session_output::send(const std::vector<std::string_view>& payloads) {
  return queue(self_, close_requested_, payloads.data(), payloads.size(),
               "the frames were dropped");
}

std::size_t session_output::queued_bytes() const noexcept {
  return self_->state.queued_bytes;
}

connection_id session_output::id() const noexcept {
  return self_->state.stats.id;
}

} // namespace actors
