#pragma once

// How many reads one socket event may do before the multiplexer moves on to
// the next socket: CAF's "middleman.max-consecutive-reads" (50 by default),
// which our TCP and UDP handlers honour like CAF's own. Internal.

#include <cstddef>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/config_value.hpp>
#include <caf/defaults.hpp>
#include <caf/io/network/default_multiplexer.hpp>

namespace actors::detail {

/// The read budget per socket event configured for `mpx`'s system.
inline std::size_t max_consecutive_reads(caf::io::network::default_multiplexer& mpx) {
  return caf::get_or(mpx.system().config(), "middleman.max-consecutive-reads",
                     caf::defaults::middleman::max_consecutive_reads);
}

} // namespace actors::detail
