#include "end_of_pass.hpp"

#include <vector>

#include <caf/io/network/default_multiplexer.hpp>

#include "tcp_scribe.hpp"

namespace actors::detail {

namespace {

// One list per multiplexer: each has a thread of its own, and only that
// thread holds writes.
thread_local std::vector<caf::intrusive_ptr<tcp_scribe>> held_writes;

} // namespace

void write_at_end_of_pass(caf::io::network::default_multiplexer& mpx,
                          caf::intrusive_ptr<tcp_scribe> scribe) {
  if (held_writes.empty())
    // Posted from the multiplexer's thread, this runs after the sockets
    // of the pass are handled, before the multiplexer blocks again.
    mpx.post([] {
      // Swapped out, not iterated in place: a write can hold another, for
      // the next pass. The memory goes back unless one did, so a busy pass
      // does not grow the list from nothing again (CAF's own posted jobs
      // do the same).
      std::vector<caf::intrusive_ptr<tcp_scribe>> writes;
      writes.swap(held_writes);
      for (auto& scribe : writes)
        scribe->write_held();
      if (held_writes.empty()) {
        writes.clear();
        writes.swap(held_writes);
      }
    });
  held_writes.push_back(std::move(scribe));
}

} // namespace actors::detail
