#pragma once

// For an actor that sends events to actors it does not own, as a connection
// does to its subscriber: what to do with what comes back.
//
// A subscriber may ignore events: `set_default_handler(caf::drop)` is the
// usual way. CAF answers each event so dropped with an `unexpected_message`
// error, sent back as a message, and CAF's default reaction to an error
// message is to quit. A connection whose subscriber ignored `connected`
// ended so at once, its replies unsent and no `disconnected` sent. Every
// actor of the framework that sends events calls this; call it in your
// own actors that do (a relay, a recorder, a hub).

#include <caf/error.hpp>
#include <caf/scheduled_actor.hpp>

namespace actors {

/// Drops messages `self` does not understand (an event sent back to it, a
/// stranger's command) without CAF's printing to stdout, and ignores
/// errors sent back for its messages: what a receiver does with an event is
/// its own business. Answers to `self`'s requests are not affected: they go
/// to the request's handlers.
inline void ignore_what_comes_back(caf::scheduled_actor* self) {
  self->set_default_handler(caf::drop);
  self->set_error_handler([](caf::scheduled_actor*, caf::error&) {});
}

} // namespace actors
