#include "actors/wx/batch_receiver.hpp"

#include <utility>

#include <caf/send.hpp>

#include "actors/ui_protocol.hpp"
#include "actors/wx/batch_event.hpp"

namespace actors::wx {

batch_receiver::batch_receiver(const ui_sink& sink, caf::actor bridge,
                               apply_function apply, ack_timing timing)
  : source_(sink.target()), id_(sink.id()), bridge_(std::move(bridge)),
    apply_(std::move(apply)), timing_(timing) {
  source_.Bind(ui_batch_event, &batch_receiver::on_batch, this, id_);
  ack_timer_.Bind(wxEVT_TIMER, [this](wxTimerEvent&) { acknowledge(); });
}

batch_receiver::~batch_receiver() {
  source_.Unbind(ui_batch_event, &batch_receiver::on_batch, this, id_);
}

void batch_receiver::on_batch(wxThreadEvent& event) {
  auto batch = batch_of(event);
  if (!batch)
    return;
  // The bridge keeps one batch in flight, so none should be waiting; if one
  // is, its acknowledgement goes first, keeping "exactly once" and the order.
  acknowledge();
  apply_(*batch);
  if (observer_)
    observer_(*batch);
  unacknowledged_ = batch->sequence;
  if (timing_ == ack_timing::after_apply)
    acknowledge();
  else
    ack_timer_.StartOnce(0);
}

void batch_receiver::acknowledge() {
  ack_timer_.Stop();
  if (unacknowledged_ == 0)
    return;
  caf::anon_send(bridge_, ui_ack_atom::value, unacknowledged_);
  unacknowledged_ = 0;
}

} // namespace actors::wx
