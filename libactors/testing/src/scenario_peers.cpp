#include "actors/testing/scenario.hpp"

#include <utility>

#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

#include "actors/connection_protocol.hpp"
#include "scenario_impl.hpp"

namespace actors::testing {

namespace {

// A built-in echo session: sends each frame back and shows every event in
// the UI. Events go to the bridge as if the connection had sent them, so the
// bridge manages the connection's read credit.
caf::behavior echo_session(caf::event_based_actor* self,
                           connection_actor connection, caf::actor bridge) {
  // caf::send_as takes a dynamically typed sender.
  auto as_connection = caf::actor_cast<caf::actor>(connection);
  return {
    [=](frame_received& frame) {
      self->send(connection, send_atom::value, frame.payload);
      caf::send_as(as_connection, bridge, std::move(frame));
    },
    [=](connected& event) { caf::send_as(as_connection, bridge, std::move(event)); },
    [=](connection_error& event) {
      caf::send_as(as_connection, bridge, std::move(event));
    },
    // Everything before the FIN was echoed already: close after it.
    [=](peer_finished& event) {
      self->send(connection, close_atom_v);
      caf::send_as(as_connection, bridge, std::move(event));
    },
    [=](disconnected& event) {
      caf::send_as(as_connection, bridge, std::move(event));
      self->quit();
    },
  };
}

outcome unknown_peer(const std::string& name) {
  return outcome::failure("no peer named " + name + " (connect it first)");
}

// Ends peer `name` with `end` (close or reset); a peer that does not outlive
// its end is forgotten, so its name is free again.
template <class End>
outcome end_peer(detail::peer_map& peers, const std::string& name, End end) {
  auto i = peers.find(name);
  if (i == peers.end())
    return unknown_peer(name);
  auto result = end(*i->second);
  if (!i->second->outlives_end())
    peers.erase(i);
  return result;
}

} // namespace

detail::scenario_peer* scenario::impl::find_peer(const std::string& name,
                                                 outcome& failed) {
  auto i = peers.find(name);
  if (i == peers.end()) {
    failed = unknown_peer(name);
    return nullptr;
  }
  return i->second.get();
}

detail::scenario_peer* scenario::impl::reading_peer(const std::string& name,
                                                    const std::string& step,
                                                    outcome& failed) {
  if (options.mode != scenario_mode::real) {
    failed = detail::needs_real(step);
    return nullptr;
  }
  return find_peer(name, failed);
}

outcome scenario::start_server(server_kind kind) {
  if (kind == server_kind::sink)
    return start_server([](const connection_actor&, const caf::actor& bridge) {
      return bridge;
    });
  auto& sys = impl_->runtime->system();
  return start_server([&sys](const connection_actor& connection,
                             const caf::actor& bridge) {
    return sys.spawn(echo_session, connection, bridge);
  });
}

outcome scenario::start_server(scenario_session_factory make_session) {
  return impl_->runtime->start_server(std::move(make_session), impl_->bridge);
}

outcome scenario::run_server(const std::vector<std::string>& command,
                             const std::string& port_pattern,
                             std::chrono::milliseconds timeout) {
  return impl_->runtime->run_server(command, port_pattern, timeout);
}

outcome scenario::use_server(const std::string& host, std::uint16_t port) {
  return impl_->runtime->use_server(host, port);
}

outcome scenario::stop_server() {
  return impl_->runtime->stop_server();
}

std::optional<std::pair<std::string, std::uint16_t>> scenario::server_address() const {
  return impl_->runtime->server_address();
}

std::string scenario::server_diagnostics() {
  return impl_->runtime->server_diagnostics();
}

outcome scenario::connect(const std::string& name) {
  return connect(name, peer_options{});
}

outcome scenario::connect(const std::string& name, const peer_options& options) {
  auto& st = *impl_;
  if (st.peers.count(name) > 0)
    return outcome::failure("a peer named " + name + " exists already");
  std::unique_ptr<detail::scenario_peer> peer;
  if (auto result = st.runtime->connect(name, st.bridge, options, peer); !result)
    return result;
  st.peers.emplace(name, std::move(peer));
  return {};
}

outcome scenario::open_udp(const std::string& name, const std::string& host,
                           std::uint16_t port) {
  auto& st = *impl_;
  if (st.peers.count(name) > 0)
    return outcome::failure("a peer named " + name + " exists already");
  std::unique_ptr<detail::scenario_peer> peer;
  if (auto result = st.runtime->open_udp(name, host, port, peer); !result)
    return result;
  st.peers.emplace(name, std::move(peer));
  return {};
}

outcome scenario::finish(const std::string& name) {
  outcome failed;
  auto peer = impl_->find_peer(name, failed);
  return peer ? peer->finish() : failed;
}

outcome scenario::send(const std::string& name, const std::string& payload) {
  outcome failed;
  auto peer = impl_->find_peer(name, failed);
  return peer ? peer->send(payload) : failed;
}

outcome scenario::flood(const std::string& name, std::uint64_t count) {
  outcome failed;
  auto peer = impl_->find_peer(name, failed);
  return peer ? peer->flood(count) : failed;
}

outcome scenario::close(const std::string& name) {
  return end_peer(impl_->peers, name,
                  [](detail::scenario_peer& peer) { return peer.close(); });
}

outcome scenario::reset(const std::string& name) {
  return end_peer(impl_->peers, name,
                  [](detail::scenario_peer& peer) { return peer.reset(); });
}

outcome scenario::expect_blocked(const std::string& name) {
  outcome failed;
  auto peer = impl_->find_peer(name, failed);
  return peer ? peer->expect_blocked() : failed;
}

} // namespace actors::testing
