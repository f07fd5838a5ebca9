#include "server_teardown.hpp"

#include <chrono>

#include <caf/exit_reason.hpp>
#include <caf/system_messages.hpp>
#include <catch2/catch.hpp>


namespace testing_support {

void stop_servers(caf::scoped_actor& self, const std::vector<actors::server_actor>& acceptors,
                  const std::vector<caf::actor>& sessions) {
  for (auto& acceptor : acceptors) {
    self->monitor(acceptor);
    self->send(acceptor, actors::close_atom::value);
  }
  for (std::size_t i = 0; i < acceptors.size(); ++i)
    self->receive([](const caf::down_msg&) {},
                  caf::after(std::chrono::seconds{10}) >> [&] {
                    CHECK_FALSE("a server did not stop within 10 s of close");
                    for (auto& acceptor : acceptors)
                      self->send_exit(acceptor, caf::exit_reason::kill);
                  });
  for (auto& session : sessions)
    self->send_exit(session, caf::exit_reason::kill);
}

} // namespace testing_support
