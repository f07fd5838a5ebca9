#pragma once

// The process's descriptor table, grown once up front. Internal.
//
// Why: Linux grows a process's descriptor table by doubling it (64, 128,
// ..., 2048, ...), and in a process with more than one thread each growth
// waits for an RCU grace period, 10-15 ms, inside the `accept` that needs
// the new slot. A server with actor threads accepting 1,000 clients met
// that wait four times, and its multiplexer, which runs every connection,
// stood still each time. Grown once when the server starts listening, the
// table never grows (nor shrinks) again while clients arrive.

#include <cstddef>

namespace actors::detail {

/// Grows this process's descriptor table so that about `count` more
/// descriptors fit without growing it again: at most up to the soft
/// RLIMIT_NOFILE and 65,536 slots. `any_fd` is a descriptor just opened
/// (it is duplicated to a high slot and the copy closed at once). Best
/// effort: a failure changes nothing.
void reserve_descriptors(int any_fd, std::size_t count) noexcept;

} // namespace actors::detail
