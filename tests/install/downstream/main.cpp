// A downstream program on an installed libactors, found with
// find_package(actors): a tiny line server that answers each line in
// capitals. Prints "listening on ADDR:PORT" first, serves until SIGINT or
// SIGTERM. Its scripts in scenarios/ test it through actors_add_scenarios.
//
//   downstream [--port N]

#include <actors/command_line.hpp>
#include <actors/connection_protocol.hpp>
#include <actors/server.hpp>
#include <actors/system_config.hpp>
#include <actors/termination_signal.hpp>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

#include <cctype>
#include <cstdint>
#include <iostream>

namespace {

// One per connection: answers each line in capitals, then takes the next.
caf::behavior shout_session(caf::event_based_actor* self, actors::connection_actor conn) {
  return {
    [=](actors::frame_received& frame) {
      for (auto& c : frame.payload)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      self->send(conn, actors::send_atom_v, std::move(frame.payload));
      self->send(conn, actors::credit_atom_v, std::uint32_t{1});
    },
    [=](const actors::connected&) {},
    [=](const actors::peer_finished&) { self->send(conn, actors::close_atom_v); },
    [=](const actors::connection_error&) {},
    [=](const actors::disconnected&) { self->quit(); },
  };
}

} // namespace

int main(int argc, char** argv) {
  auto args = actors::parse_command_line_or_exit(
    argc, argv, {{"port"}, {}, "usage: downstream [--port N]\n"});
  actors::server_options options;
  options.port = actors::value_or_exit(args.port("port", 7000));
  actors::block_termination_signals();
  actors::system_config cfg;
  caf::actor_system sys{cfg};
  auto srv = actors::listen(sys, options, [&sys](const actors::connection_actor& conn) {
    return sys.spawn(shout_session, conn);
  });
  if (!srv) {
    std::cerr << "error: " << actors::message_of(srv.error()) << "\n";
    return 1;
  }
  std::cout << "listening on " << srv->address << ":" << srv->port << std::endl;
  actors::wait_for_termination_signal();
  caf::scoped_actor self{sys};
  self->send(srv->acceptor, actors::close_atom_v);
  self->wait_for(srv->acceptor);
  return 0;
}
