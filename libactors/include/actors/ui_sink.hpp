#pragma once

#include <cstdint>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "actors/ui_event.hpp"

namespace actors {

/// Events for the UI, handed over in one piece.
struct ui_batch {
  /// 1 for the first batch, then one more per batch. The UI acknowledges a
  /// batch by sending `ui_ack_atom` with this number to the bridge.
  std::uint64_t sequence = 0;
  /// The events in the order the bridge received them. Events the bridge
  /// had to drop appear as one `dropped` event (with a count) in their place.
  std::vector<ui_event> events;
};

/// Makes `ui_batch` inspectable: CAF serializes and prints it with this.
/// @relates ui_batch
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ui_batch& x) {
  return f(caf::meta::type_name("ui_batch"), x.sequence, x.events);
}

/// Where the UI bridge delivers batches: the one place where events cross
/// into the UI thread. libactors has no GUI dependency; a GUI implements this
/// with its toolkit's thread-safe "queue an event" call (client-wx uses
/// `wxQueueEvent`), tests with `actors::testing::headless_sink`.
///
/// The contract: the bridge calls `post` for one batch, then waits. The UI
/// applies the batch on its own thread and then sends
/// `ui_ack_atom, batch.sequence` to the bridge (e.g. with `caf::anon_send`),
/// exactly once. Only then does the bridge post the next batch, so at most one
/// batch is ever in flight and a slow UI gets fewer, larger batches.
class ui_sink {
public:
  virtual ~ui_sink();

  /// Hands `batch` to the UI thread. Called by the UI bridge from its actor's
  /// thread; safe to call from any thread. Must not block and must not throw.
  virtual void post(ui_batch batch) = 0;
};

} // namespace actors
