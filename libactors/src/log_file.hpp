#pragma once

// The detached half of the log writer: it owns the file and does the
// blocking I/O, one chunk at a time. Internal to libactors.
//
// Receives from the front (log_writer.cpp):
// - `write_chunk_atom, std::string chunk, std::uint64_t records`: writes the
//   chunk (rotating between whole lines) and answers `chunk_done_atom,
//   bytes, records, rotations` once it reached the OS, with high priority:
//   the answer must not wait behind the records queued at the front meanwhile,
//   or the backlog fills while the file is idle. While writing fails it keeps the
//   rest of the chunk, tells the front `log_error` once, retries every
//   `retry_interval`, and sends `log_recovered` before the `chunk_done`.
// - `sync_close_atom, std::string rest`: writes what is pending plus `rest`
//   (one attempt if writing fails), fsyncs and closes the file, answers
//   `sync_close_atom, std::uint64_t lost` (the records it could not write)
//   and exits.

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/type_id.hpp>

#include "actors/log_writer.hpp"

namespace actors::detail {

struct log_file_state {
  log_writer_options options;
  caf::actor front;
  int fd = -1;
  std::size_t size = 0;
  // Whether the file is a regular one, which alone rotates.
  bool rotates = false;
  // What is left of the chunk being written, and its record count.
  std::string pending;
  std::uint64_t pending_records = 0;
  std::size_t pending_bytes = 0;
  bool failing = false;
  bool retry_scheduled = false;
  // Rotations since the last chunk_done.
  std::uint64_t rotations = 0;

  ~log_file_state();

  static inline const char* name = "actors.log_file";
};

using log_file_actor = caf::stateful_actor<log_file_state>;

/// The file actor; spawn it detached.
caf::behavior log_file(log_file_actor* self, caf::actor front,
                       log_writer_options options);

} // namespace actors::detail

// The log writer's private messages between its two halves and to itself.
CAF_BEGIN_TYPE_ID_BLOCK(actors_log_internal, caf::first_custom_type_id + 920)

  /// Front -> file: write a chunk (see the top of this file).
  CAF_ADD_ATOM(actors_log_internal, actors::detail, write_chunk_atom, "wr_chunk")
  /// File -> front: a chunk reached the OS.
  CAF_ADD_ATOM(actors_log_internal, actors::detail, chunk_done_atom, "chunk_ok")
  /// Front -> file: write the rest, fsync and close; and the answer.
  CAF_ADD_ATOM(actors_log_internal, actors::detail, sync_close_atom, "sync_clos")
  /// File timer: try a failed write again.
  CAF_ADD_ATOM(actors_log_internal, actors::detail, retry_write_atom, "wr_retry")
  /// Front timer: flush what is buffered.
  CAF_ADD_ATOM(actors_log_internal, actors::detail, tick_atom, "log_tick")

CAF_END_TYPE_ID_BLOCK(actors_log_internal)
