#include "udp_socket.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <limits>
#include <optional>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "actors/error_kind.hpp"
#include "socket_address.hpp"

namespace actors::detail {

namespace {

caf::expected<socket_address> resolve(const std::string& host, std::uint16_t port,
                                      int family, bool passive) {
  addrinfo hints{};
  hints.ai_family = family;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = passive ? AI_PASSIVE : 0;
  addrinfo* found = nullptr;
  auto service = std::to_string(port);
  auto name = without_brackets(host);
  if (auto rc = ::getaddrinfo(name.empty() ? nullptr : name.c_str(),
                              service.c_str(), &hints, &found);
      rc != 0) {
    auto kind = passive ? error_kind::listen_failed : error_kind::host_unresolved;
    auto what = passive ? "cannot bind udp " + host_port_name(host, port) + ": "
                        : "cannot resolve host '" + host + "': ";
    return caf::make_error(kind, what + gai_strerror(rc));
  }
  socket_address result;
  std::memcpy(&result.storage, found->ai_addr, found->ai_addrlen);
  result.length = found->ai_addrlen;
  ::freeaddrinfo(found);
  return result;
}

// The index of the interface named `name`, or owning the address `name`.
unsigned interface_index(const std::string& name) {
  if (auto index = ::if_nametoindex(name.c_str()); index != 0)
    return index;
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0)
    return 0;
  unsigned index = 0;
  for (auto it = list; it != nullptr && index == 0; it = it->ifa_next) {
    if (it->ifa_addr == nullptr)
      continue;
    auto family = it->ifa_addr->sa_family;
    if (family != AF_INET && family != AF_INET6)
      continue;
    auto text = endpoint_name(it->ifa_addr);
    auto [address, port] = split_endpoint(text);
    if (address == name || address == "[" + name + "]")
      index = ::if_nametoindex(it->ifa_name);
  }
  ::freeifaddrs(list);
  return index;
}

caf::error no_interface(const std::string& name) {
  return caf::make_error(error_kind::invalid_argument,
                         "no network interface named or with the address '"
                           + name + "'");
}

caf::error set_int(int fd, int level, int option, int value, const char* what) {
  if (::setsockopt(fd, level, option, &value, sizeof(value)) == 0)
    return {};
  return caf::make_error(error_kind::io_failure, std::string{"cannot set "} + what
                                                   + ": " + std::strerror(errno));
}

int socket_family(int fd) {
  sockaddr_storage local{};
  socklen_t len = sizeof(local);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len);
  return local.ss_family;
}

caf::error set_multicast_interface(int fd, int family, const std::string& name) {
  if (family == AF_INET) {
    ip_mreqn request{};
    if (inet_pton(AF_INET, name.c_str(), &request.imr_address) != 1) {
      request.imr_ifindex = static_cast<int>(interface_index(name));
      if (request.imr_ifindex == 0)
        return no_interface(name);
    }
    if (::setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &request, sizeof(request)) != 0)
      return caf::make_error(error_kind::io_failure,
                             "cannot send multicast by '" + name
                               + "': " + std::strerror(errno));
    return {};
  }
  auto index = interface_index(name);
  if (index == 0)
    return no_interface(name);
  return set_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, static_cast<int>(index),
                 "the multicast interface");
}

caf::error apply_options(int fd, int family, const udp_options& options) {
  bool v6 = family == AF_INET6;
  int one = 1;
  // The kernel's count of datagrams it dropped for a full receive buffer
  // comes with each datagram read.
  ::setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one));
  if (options.broadcast)
    if (auto err = set_int(fd, SOL_SOCKET, SO_BROADCAST, 1, "SO_BROADCAST"))
      return err;
  if (options.receive_buffer_size > 0) // check() bounds it to an int
    if (auto err = set_int(fd, SOL_SOCKET, SO_RCVBUF,
                           static_cast<int>(options.receive_buffer_size), "SO_RCVBUF"))
      return err;
  if (options.ttl > 0)
    if (auto err = set_int(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
                           v6 ? IPV6_UNICAST_HOPS : IP_TTL, options.ttl, "the TTL"))
      return err;
  if (auto err = set_int(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
                         v6 ? IPV6_MULTICAST_HOPS : IP_MULTICAST_TTL,
                         options.multicast_ttl, "the multicast TTL"))
    return err;
  if (auto err = set_int(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
                         v6 ? IPV6_MULTICAST_LOOP : IP_MULTICAST_LOOP,
                         options.multicast_loop ? 1 : 0, "multicast loop"))
    return err;
  if (!options.multicast_interface.empty())
    return set_multicast_interface(fd, family, options.multicast_interface);
  return {};
}

caf::error check(const udp_options& options) {
  auto invalid = [](std::string what) {
    return caf::make_error(error_kind::invalid_argument, std::move(what));
  };
  if (options.max_datagram_size == 0 || options.max_datagram_size > 65'535)
    return invalid("max_datagram_size must be 1 to 65535, not "
                   + std::to_string(options.max_datagram_size));
  if (options.ttl < 0 || options.ttl > 255)
    return invalid("ttl must be 0 to 255, not " + std::to_string(options.ttl));
  if (options.multicast_ttl < 0 || options.multicast_ttl > 255)
    return invalid("multicast_ttl must be 0 to 255, not "
                   + std::to_string(options.multicast_ttl));
  if (!options.remote_host.empty() && options.remote_port == 0)
    return invalid("a remote host needs a remote port other than 0");
  // The kernel doubles it for its bookkeeping, in an int.
  constexpr std::size_t most_buffer = std::numeric_limits<int>::max() / 2;
  if (options.receive_buffer_size > most_buffer)
    return invalid("receive_buffer_size must be at most " + std::to_string(most_buffer)
                   + " bytes, not " + std::to_string(options.receive_buffer_size));
  return {};
}

// A socket bound to one unicast address (127.0.0.1) takes only datagrams
// sent to that address: joined to a group, it would receive none of the
// group's, silently. Only the wildcard or the group itself receives them.
caf::error bound_to_receive(int fd, const std::string& group, const sockaddr_storage& wanted) {
  sockaddr_storage bound{};
  socklen_t len = sizeof(bound);
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len) != 0)
    return {};
  bool v6 = bound.ss_family == AF_INET6;
  auto& bound6 = reinterpret_cast<const sockaddr_in6&>(bound).sin6_addr;
  auto& bound4 = reinterpret_cast<const sockaddr_in&>(bound).sin_addr;
  bool receives
    = v6 ? IN6_IS_ADDR_UNSPECIFIED(&bound6)
             || std::memcmp(&bound6, &reinterpret_cast<const sockaddr_in6&>(wanted).sin6_addr,
                            sizeof(bound6))
                  == 0
         : bound4.s_addr == htonl(INADDR_ANY)
             || bound4.s_addr == reinterpret_cast<const sockaddr_in&>(wanted).sin_addr.s_addr;
  if (receives)
    return {};
  char address[INET6_ADDRSTRLEN] = "";
  ::inet_ntop(bound.ss_family, v6 ? static_cast<const void*>(&bound6) : &bound4, address,
              sizeof(address));
  return caf::make_error(error_kind::invalid_argument,
                         "cannot receive group " + group + " on an endpoint bound to "
                           + address + ": it takes only datagrams sent to " + address
                           + "; bind " + (v6 ? "::" : "0.0.0.0") + " (or " + group
                           + ") to receive the group");
}

} // namespace

caf::error change_membership(int fd, const multicast_group& group, bool join) {
  socket_address address;
  auto in = reinterpret_cast<sockaddr_in*>(&address.storage);
  auto in6 = reinterpret_cast<sockaddr_in6*>(&address.storage);
  bool v4 = inet_pton(AF_INET, group.group.c_str(), &in->sin_addr) == 1;
  bool v6 = !v4 && inet_pton(AF_INET6, group.group.c_str(), &in6->sin6_addr) == 1;
  if ((v4 && !IN_MULTICAST(ntohl(in->sin_addr.s_addr)))
      || (v6 && !IN6_IS_ADDR_MULTICAST(&in6->sin6_addr)) || (!v4 && !v6))
    return caf::make_error(error_kind::invalid_argument,
                           "'" + group.group + "' is not a multicast group address");
  if (v6 && socket_family(fd) != AF_INET6)
    return caf::make_error(error_kind::invalid_argument,
                           "an IPv6 group needs an endpoint bound to an IPv6 address");
  // Checked after the interface, before joining.
  auto unreceivable = [&] {
    return join ? bound_to_receive(fd, group.group, address.storage) : caf::error{};
  };
  int rc = 0;
  if (v4) {
    ip_mreqn request{};
    request.imr_multiaddr = in->sin_addr;
    if (!group.interface.empty()
        && inet_pton(AF_INET, group.interface.c_str(), &request.imr_address) != 1) {
      request.imr_ifindex = static_cast<int>(interface_index(group.interface));
      if (request.imr_ifindex == 0)
        return no_interface(group.interface);
    }
    if (auto err = unreceivable())
      return err;
    rc = ::setsockopt(fd, IPPROTO_IP, join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP,
                      &request, sizeof(request));
  } else {
    ipv6_mreq request{};
    request.ipv6mr_multiaddr = in6->sin6_addr;
    if (!group.interface.empty()) {
      request.ipv6mr_interface = interface_index(group.interface);
      if (request.ipv6mr_interface == 0)
        return no_interface(group.interface);
    }
    if (auto err = unreceivable())
      return err;
    rc = ::setsockopt(fd, IPPROTO_IPV6, join ? IPV6_JOIN_GROUP : IPV6_LEAVE_GROUP,
                      &request, sizeof(request));
  }
  if (rc == 0)
    return {};
  auto on = group.interface.empty() ? std::string{} : " on " + group.interface;
  // The kernel's word for leaving a group never joined.
  if (!join && (errno == EADDRNOTAVAIL || errno == ENOENT))
    return caf::make_error(error_kind::invalid_argument,
                           "cannot leave " + group.group + on + ": not a member of it");
  return caf::make_error(error_kind::io_failure,
                         std::string{join ? "cannot join " : "cannot leave "}
                           + group.group + on + ": " + std::strerror(errno));
}

caf::expected<opened_udp_socket> open_udp_socket(const std::string& bind_address,
                                                 std::uint16_t port,
                                                 const udp_options& options) {
  if (auto err = check(options))
    return err;
  // A named bind address picks the family; the remote peer must match it.
  std::optional<socket_address> local;
  if (!bind_address.empty()) {
    auto found = resolve(bind_address, port, AF_UNSPEC, true);
    if (!found)
      return found.error();
    local = *found;
  }
  std::optional<socket_address> remote;
  if (!options.remote_host.empty()) {
    auto found = resolve(options.remote_host, options.remote_port,
                         local ? local->family() : AF_UNSPEC, false);
    // Looked up in the bind address's family only, an address of the other
    // one reads as "Address family for hostname not supported".
    if (!found && local && resolve(options.remote_host, options.remote_port, AF_UNSPEC, false)) {
      bool local_v6 = local->family() == AF_INET6;
      return caf::make_error(error_kind::invalid_argument,
                             "the remote " + options.remote_host + " is "
                               + (local_v6 ? "IPv4" : "IPv6") + ", the bind address "
                               + bind_address + " " + (local_v6 ? "IPv6" : "IPv4")
                               + ": bind an address of the remote's family, or none");
    }
    if (!found)
      return found.error();
    remote = *found;
  }
  if (!local) {
    bool v6 = remote && remote->family() == AF_INET6;
    auto found = resolve(v6 ? "::" : "0.0.0.0", port, v6 ? AF_INET6 : AF_INET, true);
    if (!found)
      return found.error();
    local = *found;
  }
  auto shown = bind_address.empty() ? std::string{"*"} : bind_address;
  auto fd = ::socket(local->family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return caf::make_error(error_kind::io_failure,
                           std::string{"cannot open a UDP socket: "} + std::strerror(errno));
  auto fail = [&fd](caf::error err) {
    ::close(fd);
    return err;
  };
  if (!options.multicast_groups.empty()) {
    // Several programs may listen to one group on one port.
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  }
  if (::bind(fd, local->get(), local->length) != 0)
    return fail(caf::make_error(error_kind::listen_failed,
                                "cannot bind udp " + host_port_name(shown, port) + ": "
                                  + std::strerror(errno)));
  if (auto err = apply_options(fd, local->family(), options))
    return fail(std::move(err));
  for (auto& group : options.multicast_groups)
    if (auto err = change_membership(fd, group, true))
      return fail(std::move(err));
  opened_udp_socket result;
  if (remote) {
    if (::connect(fd, remote->get(), remote->length) != 0)
      return fail(caf::make_error(error_kind::io_failure,
                                  "cannot set the remote peer "
                                    + endpoint_name(remote->get()) + ": "
                                    + std::strerror(errno)));
    result.remote = endpoint_name(remote->get());
  }
  sockaddr_storage bound{};
  socklen_t len = sizeof(bound);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
  result.fd = fd;
  result.local = endpoint_name(reinterpret_cast<sockaddr*>(&bound));
  return result;
}

} // namespace actors::detail
