#pragma once

// --metrics [ADDR:]PORT for the server examples: a metrics registry that
// the server, its connections and the log register with, served over HTTP
// for Prometheus (GET /metrics) and health checks (GET /healthz). Off
// unless asked; 127.0.0.1 unless an address is given.

#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/command_line.hpp"
#include "actors/connection_protocol.hpp"
#include "actors/metrics.hpp"
#include "actors/metrics_http.hpp"
#include "serve_until_signal.hpp"

namespace examples {

/// The registry and its HTTP endpoint; both empty without --metrics.
struct metrics_endpoint {
  caf::actor registry;
  std::optional<actors::server> http;
};

/// The --metrics option's text as bind address and port (0: a free one);
/// exits with status 2 and a message if it is neither PORT nor ADDR:PORT.
inline actors::metrics_http_options metrics_address_or_exit(const std::string& text) {
  actors::metrics_http_options opts;
  auto colon = text.rfind(':');
  auto port_text = colon == std::string::npos ? text : text.substr(colon + 1);
  if (colon != std::string::npos)
    opts.bind_address = text.substr(0, colon);
  char* end = nullptr;
  auto port = std::strtoul(port_text.c_str(), &end, 10);
  bool digits = port_text.find_first_not_of("0123456789") == std::string::npos;
  if (port_text.empty() || !digits || *end != '\0' || opts.bind_address.empty()) {
    std::cerr << "error: --metrics '" << text << "': expected PORT or ADDR:PORT (0: a free port)\n";
    std::exit(2);
  }
  if (port > 65535) {
    std::cerr << "error: --metrics '" << text << "': the port must be 0 to 65535\n";
    std::exit(2);
  }
  opts.port = static_cast<std::uint16_t>(port);
  return opts;
}

/// Starts the registry and its endpoint for `--metrics`; exits with status
/// 1 if the endpoint cannot listen, and with 2 if it asks for
/// `server_port`, the port the program serves on (0: none yet, a free one).
/// Without the option, returns nothing.
inline metrics_endpoint start_metrics(caf::actor_system& sys, const actors::command_line& args,
                                      std::uint16_t server_port) {
  metrics_endpoint result;
  if (!args.has("metrics"))
    return result;
  auto opts = metrics_address_or_exit(args.get("metrics", ""));
  // Both would bind it, and the second would fail with "Address already
  // in use" as if another program held the port.
  if (opts.port != 0 && opts.port == server_port) {
    std::cerr << "error: --metrics asks for port " << server_port
              << ", which the server itself listens on: give it another port (0: a free one)\n";
    std::exit(2);
  }
  result.registry = actors::spawn_metrics_registry(sys);
  auto http = actors::serve_metrics(sys, result.registry, opts);
  if (!http) {
    std::cerr << "error: --metrics: " << actors::message_of(http.error()) << "\n";
    std::exit(1);
  }
  result.http = std::move(*http);
  return result;
}

/// "metrics on ADDR:PORT", or empty without --metrics.
inline std::string metrics_banner(const metrics_endpoint& metrics) {
  if (!metrics.http)
    return {};
  return "metrics on " + metrics.http->address + ":" + std::to_string(metrics.http->port);
}

/// Stops the endpoint, waits until it is gone, then ends the registry.
inline void stop_metrics(caf::scoped_actor& self, const metrics_endpoint& metrics) {
  if (metrics.http) {
    self->send(metrics.http->acceptor, actors::close_atom_v);
    self->wait_for(metrics.http->acceptor);
  }
  if (metrics.registry)
    self->send_exit(metrics.registry, caf::exit_reason::user_shutdown);
}

/// Adds the endpoint (if any) to what serve_until_signal prints and stops:
/// its banner, and stop_metrics after the signal. `metrics` must outlive it.
inline void also_serve(also_served& also, const metrics_endpoint& metrics) {
  if (!metrics.http)
    return;
  also.banners.push_back(metrics_banner(metrics));
  also.on_stop.push_back([&metrics](caf::scoped_actor& self) { stop_metrics(self, metrics); });
}

} // namespace examples
