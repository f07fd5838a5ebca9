#pragma once

// Socket addresses as people write them ("192.0.2.7:80", "[2001:db8::1]:80")
// and as the kernel wants them. Internal.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <cstdint>

#include <sys/socket.h>

namespace actors::detail {

/// One IPv4 or IPv6 address with a port, ready for `sendto` or `bind`.
struct socket_address {
  sockaddr_storage storage{};
  socklen_t length = 0;

  int family() const noexcept { return storage.ss_family; }
  const sockaddr* get() const noexcept {
    return reinterpret_cast<const sockaddr*>(&storage);
  }
  sockaddr* get() noexcept { return reinterpret_cast<sockaddr*>(&storage); }
};

/// "address:port" of `addr` ("[address]:port" for IPv6); "?" if unknown.
std::string endpoint_name(const sockaddr* addr);

/// Parses a numeric "address:port" or "[IPv6 address]:port" (no names: this
/// never waits for DNS); nothing if `text` is not one.
std::optional<socket_address> parse_endpoint(std::string_view text);

/// `host` without the brackets around an IPv6 address ("[::1]" -> "::1"),
/// as people write it beside a port; any other host as it is.
std::string without_brackets(const std::string& host);

/// "host:port", or "[host]:port" for an IPv6 address, for messages.
std::string host_port_name(const std::string& host, std::uint16_t port);

/// Splits "address:port" as `endpoint_name` makes it into its address
/// (IPv6 keeps its brackets) and port.
std::pair<std::string, std::uint16_t> split_endpoint(const std::string& name);

} // namespace actors::detail
