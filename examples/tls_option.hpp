#pragma once

// TLS for the examples: --tls-cert FILE --tls-key FILE for the servers,
// --tls [--ca FILE] [--insecure] for line_client.

#include <cstdlib>
#include <iostream>

#include "actors/command_line.hpp"
#include "actors/tls_options.hpp"

namespace examples {

/// A server's TLS from --tls-cert and --tls-key (both or neither; exits
/// with status 2 on one alone). Off without them.
inline actors::tls_options server_tls(const actors::command_line& args) {
  actors::tls_options tls;
  if (!args.has("tls-cert") && !args.has("tls-key"))
    return tls;
  if (!args.has("tls-cert") || !args.has("tls-key")) {
    std::cerr << "error: --tls-cert and --tls-key go together\n";
    std::exit(2);
  }
  tls.enabled = true;
  tls.certificate_file = args.get("tls-cert", "");
  tls.key_file = args.get("tls-key", "");
  // Served anyway (a lab may want it), but said before clients fail on it.
  if (auto warning = actors::certificate_validity_warning(tls.certificate_file); !warning.empty())
    std::cerr << "warning: " + warning + "\n";
  return tls;
}

/// A client's TLS from --tls, --ca FILE and --insecure. Off without --tls.
inline actors::tls_options client_tls(const actors::command_line& args) {
  actors::tls_options tls;
  if (!args.has("tls")) {
    if (args.has("ca") || args.has("insecure")) {
      std::cerr << "error: --ca and --insecure need --tls\n";
      std::exit(2);
    }
    return tls;
  }
  if (args.has("ca") && args.has("insecure")) {
    std::cerr << "error: --ca and --insecure contradict each other: --insecure verifies "
                 "nothing, --ca verifies against FILE\n";
    std::exit(2);
  }
  tls.enabled = true;
  tls.ca_file = args.get("ca", "");
  tls.insecure = args.has("insecure");
  return tls;
}

} // namespace examples
