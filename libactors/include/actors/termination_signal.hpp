#pragma once

#include <chrono>

namespace actors {

/// Blocks SIGINT and SIGTERM in the calling thread and every thread it
/// starts afterwards, so that `wait_for_termination_signal` can take them.
/// Call it first in `main`, before creating the actor system.
void block_termination_signals();

/// Waits until SIGINT or SIGTERM arrives and returns its number. Blocks:
/// call it from `main`, never from an actor or the UI thread.
int wait_for_termination_signal();

/// Waits at most `timeout` for SIGINT or SIGTERM; returns its number, or 0
/// when none arrived. Blocks for up to `timeout`: a detached actor can call
/// it in a loop and still read its mailbox (an exit message) in between.
int wait_for_termination_signal(std::chrono::milliseconds timeout);

} // namespace actors
