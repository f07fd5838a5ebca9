#pragma once

namespace actors {

/// Blocks SIGINT and SIGTERM in the calling thread and every thread it
/// starts afterwards, so that `wait_for_termination_signal` can take them.
/// Call it first in `main`, before creating the actor system.
void block_termination_signals();

/// Waits until SIGINT or SIGTERM arrives and returns its number. Blocks:
/// call it from `main`, never from an actor or the UI thread.
int wait_for_termination_signal();

} // namespace actors
