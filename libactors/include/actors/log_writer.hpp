#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/log_protocol.hpp"

namespace actors {

/// Everything that configures a log writer.
struct log_writer_options {
  /// The file to append to; rotated files are PATH.1 (newest) .. PATH.N.
  std::string path;
  /// Buffered records are written at least this often.
  std::chrono::milliseconds flush_interval{200};
  /// Lines are written in chunks of up to this many bytes; a full chunk is
  /// written at once, without waiting for the interval.
  std::size_t chunk_bytes = 256 * 1024;
  /// Rotate before the file would grow past this; 0 disables rotation. A
  /// line is never split across files. Only a regular file rotates: a
  /// device, FIFO or socket (/dev/null, /dev/stdout) is written to as is.
  std::size_t max_file_size = 64 * 1024 * 1024;
  /// Rotated files kept besides PATH (PATH.1 .. PATH.keep_files).
  std::size_t keep_files = 5;
  /// The bound of the in-memory backlog (formatted lines waiting for the
  /// disk). Fire-and-forget records arriving when it is full are dropped and
  /// counted (`log_dropped`, and a record in the file once there is room);
  /// record batches sent as requests wait instead, while the file works
  /// (while it fails they are dropped and counted too, and the request is
  /// answered with an error, so that no producer waits forever). A disk that
  /// keeps up never lets the backlog fill, so by default nothing is lost.
  std::size_t max_backlog_bytes = 64 * 1024 * 1024;
  /// While the file cannot be opened or written, retry this often.
  std::chrono::milliseconds retry_interval{1'000};
  /// A metrics registry (metrics.hpp), or none: the writer registers with
  /// it and answers `metrics_atom`.
  caf::actor metrics;
};

/// Spawns a log writer for `options.path` (see log_protocol.hpp for what it
/// receives). It is two actors: a front on the scheduler that formats and
/// buffers records and counts, and a detached actor (its own thread, since
/// file I/O blocks) that owns the file and writes one chunk at a time, asking
/// the front for the next when it is done. Producers never block; memory is
/// bounded by `max_backlog_bytes` plus one chunk. Errors are events to
/// subscribers, never exceptions; the writer keeps retrying.
/// Stop it with `close_atom` (or an exit message) to get every record sent
/// before that into the file, fsynced. Safe to call from any thread.
log_writer_actor spawn_log_writer(caf::actor_system& system, log_writer_options options);

/// How a writer with `options` rotates, in words for help texts and
/// messages, with `name` for its path: "rotated at 64 MiB: FILE.1 .. FILE.5
/// keep the older lines", or "never rotated".
std::string describe_rotation(const log_writer_options& options, const std::string& name);

/// A record for the log, stamped now. Safe to call from any thread.
log_record make_log_record(std::string source, direction dir,
                           std::string payload, log_level level = log_level::info);

} // namespace actors
