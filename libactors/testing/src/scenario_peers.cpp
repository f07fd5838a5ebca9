#include "actors/testing/scenario.hpp"

#include <utility>

#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

#include "actors/connection_protocol.hpp"
#include "scenario_impl.hpp"
#include "simulated_connection.hpp"

namespace actors::testing {

namespace {

// A built-in echo session: sends each frame back and shows every event in
// the UI. Events go to the bridge as if the connection had sent them, so the
// bridge manages the connection's read credit.
caf::behavior echo_session(caf::event_based_actor* self, caf::actor connection,
                           caf::actor bridge) {
  return {
    [=](frame_received& frame) {
      self->send(connection, send_atom::value, frame.payload);
      caf::send_as(connection, bridge, std::move(frame));
    },
    [=](connected& event) { caf::send_as(connection, bridge, std::move(event)); },
    [=](connection_error& event) {
      caf::send_as(connection, bridge, std::move(event));
    },
    [=](disconnected& event) {
      caf::send_as(connection, bridge, std::move(event));
      self->quit();
    },
  };
}

const char* end_text(detail::peer_end end) {
  return end == detail::peer_end::reset ? "was reset" : "was closed";
}

outcome needs_real(const std::string& step) {
  return outcome::failure("`" + step + "` needs mode real: deterministic "
                          "scenarios have no sockets");
}

outcome unknown_peer(const std::string& name) {
  return outcome::failure("no peer named " + name + " (connect it first)");
}

} // namespace

outcome scenario::start_server(server_kind kind) {
  if (kind == server_kind::sink)
    return start_server([](const caf::actor&, const caf::actor& bridge) {
      return bridge;
    });
  auto& sys = *impl_->sys;
  return start_server([&sys](const caf::actor& connection, const caf::actor& bridge) {
    return sys.spawn(echo_session, connection, bridge);
  });
}

outcome scenario::start_server(scenario_session_factory make_session) {
  if (impl_->deterministic())
    return needs_real("server");
  if (impl_->srv)
    return outcome::failure("a server is running already");
  server_options opts;
  opts.connection = impl_->options.connection;
  opts.observer = impl_->bridge;
  auto bridge = impl_->bridge;
  auto srv = listen(*impl_->sys, opts,
                    [make_session, bridge](const caf::actor& connection) {
                      return make_session(connection, bridge);
                    });
  if (!srv)
    return outcome::failure("cannot start the server: " + describe(srv.error()));
  impl_->srv = *srv;
  return {};
}

outcome scenario::connect(const std::string& name) {
  auto& st = *impl_;
  if (st.tcp_peers.count(name) > 0 || st.simulated_peers.count(name) > 0)
    return outcome::failure("a peer named " + name + " exists already");
  if (st.deterministic()) {
    st.simulated_peers.emplace(
      name, detail::spawn_simulated_connection(*st.sys, st.bridge, name,
                                               st.options.connection.read_credit));
    st.settle();
    return {};
  }
  if (!st.srv)
    return outcome::failure("connect needs a server: add a `server` step first");
  auto peer = detail::tcp_peer::connect(st.srv->port, st.options.connection.framing);
  if (!peer)
    return outcome::failure(name + " cannot connect: " + describe(peer.error()));
  st.tcp_peers.emplace(name, std::move(*peer));
  return {};
}

outcome scenario::send(const std::string& name, const std::string& payload) {
  auto& st = *impl_;
  if (st.deterministic()) {
    auto i = st.simulated_peers.find(name);
    if (i == st.simulated_peers.end())
      return unknown_peer(name);
    (*st.self)->send(i->second, detail::peer_send_atom::value, payload);
    st.settle();
    return {};
  }
  auto i = st.tcp_peers.find(name);
  if (i == st.tcp_peers.end())
    return unknown_peer(name);
  if (auto err = i->second.send(payload, st.options.default_timeout))
    return outcome::failure(name + " cannot send: " + describe(err));
  return {};
}

outcome scenario::flood(const std::string& name, std::uint64_t count) {
  auto& st = *impl_;
  if (st.deterministic()) {
    auto i = st.simulated_peers.find(name);
    if (i == st.simulated_peers.end())
      return unknown_peer(name);
    (*st.self)->send(i->second, detail::peer_flood_atom::value, name + ":", count);
    st.settle();
    return {};
  }
  auto i = st.tcp_peers.find(name);
  if (i == st.tcp_peers.end())
    return unknown_peer(name);
  if (!i->second.is_open())
    return outcome::failure(name + " cannot flood: its connection is closed");
  auto result = i->second.flood(name + ":", count, st.options.flood_stall);
  st.flood_blocked[name] = result.blocked;
  return {};
}

outcome scenario::close(const std::string& name) {
  auto& st = *impl_;
  if (st.deterministic()) {
    auto i = st.simulated_peers.find(name);
    if (i == st.simulated_peers.end())
      return unknown_peer(name);
    (*st.self)->send(i->second, detail::peer_close_atom::value);
    st.simulated_peers.erase(i);
    st.settle();
    return {};
  }
  auto i = st.tcp_peers.find(name);
  if (i == st.tcp_peers.end())
    return unknown_peer(name);
  i->second.close();
  return {};
}

outcome scenario::reset(const std::string& name) {
  auto& st = *impl_;
  if (st.deterministic()) {
    auto i = st.simulated_peers.find(name);
    if (i == st.simulated_peers.end())
      return unknown_peer(name);
    (*st.self)->send(i->second, detail::peer_reset_atom::value);
    st.simulated_peers.erase(i);
    st.settle();
    return {};
  }
  auto i = st.tcp_peers.find(name);
  if (i == st.tcp_peers.end())
    return unknown_peer(name);
  i->second.reset();
  return {};
}

outcome scenario::expect_frame(const std::string& name, const std::string& payload,
                               std::chrono::milliseconds timeout) {
  auto& st = *impl_;
  if (st.deterministic())
    return needs_real("expect " + name + " frame");
  auto i = st.tcp_peers.find(name);
  if (i == st.tcp_peers.end())
    return unknown_peer(name);
  auto end = detail::peer_end::open;
  auto frame = i->second.receive(timeout, end);
  if (!frame && end != detail::peer_end::open)
    return outcome::failure(name + " received no frame: its connection "
                            + end_text(end));
  if (!frame)
    return outcome::failure(name + " received no frame within "
                            + std::to_string(timeout.count()) + " ms");
  if (*frame != payload)
    return outcome::failure(name + " received frame \"" + *frame
                            + "\", expected \"" + payload + "\"");
  return {};
}

outcome scenario::expect_closed(const std::string& name,
                                std::chrono::milliseconds timeout) {
  auto& st = *impl_;
  if (st.deterministic())
    return needs_real("expect " + name + " closed");
  auto i = st.tcp_peers.find(name);
  if (i == st.tcp_peers.end())
    return unknown_peer(name);
  if (i->second.await_end(timeout) == detail::peer_end::open)
    return outcome::failure(name + "'s connection is still open after "
                            + std::to_string(timeout.count()) + " ms");
  return {};
}

outcome scenario::expect_blocked(const std::string& name) {
  auto& st = *impl_;
  if (st.deterministic()) {
    auto i = st.simulated_peers.find(name);
    if (i == st.simulated_peers.end())
      return unknown_peer(name);
    auto backlog = st.ask<std::uint64_t>(i->second, detail::backlog_atom::value);
    if (!backlog || *backlog == 0)
      return outcome::failure(name + " is not held back: every frame it sent "
                              "was delivered");
    return {};
  }
  auto i = st.flood_blocked.find(name);
  if (i == st.flood_blocked.end())
    return outcome::failure(name + " has not flooded yet");
  if (!i->second)
    return outcome::failure(name + " is not held back: TCP took its whole flood");
  return {};
}

} // namespace actors::testing
