#include "actors/testing/scenario.hpp"

#include <utility>

#include <caf/exit_reason.hpp>
#include <caf/send.hpp>

#include "actors/ui_protocol.hpp"
#include "scenario_impl.hpp"

namespace actors::testing {

namespace {

using detail::ms;

std::string quoted(const std::string& text) {
  return "\"" + text + "\"";
}

// The part of `event` that scripts compare with (see expect_ui_event).
std::string event_text(const ui_event& event) {
  switch (event.kind) {
    case ui_event_kind::connected:
    case ui_event_kind::listening:
    case ui_event_kind::opened: return event.address;
    case ui_event_kind::frame: return event.payload;
    case ui_event_kind::message:
    case ui_event_kind::stop_requested:
    case ui_event_kind::peer_finished: return event.message;
    case ui_event_kind::error:
    case ui_event_kind::disconnected: return to_string(event.error);
    case ui_event_kind::dropped: return std::to_string(event.dropped);
    case ui_event_kind::reconnecting: return std::to_string(event.attempt);
  }
  return {};
}

} // namespace

const char* to_string(scenario_mode mode) noexcept {
  return mode == scenario_mode::deterministic ? "deterministic" : "real";
}

outcome outcome::failure(std::string message) {
  outcome result;
  result.failed_ = message.empty() ? "failed" : std::move(message);
  return result;
}

std::ostream& operator<<(std::ostream& out, const outcome& x) {
  return out << (x ? std::string{"ok"} : x.message());
}

scenario::impl::impl(scenario_options opts) : options(std::move(opts)) {
  runtime = options.mode == scenario_mode::deterministic
              ? detail::make_simulated_runtime(options)
              : detail::make_real_runtime(options);
  sink = std::make_shared<headless_sink>(runtime->system(), options.sink);
  bridge = spawn_ui_bridge(runtime->system(), sink, options.bridge);
  sink->attach(bridge);
  runtime->settle();
}

scenario::impl::~impl() {
  peers.clear();
  runtime->stop_server();
  runtime->self()->send(bridge, close_atom::value);
  caf::anon_send_exit(sink->ui(), caf::exit_reason::user_shutdown);
  runtime->settle();
  sink.reset();
  bridge = nullptr;
  runtime.reset();
}

scenario::scenario(scenario_options options)
  : impl_(std::make_unique<impl>(std::move(options))) {
  // nop
}

scenario::~scenario() = default;

scenario_mode scenario::mode() const noexcept {
  return impl_->options.mode;
}

caf::actor_system& scenario::system() noexcept {
  return impl_->runtime->system();
}

const caf::actor& scenario::bridge() const noexcept {
  return impl_->bridge;
}

headless_sink& scenario::sink() noexcept {
  return *impl_->sink;
}

std::chrono::milliseconds scenario::default_timeout() const noexcept {
  return impl_->options.default_timeout;
}

outcome scenario::post(const std::string& text) {
  impl_->runtime->self()->send(impl_->bridge, make_message_event(text));
  impl_->runtime->settle();
  return {};
}

outcome scenario::stall_sink() {
  impl_->sink->stall();
  impl_->runtime->settle();
  return {};
}

outcome scenario::resume_sink() {
  impl_->sink->resume();
  impl_->runtime->settle();
  return {};
}

outcome scenario::slow_sink(std::chrono::milliseconds per_batch) {
  impl_->sink->slow(per_batch);
  impl_->runtime->settle();
  return {};
}

outcome scenario::wait(std::chrono::milliseconds duration) {
  impl_->runtime->wait(duration);
  return {};
}

outcome scenario::expect_ui_event(ui_event_kind kind, const std::string& text,
                                  std::chrono::milliseconds timeout) {
  auto& cursor = impl_->cursors.at(static_cast<std::size_t>(kind));
  auto found = impl_->runtime->await_event(impl_->sink->ui(),
                                           ui_event_query{kind, cursor}, timeout);
  std::string what = std::string{"`"} + to_string(kind) + "` event";
  if (!found) {
    auto record = ui_snapshot();
    return outcome::failure("the UI received no further " + what + " within "
                            + ms(timeout) + " (it received "
                            + std::to_string(record.get(ui_counter::events))
                            + " events in all)");
  }
  cursor = found->index + 1;
  auto actual = event_text(found->event);
  if (!text.empty() && actual != text)
    return outcome::failure("the UI's next " + what + " is " + quoted(actual)
                            + ", expected " + quoted(text));
  return {};
}

outcome scenario::expect_ui_count(ui_counter counter, std::uint64_t value,
                                  std::chrono::milliseconds timeout) {
  auto record = impl_->runtime->await_count(impl_->sink->ui(),
                                            ui_condition{counter, value}, timeout);
  std::string what = std::string{"UI "} + to_string(counter) + ": expected "
                     + std::to_string(value) + ", got ";
  if (!record)
    return outcome::failure(what
                            + std::to_string(ui_snapshot().get(counter))
                            + " within " + ms(timeout));
  if (record->get(counter) != value)
    return outcome::failure(what + std::to_string(record->get(counter)));
  return {};
}

outcome scenario::expect_ui_at_least(ui_counter counter, std::uint64_t value,
                                     std::chrono::milliseconds timeout) {
  if (impl_->runtime->await_count(impl_->sink->ui(), ui_condition{counter, value},
                                 timeout))
    return {};
  return outcome::failure(std::string{"UI "} + to_string(counter)
                          + ": expected at least " + std::to_string(value)
                          + ", got " + std::to_string(ui_snapshot().get(counter))
                          + " within " + ms(timeout));
}

ui_record scenario::ui_snapshot() {
  auto record = impl_->runtime->ask_for<ui_record>(impl_->sink->ui(), record_atom::value);
  return record ? *record : ui_record{};
}

ui_bridge_stats scenario::bridge_stats() {
  auto stats = impl_->runtime->ask_for<ui_bridge_stats>(impl_->bridge,
                                                      ui_stats_atom::value);
  return stats ? *stats : ui_bridge_stats{};
}

} // namespace actors::testing
