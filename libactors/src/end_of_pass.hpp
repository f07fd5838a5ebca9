#pragma once

// Writes held until the multiplexer's current pass ends. Internal.
//
// A pass of CAF's multiplexer handles every socket epoll reported ready,
// then runs what was posted during it, then waits again. A connection that
// flushes while it reads in the pass (an inline session's replies) has its
// bytes written at the end of it, once per socket: the peer gets the
// replies of a whole pass back to back instead of one between each of our
// reads, and a socket read several times in a pass takes one `send`.
// Servers that write "before they sleep" (Redis's beforeSleep, Netty's
// flush consolidation) do the same. Nothing waits longer than the pass:
// the multiplexer runs posted work before it blocks.

#include <caf/intrusive_ptr.hpp>
#include <caf/io/fwd.hpp>

namespace actors::detail {

class tcp_scribe;

/// Calls `scribe->write_held()` when the current pass of `mpx` ends.
/// Call it on the multiplexer's thread, at most once per write held.
void write_at_end_of_pass(caf::io::network::default_multiplexer& mpx,
                          caf::intrusive_ptr<tcp_scribe> scribe);

} // namespace actors::detail
