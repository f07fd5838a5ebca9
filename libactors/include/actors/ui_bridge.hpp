#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/ui_protocol.hpp"
#include "actors/ui_sink.hpp"

namespace actors {

/// What the UI bridge does once its buffer reaches the high-water mark.
enum class overflow_policy : std::uint8_t {
  /// Slow the sources down: the bridge stops returning read credit to the
  /// connections it subscribes to, so they stop reading and TCP pushes back
  /// on their peers; it pays the credit back once acknowledgements bring the
  /// buffer below the mark. Nothing is lost as long as the mark leaves room
  /// for what connections read after it (their remaining credit plus one
  /// read chunk each); beyond the hard limit, events are dropped and counted.
  backpressure,
  /// Keep the sources running and drop events past the mark, counting them
  /// exactly; the UI receives the count as a `dropped` event. For live views.
  drop,
};

/// Returns "backpressure" or "drop".
const char* to_string(overflow_policy policy) noexcept;

/// Parses the names produced by `to_string(overflow_policy)`.
std::optional<overflow_policy> parse_overflow_policy(std::string_view name) noexcept;

/// The hard limit of the bridge's buffer, as a multiple of its high-water
/// marks: whatever the policy, events that would take the buffer past it are
/// dropped and counted.
constexpr std::size_t ui_bridge_hard_limit_factor = 2;

/// Everything that configures a UI bridge. The buffer counts events waiting
/// for the next batch plus those in the batch the UI has not acknowledged.
struct ui_bridge_options {
  /// The policy applies once this many events are buffered.
  std::size_t high_water = 10'000;
  /// The policy applies once the buffered events carry this many bytes of
  /// payload and message text.
  std::size_t high_water_bytes = 16 * 1024 * 1024;
  /// What happens at the mark.
  overflow_policy policy = overflow_policy::backpressure;
  /// The most events in one batch; the rest wait for the next one.
  std::size_t max_batch = 1'000;
  /// A metrics registry (metrics.hpp), or none: the bridge registers with
  /// it and answers `metrics_atom`.
  caf::actor metrics;
};

/// Spawns a UI bridge that delivers events to `sink`, one batch at a time.
///
/// Any actor may send it a `ui_event`, or several in order as one
/// `std::vector<ui_event>`; pass it as the subscriber to
/// `connect`, `listen` or `udp_open` and it turns connection and UDP
/// events into UI events and manages their read credit (one unit back per
/// frame or datagram, withheld past the high-water mark under
/// `backpressure`; a UDP endpoint then drops and counts what arrives). An event arriving while
/// the UI is idle is posted at once, alone; events arriving while a batch is
/// in flight are coalesced into the next batch, posted as soon as the UI
/// acknowledges the previous one (see `ui_sink`). Memory is bounded: at most
/// `ui_bridge_hard_limit_factor` times the high-water marks (events and
/// bytes) are ever buffered, plus one `dropped` marker (and any
/// `stop_requested` event, which is never dropped).
/// `sink` must not be null. The bridge runs until it receives `close_atom`
/// or an exit message. Safe to call from any thread.
/// Its handle is a dynamically typed `caf::actor`, not a `caf::typed_actor`:
/// it is a connection's subscriber (`connect`, `listen` and `subscribe_atom`
/// take any actor), and CAF 0.17 turns a typed handle into a `caf::actor`
/// only through an explicit `actor_cast` at each of those calls.
caf::actor spawn_ui_bridge(caf::actor_system& system,
                           std::shared_ptr<ui_sink> sink,
                           ui_bridge_options options = {});

} // namespace actors
