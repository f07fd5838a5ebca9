#include "socket_address.hpp"

#include <arpa/inet.h>
#include <charconv>
#include <cstdint>
#include <netinet/in.h>

namespace actors::detail {

std::string endpoint_name(const sockaddr* addr) {
  char host[INET6_ADDRSTRLEN] = "?";
  std::uint16_t port = 0;
  if (addr->sa_family == AF_INET) {
    auto in = reinterpret_cast<const sockaddr_in*>(addr);
    inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
    port = ntohs(in->sin_port);
  } else if (addr->sa_family == AF_INET6) {
    auto in6 = reinterpret_cast<const sockaddr_in6*>(addr);
    inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
    port = ntohs(in6->sin6_port);
    return "[" + std::string{host} + "]:" + std::to_string(port);
  } else {
    return "?";
  }
  return std::string{host} + ":" + std::to_string(port);
}

std::optional<socket_address> parse_endpoint(std::string_view text) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon + 1 == text.size())
    return std::nullopt;
  auto port_text = text.substr(colon + 1);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(),
                                   port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || end != port_text.data() + port_text.size()
      || port > 65535)
    return std::nullopt;
  auto host = std::string{text.substr(0, colon)};
  socket_address result;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    auto in6 = reinterpret_cast<sockaddr_in6*>(&result.storage);
    if (inet_pton(AF_INET6, host.substr(1, host.size() - 2).c_str(),
                  &in6->sin6_addr) != 1)
      return std::nullopt;
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(static_cast<std::uint16_t>(port));
    result.length = sizeof(sockaddr_in6);
    return result;
  }
  auto in = reinterpret_cast<sockaddr_in*>(&result.storage);
  if (inet_pton(AF_INET, host.c_str(), &in->sin_addr) != 1)
    return std::nullopt;
  in->sin_family = AF_INET;
  in->sin_port = htons(static_cast<std::uint16_t>(port));
  result.length = sizeof(sockaddr_in);
  return result;
}

std::string without_brackets(const std::string& host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    return host.substr(1, host.size() - 2);
  return host;
}

std::string host_port_name(const std::string& host, std::uint16_t port) {
  auto bare = without_brackets(host);
  return (bare.find(':') != std::string::npos ? "[" + bare + "]" : bare) + ":"
         + std::to_string(port);
}

std::pair<std::string, std::uint16_t> split_endpoint(const std::string& name) {
  auto colon = name.rfind(':');
  if (colon == std::string::npos)
    return {name, 0};
  auto host = name.substr(0, colon);
  unsigned port = 0;
  std::from_chars(name.data() + colon + 1, name.data() + name.size(), port);
  return {host, static_cast<std::uint16_t>(port)};
}

} // namespace actors::detail
