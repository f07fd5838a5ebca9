// The typed handles: what the compiler lets a program send to a connection
// or a server (the same check `send` and `request` make), and what replies.

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <type_traits>

#include <caf/check_typed_input.hpp>
#include <caf/response_type.hpp>

#include "actors/log_writer.hpp"
#include "actors/server.hpp"
#include "actors/udp_protocol.hpp"

using namespace actors;

namespace {

// True if `Handle` accepts a message of `Ts...`.
template <class Handle, class... Ts>
constexpr bool accepts = caf::response_type<caf::signatures_of_t<Handle>, Ts...>::valid;

// What `Handle` replies to a message of `Ts...`.
template <class Handle, class... Ts>
using reply_to = caf::response_type_t<caf::signatures_of_t<Handle>, Ts...>;

} // namespace

TEST_CASE("a connection handle accepts its commands, each with its argument type") {
  STATIC_REQUIRE(accepts<connection_actor, send_atom, std::string>);
  STATIC_REQUIRE(accepts<connection_actor, send_atom, frame_batch>);
  STATIC_REQUIRE(accepts<connection_actor, close_atom>);
  STATIC_REQUIRE(accepts<connection_actor, abort_atom>);
  STATIC_REQUIRE(accepts<connection_actor, credit_atom, std::uint32_t>);
  STATIC_REQUIRE(accepts<connection_actor, subscribe_atom, caf::actor>);
  STATIC_REQUIRE(std::is_same<reply_to<connection_actor, stats_atom>,
                              caf::detail::type_list<connection_stats>>::value);
  // A signed or wider credit is a different message, not a silent conversion.
  STATIC_REQUIRE_FALSE(accepts<connection_actor, credit_atom, int>);
  STATIC_REQUIRE_FALSE(accepts<connection_actor, credit_atom, std::uint64_t>);
  STATIC_REQUIRE_FALSE(accepts<connection_actor, send_atom>);
}

TEST_CASE("a connection handle refuses events, which are never commands") {
  STATIC_REQUIRE_FALSE(accepts<connection_actor, connected>);
  STATIC_REQUIRE_FALSE(accepts<connection_actor, frame_received>);
  STATIC_REQUIRE_FALSE(accepts<connection_actor, connection_error>);
  STATIC_REQUIRE_FALSE(accepts<connection_actor, disconnected>);
}

TEST_CASE("a server handle accepts close and nothing else") {
  STATIC_REQUIRE(accepts<server_actor, close_atom>);
  STATIC_REQUIRE_FALSE(accepts<server_actor, abort_atom>);
  STATIC_REQUIRE_FALSE(accepts<server_actor, send_atom, std::string>);
  STATIC_REQUIRE_FALSE(accepts<server_actor, peer_refused>);
}

TEST_CASE("a UDP endpoint handle accepts datagrams to a peer or its remote, and refuses frames") {
  STATIC_REQUIRE(accepts<udp_endpoint_actor, send_to_atom, std::string, std::string>);
  STATIC_REQUIRE(accepts<udp_endpoint_actor, send_atom, std::string>);
  STATIC_REQUIRE(accepts<udp_endpoint_actor, close_atom>);
  STATIC_REQUIRE(accepts<udp_endpoint_actor, credit_atom, std::uint32_t>);
  STATIC_REQUIRE(accepts<udp_endpoint_actor, subscribe_atom, caf::actor>);
  STATIC_REQUIRE(accepts<udp_endpoint_actor, join_atom, multicast_group>);
  STATIC_REQUIRE(accepts<udp_endpoint_actor, leave_atom, multicast_group>);
  STATIC_REQUIRE(std::is_same<reply_to<udp_endpoint_actor, stats_atom>,
                              caf::detail::type_list<udp_stats>>::value);
  STATIC_REQUIRE_FALSE(accepts<udp_endpoint_actor, send_atom, frame_batch>);
  STATIC_REQUIRE_FALSE(accepts<udp_endpoint_actor, finish_atom>);
  STATIC_REQUIRE_FALSE(accepts<udp_endpoint_actor, send_to_atom, std::string>);
  STATIC_REQUIRE_FALSE(accepts<udp_endpoint_actor, datagram_received>);
}

TEST_CASE("a log writer handle acknowledges record batches, flushes and close") {
  STATIC_REQUIRE(accepts<log_writer_actor, log_record>);
  STATIC_REQUIRE(std::is_same<reply_to<log_writer_actor, std::vector<log_record>>,
                              caf::detail::type_list<log_ack_atom>>::value);
  STATIC_REQUIRE(std::is_same<reply_to<log_writer_actor, log_flush_atom>,
                              caf::detail::type_list<log_ack_atom>>::value);
  STATIC_REQUIRE(std::is_same<reply_to<log_writer_actor, close_atom>,
                              caf::detail::type_list<log_ack_atom>>::value);
  STATIC_REQUIRE(std::is_same<reply_to<log_writer_actor, log_stats_atom>,
                              caf::detail::type_list<log_stats>>::value);
  STATIC_REQUIRE_FALSE(accepts<log_writer_actor, std::string>);
}
