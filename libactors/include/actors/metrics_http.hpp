#pragma once

// The metrics over HTTP, for Prometheus and curl: a server built on the
// framework itself, one session actor per client, so a slow or hostile
// client stalls nobody else.
//   GET /metrics   the registry's figures, Prometheus text format 0.0.4
//   GET /healthz   "ok"
// HEAD works for both; any other path is 404, any other method 405. A
// malformed request is answered 400, a request head over 8 KiB 431, one
// that does not arrive within `head_timeout` 408, each then closed.
// Connections are kept alive (HTTP/1.1) until `idle_timeout`.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include <caf/actor.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>

#include "actors/server.hpp"

namespace actors {

/// Where and how the metrics endpoint listens.
struct metrics_http_options {
  /// Loopback unless you ask for more: metrics tell a lot about a service.
  std::string bind_address = "127.0.0.1";
  /// 0 picks a free port (see `server::port`).
  std::uint16_t port = 0;
  /// A request head must be complete this long after its first byte.
  std::chrono::milliseconds head_timeout{10'000};
  /// A connection that sends nothing for this long is closed.
  std::chrono::milliseconds idle_timeout{30'000};
  /// Scrapers at once; more are refused.
  std::size_t max_connections = 64;
};

/// Serves `registry` (spawn_metrics_registry) over HTTP. Errors as
/// `listen`'s. Close it with the server's `close_atom`.
caf::expected<server> serve_metrics(caf::actor_system& system, caf::actor registry,
                                    metrics_http_options options = {});

} // namespace actors
