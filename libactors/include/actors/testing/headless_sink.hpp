#pragma once

// A UI without a GUI: a `ui_sink` whose "UI thread" is an actor that records
// what it receives, acknowledges batches (at once, slowly, or not at all),
// and answers questions about what it received.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/fwd.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/type_id.hpp>

#include "actors/ui_event.hpp"
#include "actors/ui_sink.hpp"

namespace actors::testing {

/// A number the headless UI keeps about what it received.
enum class ui_counter : std::uint8_t {
  /// Events in all batches, `dropped` markers included.
  events,
  /// Batches received.
  batches,
  /// `frame` events.
  frames,
  /// `connected` events.
  connected,
  /// `disconnected` events.
  disconnected,
  /// `error` events.
  errors,
  /// `reconnecting` events.
  reconnecting,
  /// `message` events.
  messages,
  /// `listening` events.
  listening,
  /// The sum of the counts of all `dropped` events: how many events the
  /// bridge dropped before they reached the UI.
  dropped,
  /// The most events in one batch.
  largest_batch,
  /// Batches that arrived while an earlier one was not yet acknowledged
  /// (a bridge keeping its contract never causes one).
  overlaps,
  /// Batches whose sequence number was not the previous one plus one.
  out_of_order,
  /// `stop_requested` events.
  stop_requests,
  /// `peer_finished` events.
  peer_finished,
  /// `opened` events (UDP endpoints).
  opened,
};

/// The number of `ui_counter` values, for tables indexed by counter.
constexpr std::size_t ui_counter_count = 16;

// A new counter goes last; this fails until the count above follows it.
static_assert(static_cast<std::size_t>(ui_counter::opened) + 1
                == ui_counter_count,
              "ui_counter_count must follow the last ui_counter");

/// Returns the name of `counter` as used in scenario scripts (e.g. "frames").
const char* to_string(ui_counter counter) noexcept;

/// Parses the names produced by `to_string(ui_counter)`.
std::optional<ui_counter> parse_ui_counter(std::string_view name) noexcept;

/// What the headless UI received so far: exact counters.
struct ui_record {
  /// One value per `ui_counter`, indexed by its numeric value.
  std::vector<std::uint64_t> counters = std::vector<std::uint64_t>(ui_counter_count);
  /// Events no longer kept for `next` queries (beyond max_recorded_events).
  std::uint64_t forgotten = 0;

  /// The value of `counter`.
  std::uint64_t get(ui_counter counter) const {
    return counters.at(static_cast<std::size_t>(counter));
  }
};

/// A condition to wait for: `counter` has reached `at_least`.
struct ui_condition {
  /// Which counter.
  ui_counter counter = ui_counter::events;
  /// The value it must reach.
  std::uint64_t at_least = 0;
};

/// A question: the first received event of `kind` whose index (its position
/// among all received events, from 0) is at least `from`.
struct ui_event_query {
  /// The kind of event asked for.
  ui_event_kind kind = ui_event_kind::frame;
  /// The smallest acceptable index.
  std::uint64_t from = 0;
};

/// An answer to `ui_event_query`.
struct indexed_ui_event {
  /// False if no such event has arrived (only for `peek_atom`).
  bool found = false;
  /// The event's index among all received events.
  std::uint64_t index = 0;
  /// The event.
  ui_event event;
};

/// Everything that configures a headless UI.
struct headless_sink_options {
  /// Events kept for `next` queries; older ones are forgotten (counted in
  /// `ui_record::forgotten`). Counters stay exact regardless.
  std::size_t max_recorded_events = 100'000;
  /// Pending `await_atom` questions; asking more fails the oldest one.
  std::size_t max_waiters = 64;
};

/// A `ui_sink` for tests and headless runs. Each batch goes, as a message,
/// to an actor that plays the UI thread: it records the batch, then
/// acknowledges it to the bridge (see `attach`) at once, after a delay
/// (`slow`), or not until `resume` (`stall`).
///
/// The UI actor answers (see the atoms below): `record_atom` with a
/// `ui_record`; `peek_atom, ui_event_query` at once with an
/// `indexed_ui_event`; `await_atom, ui_condition` with a `ui_record` once the
/// condition holds; `await_atom, ui_event_query` with an `indexed_ui_event`
/// once such an event arrived; `log_atom` with the kept events.
/// All member functions are safe to call from any thread.
class headless_sink : public ui_sink {
public:
  /// Spawns the UI actor in `system`.
  explicit headless_sink(caf::actor_system& system,
                         headless_sink_options options = {});

  /// Stops the UI actor. Destroy the sink before its actor system.
  ~headless_sink() override;

  headless_sink(const headless_sink&) = delete;
  headless_sink& operator=(const headless_sink&) = delete;

  /// Sends `batch` to the UI actor. Never blocks.
  void post(ui_batch batch) override;

  /// Tells the UI actor which bridge to acknowledge. A batch that arrives
  /// earlier waits (unacknowledged) until then.
  void attach(const caf::actor& bridge);

  /// Stops acknowledging: the batch in flight stays unacknowledged.
  void stall();

  /// Acknowledges at once again, including a batch held by `stall`.
  void resume();

  /// Acknowledges each batch `per_batch` after it arrived.
  void slow(std::chrono::milliseconds per_batch);

  /// The actor that plays the UI thread; ask it questions (see above).
  const caf::actor& ui() const noexcept { return ui_; }

private:
  caf::actor ui_;
};

/// Makes `ui_record` inspectable: CAF serializes and prints it with this.
/// @relates ui_record
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ui_record& x) {
  return f(caf::meta::type_name("ui_record"), x.counters, x.forgotten);
}

/// Makes `ui_condition` inspectable: CAF serializes and prints it with this.
/// @relates ui_condition
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ui_condition& x) {
  return f(caf::meta::type_name("ui_condition"), x.counter, x.at_least);
}

/// Makes `ui_event_query` inspectable: CAF serializes and prints it with this.
/// @relates ui_event_query
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ui_event_query& x) {
  return f(caf::meta::type_name("ui_event_query"), x.kind, x.from);
}

/// Makes `indexed_ui_event` inspectable: CAF serializes and prints it with this.
/// @relates indexed_ui_event
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, indexed_ui_event& x) {
  return f(caf::meta::type_name("indexed_ui_event"), x.found, x.index,
           x.event);
}

} // namespace actors::testing

CAF_BEGIN_TYPE_ID_BLOCK(actors_testing, caf::first_custom_type_id + 300)

  CAF_ADD_TYPE_ID(actors_testing, (actors::testing::ui_record))
  CAF_ADD_TYPE_ID(actors_testing, (actors::testing::ui_condition))
  CAF_ADD_TYPE_ID(actors_testing, (actors::testing::ui_event_query))
  CAF_ADD_TYPE_ID(actors_testing, (actors::testing::indexed_ui_event))

  /// Command: the bridge to acknowledge (`attach_atom, caf::actor`).
  CAF_ADD_ATOM(actors_testing, actors::testing, attach_atom, "attach")
  /// Command: stop acknowledging batches.
  CAF_ADD_ATOM(actors_testing, actors::testing, stall_atom, "stall")
  /// Command: acknowledge at once again.
  CAF_ADD_ATOM(actors_testing, actors::testing, resume_atom, "resume")
  /// Command: acknowledge after a delay (`slow_atom, caf::timespan`).
  CAF_ADD_ATOM(actors_testing, actors::testing, slow_atom, "slow")
  /// Question: reply with the `ui_record` now.
  CAF_ADD_ATOM(actors_testing, actors::testing, record_atom, "record")
  /// Question: reply with an `indexed_ui_event` now (found or not).
  CAF_ADD_ATOM(actors_testing, actors::testing, peek_atom, "peek")
  /// Question: reply once a condition holds or an event arrived.
  CAF_ADD_ATOM(actors_testing, actors::testing, await_atom, "await")
  /// Question: reply with the kept events (`std::vector<ui_event>`).
  CAF_ADD_ATOM(actors_testing, actors::testing, log_atom, "ui_log")

CAF_END_TYPE_ID_BLOCK(actors_testing)
