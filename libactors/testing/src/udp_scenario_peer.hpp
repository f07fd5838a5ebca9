#pragma once

// A UDP peer of a real-mode scenario (`udp NAME HOST:PORT`): a plain POSIX
// datagram socket connected to the app, so each `send` is one datagram and
// each datagram the app sends back is one frame. Internal to actors::testing.

#include <cstdint>
#include <memory>
#include <string>

#include <caf/expected.hpp>

#include "actors/testing/scenario.hpp"
#include "scenario_peer.hpp"

namespace actors::testing::detail {

/// Opens a UDP socket talking to host:port. Errors: io_failure.
caf::expected<std::unique_ptr<scenario_peer>>
make_udp_scenario_peer(const std::string& name, const std::string& host,
                       std::uint16_t port, const scenario_options& options);

} // namespace actors::testing::detail
