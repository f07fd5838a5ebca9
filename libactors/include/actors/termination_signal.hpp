#pragma once

#include <chrono>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

namespace actors {

/// Blocks SIGINT and SIGTERM in the calling thread and every thread it
/// starts afterwards, so that `wait_for_termination_signal` can take them;
/// SIGHUP too (a closed terminal), unless it is ignored (started with
/// nohup). Call it first in `main`, before creating the actor system.
void block_termination_signals();

/// Waits until SIGINT or SIGTERM (or SIGHUP, see above) arrives and returns
/// its number. Blocks:
/// call it from `main`, never from an actor or the UI thread.
int wait_for_termination_signal();

/// Waits at most `timeout` for SIGINT or SIGTERM; returns its number, or 0
/// when none arrived. Blocks for up to `timeout`: a detached actor can call
/// it in a loop and still read its mailbox (an exit message) in between.
int wait_for_termination_signal(std::chrono::milliseconds timeout);

/// For a program whose main thread runs a UI loop, so cannot wait: spawns
/// an actor that looks for a pending SIGINT or SIGTERM every `interval` and,
/// at the first, sends `ui_bridge` a `ui_event` of kind `stop_requested`
/// (the UI then closes as the user would) and quits. It never blocks a
/// thread; it runs on a thread of its own, so that its checks leave the
/// scheduler's workers asleep while the program idles. Call
/// `block_termination_signals` before creating the actor system; stop the
/// actor with an exit message. Safe to call from any thread.
caf::actor spawn_termination_watch(caf::actor_system& system, caf::actor ui_bridge,
                                   std::chrono::milliseconds interval
                                   = std::chrono::milliseconds{100});

} // namespace actors
