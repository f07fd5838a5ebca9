#pragma once

// The message vocabulary of the log writer (see log_writer.hpp).
//
// The log writer receives:
// - `log_record` from any actor (fire and forget; dropped and counted only
//   when the backlog is full, see `log_writer_options::max_backlog_bytes`);
// - `std::vector<log_record>` as a request: the reply (`log_ack_atom`) comes
//   once the records are in the backlog, delayed while it is full, so a
//   producer that waits for it never loses a record while the file works;
//   during a failure a batch that finds the backlog full is dropped and
//   counted, and the reply is an error;
// - `log_flush_atom` (a request): replies `log_ack_atom` once everything sent
//   before it was handed to the OS (write(2) returned);
// - `log_subscribe_atom, caf::actor`: that actor receives `log_error`,
//   `log_recovered` and `log_dropped` events; subscribing while a failure is
//   under way delivers its `log_error` at once;
// - `log_stats_atom` (a request): replies `log_stats`;
// - `close_atom` (connection_protocol.hpp): writes everything sent before
//   it, fsyncs, replies `log_ack_atom` if it was a request, and exits. An
//   exit message does the same.

#include <cstdint>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/type_id.hpp>
#include <caf/typed_actor.hpp>

#include "actors/connection_protocol.hpp"
#include "actors/log_record.hpp"

namespace actors {

/// What failed in the log writer.
enum class log_failure : std::uint8_t {
  /// The file could not be opened (missing directory, permission denied).
  open_failed,
  /// Writing failed (disk full, I/O error).
  write_failed,
  /// Renaming the old files for rotation failed.
  rotate_failed,
};

/// Returns "open_failed", "write_failed" or "rotate_failed".
const char* to_string(log_failure failure) noexcept;

/// Event: the log writer hit a failure. Sent once per failure episode; the
/// writer retries on its own and sends `log_recovered` when it writes again.
struct log_error {
  /// What failed.
  log_failure failure = log_failure::write_failed;
  /// The file concerned.
  std::string path;
  /// What went wrong, for people (includes the system's error text).
  std::string message;
};

/// Event: writing works again after a `log_error`.
struct log_recovered {
  /// The file written.
  std::string path;
};

/// Event: records were dropped because the backlog was full. Also written to
/// the file as a record once there is room.
struct log_dropped {
  /// Records dropped since the last `log_dropped`.
  std::uint64_t count = 0;
};

/// Counters of one log writer.
struct log_stats {
  /// Records received (including dropped ones, and the writer's own "N
  /// records dropped" notes): received = written + dropped + backlog.
  std::uint64_t records_received = 0;
  /// Records handed to the OS.
  std::uint64_t records_written = 0;
  /// Records dropped because the backlog was full.
  std::uint64_t records_dropped = 0;
  /// Bytes handed to the OS.
  std::uint64_t bytes_written = 0;
  /// Bytes waiting in memory (formatted lines not yet written).
  std::uint64_t backlog_bytes = 0;
  /// Records waiting in memory (received, neither written nor dropped).
  std::uint64_t backlog_records = 0;
  /// The most bytes ever waiting at once.
  std::uint64_t peak_backlog_bytes = 0;
  /// Rotations done.
  std::uint64_t rotations = 0;
  /// Failure episodes so far.
  std::uint64_t failures = 0;
};

/// Makes `log_error` inspectable: CAF serializes and prints it with this.
/// @relates log_error
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, log_error& x) {
  return f(caf::meta::type_name("log_error"), x.failure, x.path, x.message);
}

/// Makes `log_recovered` inspectable: CAF serializes and prints it with this.
/// @relates log_recovered
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, log_recovered& x) {
  return f(caf::meta::type_name("log_recovered"), x.path);
}

/// Makes `log_dropped` inspectable: CAF serializes and prints it with this.
/// @relates log_dropped
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, log_dropped& x) {
  return f(caf::meta::type_name("log_dropped"), x.count);
}

/// Makes `log_stats` inspectable: CAF serializes and prints it with this.
/// @relates log_stats
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, log_stats& x) {
  return f(caf::meta::type_name("log_stats"), x.records_received,
           x.records_written, x.records_dropped, x.bytes_written,
           x.backlog_bytes, x.backlog_records, x.peak_backlog_bytes, x.rotations,
           x.failures);
}

} // namespace actors

CAF_BEGIN_TYPE_ID_BLOCK(actors_log, caf::first_custom_type_id + 100)

  CAF_ADD_TYPE_ID(actors_log, (actors::log_record))
  CAF_ADD_TYPE_ID(actors_log, (std::vector<actors::log_record>))
  CAF_ADD_TYPE_ID(actors_log, (actors::log_error))
  CAF_ADD_TYPE_ID(actors_log, (actors::log_recovered))
  CAF_ADD_TYPE_ID(actors_log, (actors::log_dropped))
  CAF_ADD_TYPE_ID(actors_log, (actors::log_stats))

  /// Request: reply once everything before it reached the OS.
  CAF_ADD_ATOM(actors_log, actors, log_flush_atom, "log_flush")
  /// Reply to flush, close and record-batch requests.
  CAF_ADD_ATOM(actors_log, actors, log_ack_atom, "log_ack")
  /// `log_subscribe_atom, caf::actor`: receive log_error/log_dropped events.
  CAF_ADD_ATOM(actors_log, actors, log_subscribe_atom, "log_sub")
  /// Request: reply with `log_stats`.
  CAF_ADD_ATOM(actors_log, actors, log_stats_atom, "log_stats")

CAF_END_TYPE_ID_BLOCK(actors_log)

namespace actors {

/// A handle to a log writer: every message above, checked by the compiler
/// at each send. The writer itself is dynamically typed inside, so that the
/// messages between its two halves and its timer stay private (a CAF 0.17
/// typed actor can have no handler outside its interface).
using log_writer_actor = caf::typed_actor<
  caf::reacts_to<log_record>,
  caf::replies_to<std::vector<log_record>>::with<log_ack_atom>,
  caf::replies_to<log_flush_atom>::with<log_ack_atom>,
  caf::reacts_to<log_subscribe_atom, caf::actor>,
  caf::replies_to<log_stats_atom>::with<log_stats>,
  caf::replies_to<close_atom>::with<log_ack_atom>>;

} // namespace actors
