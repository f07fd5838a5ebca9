#pragma once

// The connection actor: one CAF broker per TCP connection. Internal; the
// public entry points are connect() (connection.hpp) and listen() (server.hpp).

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>

#include <caf/atom.hpp>
#include <caf/io/broker.hpp>
#include <caf/io/connection_handle.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/connection_options.hpp"
#include "actors/connection_protocol.hpp"
#include "actors/framing.hpp"

namespace actors::detail {

/// Connector → connection: adopt this connected socket (`int fd, peer`).
using adopt_atom = caf::atom_constant<caf::atom("adopt")>;
/// Timer: try connecting again.
using retry_atom = caf::atom_constant<caf::atom("retry")>;
/// Timer: check for idleness.
using idle_atom = caf::atom_constant<caf::atom("idle")>;
/// Self-message: finish with this error (`fail_atom, connection_error`).
using fail_atom = caf::atom_constant<caf::atom("fail")>;
/// Timer: reading may resume now that an earlier halt took effect.
using resume_atom = caf::atom_constant<caf::atom("resume")>;

struct connection_state {
  ~connection_state();

  connection_options options;
  caf::actor subscriber;
  frame_decoder decoder;
  std::optional<caf::io::connection_handle> hdl;
  std::string peer;
  std::int64_t credit = 0;
  bool reading = false;
  // configure_read starts CAF's reading; it is deferred until there is
  // credit, because a halt right after it is squashed into a no-op by CAF's
  // multiplexer, which then never releases the scribe (nor its socket).
  bool read_started = false;
  // Bytes asked of the socket per read: grows while reads fill it.
  std::size_t read_chunk = 0;
  // CAF 0.17 applies a halt at the end of the multiplexer's loop iteration;
  // a trigger before then is lost. So after a halt, reading resumes only
  // through a function posted to the multiplexer, which runs in a later
  // iteration and sends us resume_atom.
  bool halt_pending = false;
  bool resume_scheduled = false;
  std::size_t queued_bytes = 0;
  bool closing = false;
  connection_stats stats;
  std::chrono::steady_clock::time_point last_read;
  // Client connections only.
  std::string host;
  std::uint16_t port = 0;
  std::uint32_t failed_attempts = 0;
  std::minstd_rand rng;

  static inline const char* name = "actors.connection";
};

using connection_broker = caf::stateful_actor<connection_state, caf::io::broker>;

/// Behavior of a client connection that connects to `host:port`.
caf::behavior client_connection(connection_broker* self, std::string host,
                                std::uint16_t port, caf::actor subscriber,
                                connection_options options);

/// Behavior of a connection forked by a server for an accepted peer. It
/// starts reading once it receives `subscribe_atom` with its subscriber.
caf::behavior accepted_connection(connection_broker* self,
                                  caf::io::connection_handle hdl,
                                  connection_options options);

} // namespace actors::detail
