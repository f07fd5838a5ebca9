#include "descriptor_table.hpp"

#include <algorithm>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

namespace actors::detail {

namespace {

// Beyond this a table holds 512 KiB of kernel memory, and one more
// doubling's wait is small against the time to accept that many peers.
constexpr std::size_t max_reserved_slots = 64 * 1024;

} // namespace

void reserve_descriptors(int any_fd, std::size_t count) noexcept {
  rlimit limit{};
  if (any_fd < 0 || getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == 0)
    return;
  // Room for `count` beyond the descriptors open now: a descriptor just
  // opened took the lowest free slot, so about `any_fd` are open below it.
  auto wanted = static_cast<std::size_t>(any_fd) + count;
  auto slots = std::min({wanted, max_reserved_slots, static_cast<std::size_t>(limit.rlim_cur)});
  if (slots <= static_cast<std::size_t>(any_fd) + 1)
    return;
  // The lowest free slot at or above the last one: the table grows to hold
  // it (a no-op when it is large enough already).
  int copy = fcntl(any_fd, F_DUPFD_CLOEXEC, static_cast<int>(slots - 1));
  if (copy >= 0)
    close(copy);
}

} // namespace actors::detail
