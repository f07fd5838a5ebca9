// caf_echo: a raw CAF 0.17 broker line echo with none of our layers (B1):
// the acceptor forks one broker per connection, which writes back every
// complete line as soon as it arrives.
//
//   caf_echo   prints "listening on 127.0.0.1:PORT" and serves until killed

#include <cstdio>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/broker.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/receive_policy.hpp>
#include <caf/io/system_messages.hpp>
#include <caf/scoped_actor.hpp>

namespace {

caf::behavior echo(caf::io::broker* self, caf::io::connection_handle hdl) {
  self->configure_read(hdl, caf::io::receive_policy::at_most(64 * 1024));
  auto pending = std::make_shared<std::vector<char>>();
  return {
    [=](const caf::io::new_data_msg& msg) {
      pending->insert(pending->end(), msg.buf.begin(), msg.buf.end());
      std::size_t complete = 0;
      for (std::size_t i = pending->size(); i > 0; --i)
        if ((*pending)[i - 1] == '\n') {
          complete = i;
          break;
        }
      if (complete == 0)
        return;
      self->write(hdl, complete, pending->data());
      self->flush(hdl);
      pending->erase(pending->begin(), pending->begin() + complete);
    },
    [=](const caf::io::connection_closed_msg&) { self->quit(); },
  };
}

caf::behavior acceptor(caf::io::broker* self) {
  return {
    [=](const caf::io::new_connection_msg& msg) { self->fork(echo, msg.handle); },
    [=](const caf::io::acceptor_closed_msg&) { self->quit(); },
  };
}

} // namespace

int main() {
  caf::actor_system_config cfg;
  cfg.load<caf::io::middleman>();
  caf::actor_system sys{cfg};
  std::uint16_t port = 0;
  auto server = sys.middleman().spawn_server(acceptor, port);
  if (!server) {
    std::fprintf(stderr, "caf_echo: %s\n", sys.render(server.error()).c_str());
    return 1;
  }
  std::printf("listening on 127.0.0.1:%u\n", port);
  std::fflush(stdout);
  caf::scoped_actor self{sys};
  self->wait_for(*server);
}
