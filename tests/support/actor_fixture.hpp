#pragma once

// The usual start of a test that runs servers and connections of libactors
// in its own actor system, with the test thread as a scoped actor.

#include <chrono>
#include <utility>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/after.hpp>
#include <caf/message_view.hpp>
#include <caf/others.hpp>
#include <caf/scoped_actor.hpp>
#include <catch2/catch.hpp>

#include "actors/server.hpp"
#include "actors/system_config.hpp"
#include "support/echo_session.hpp"
#include "support/server_teardown.hpp"

namespace testing_support {

struct actor_fixture {
  actors::system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  std::vector<actors::server_actor> acceptors;
  std::vector<caf::actor> sessions;

  ~actor_fixture() { stop_servers(self, acceptors, sessions); }

  /// An echo session that the fixture stops at the end.
  caf::actor echo_session() {
    sessions.push_back(sys.spawn(testing_support::echo_session));
    return sessions.back();
  }

  /// Listens and remembers the server for teardown.
  caf::expected<actors::server> serve(actors::server_options opts,
                                      caf::actor subscriber) {
    auto srv = actors::listen(sys, opts, subscriber);
    if (srv)
      acceptors.push_back(srv->acceptor);
    return srv;
  }

  /// A server whose connections all report to one echo session.
  actors::server start_echo_server(actors::server_options opts = {}) {
    auto srv = serve(opts, echo_session());
    REQUIRE(srv);
    return *srv;
  }

  /// Receives the next message, which must be of type T (fails otherwise,
  /// naming what came instead, or after `timeout`).
  template <class T>
  T expect(std::chrono::milliseconds timeout = std::chrono::seconds{5}) {
    T result;
    bool got = false;
    self->receive([&](T& x) { result = std::move(x); got = true; },
                  caf::others >> [&](caf::message_view& x) -> caf::result<caf::message> {
                    FAIL("unexpected message: " << to_string(x.copy_content_to_message()));
                    return caf::message{};
                  },
                  caf::after(timeout) >> [&] { FAIL("timeout waiting"); });
    REQUIRE(got);
    return result;
  }
};

} // namespace testing_support
