#pragma once

// Applies the UI bridge's batches in a wx program and acknowledges them:
// the UI-thread half of the ui_sink contract (actors/ui_sink.hpp).

#include <cstdint>
#include <functional>

#include <caf/actor.hpp>
#include <wx/event.h>
#include <wx/timer.h>

#include "actors/ui_sink.hpp"
#include "actors/wx/ui_sink.hpp"

namespace actors::wx {

/// When a `batch_receiver` acknowledges a batch it applied.
enum class ack_timing : std::uint8_t {
  /// One event-loop turn after applying (a zero-delay timer): under a flood
  /// the next batch then cannot arrive while wx still drains its pending
  /// events, so the loop paints and runs timers between batches. The default.
  next_turn,
  /// Right after applying: the lowest latency, for views that apply a batch
  /// in far less time than a frame takes to paint.
  after_apply,
};

/// Receives the batches of one `ui_sink` on the UI thread: calls `apply`
/// for each, then sends `ui_ack_atom, batch.sequence` to the bridge, exactly
/// once per batch (never for a batch that arrives after the receiver is
/// gone). Typically a member of the window that shows the batches, so that
/// batches stop reaching the window when it is destroyed. A batch whose
/// `next_turn` acknowledgement is still due when the receiver is destroyed
/// is not acknowledged (the actor system may be gone by then): the bridge
/// then posts nothing more, so give a bridge one receiver for its lifetime.
/// Create, use and destroy it on the UI thread only.
class batch_receiver {
public:
  /// Shows one batch. Called on the UI thread.
  using apply_function = std::function<void(const ui_batch&)>;

  /// Handles the events of `sink` (on its target) until destroyed.
  /// `bridge` is the UI bridge that holds `sink`.
  batch_receiver(const ui_sink& sink, caf::actor bridge, apply_function apply,
                 ack_timing timing = ack_timing::next_turn);
  ~batch_receiver();

  batch_receiver(const batch_receiver&) = delete;
  batch_receiver& operator=(const batch_receiver&) = delete;

  /// A neutral hook for tests and benchmarks, not for showing things: calls
  /// `observer` on the UI thread right after each batch is applied (before it
  /// is acknowledged). An empty function stops observing.
  void observe(apply_function observer) { observer_ = std::move(observer); }

private:
  void on_batch(wxThreadEvent& event);
  void acknowledge();

  wxEvtHandler& source_;
  int id_;
  caf::actor bridge_;
  apply_function apply_;
  apply_function observer_;
  ack_timing timing_;
  wxTimer ack_timer_;
  // The applied batch not yet acknowledged; 0 when none.
  std::uint64_t unacknowledged_ = 0;
};

} // namespace actors::wx
