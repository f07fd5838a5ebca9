#pragma once

// What an actor that sends events to actors it does not own (a connection
// to its subscriber, a server to its observer) does with what comes back.
// Internal.
//
// A subscriber may ignore events: `set_default_handler(caf::drop)` is the
// usual way. CAF answers each event so dropped with an `unexpected_message`
// error, sent back as a message, and CAF's default reaction to an error
// message is to quit. A connection whose subscriber ignored `connected`
// then ended at once, its replies unsent and no `disconnected` sent.

#include <caf/error.hpp>
#include <caf/scheduled_actor.hpp>

namespace actors::detail {

/// Drops messages `self` does not understand (an event sent back to it, a
/// stranger's command) without CAF's printing to stdout, and ignores
/// errors sent back for its events: what a subscriber does with an event
/// is its own business. Answers to `self`'s requests are not affected.
inline void ignore_what_comes_back(caf::scheduled_actor* self) {
  self->set_default_handler(caf::drop);
  self->set_error_handler([](caf::scheduled_actor*, caf::error&) {});
}

} // namespace actors::detail
