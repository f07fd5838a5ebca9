// line_client: our framework's ncat. Lines from stdin are sent as frames;
// frames received are printed to stdout, one per line.
//
//   line_client [--framing line|length16|length32] [--log FILE] HOST PORT

#include <iostream>
#include <string>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/send.hpp>

#include "actors/connection.hpp"
#include "actors/system_config.hpp"
#include "actors/termination_signal.hpp"
#include "command_line.hpp"
#include "log_option.hpp"

namespace {

constexpr const char* usage = R"(usage: line_client [--framing KIND] [--timeout MS] [--linger MS] [--log FILE] HOST PORT
Sends each line of stdin as one frame; prints each frame received as a line.
Exits when stdin ends (after the queued frames are written) or the peer leaves.
  --framing KIND  line (default), length16 or length32
  --timeout MS    connect timeout in milliseconds (default 5000)
  --linger MS     after stdin ends, close once the peer was quiet this long
                  (default 500)
  --log FILE      record every frame in and out to FILE
SIGINT or SIGTERM ends it, with the log complete.
)";

using eof_atom = caf::atom_constant<caf::atom("eof")>;
using linger_atom = caf::atom_constant<caf::atom("linger")>;

struct printer_state {
  caf::actor conn;
  bool stdin_done = false;
  std::uint64_t frames = 0;
};

// Prints frames (stdout is this actor's to own) and reports the end to main.
// After stdin ends it closes the connection once the peer has been quiet for
// `linger`: CAF 0.17 cannot half-close, so replies still in flight would be
// lost if we closed at once.
caf::behavior printer(caf::stateful_actor<printer_state>* self,
                      caf::actor main_actor, std::chrono::milliseconds linger) {
  return {
    [=](const actors::connected& up) {
      self->state.conn = up.handle;
      self->send(main_actor, true);
    },
    [=](const actors::frame_received& frame) {
      std::cout << frame.payload << '\n' << std::flush;
      ++self->state.frames;
      self->send(self->state.conn, actors::credit_atom::value, std::uint32_t{1});
    },
    [=](eof_atom) {
      self->state.stdin_done = true;
      self->delayed_send(self, linger, linger_atom::value, self->state.frames);
    },
    [=](linger_atom, std::uint64_t frames_before) {
      if (self->state.frames == frames_before)
        self->send(self->state.conn, actors::close_atom::value);
      else
        self->delayed_send(self, linger, linger_atom::value, self->state.frames);
    },
    [=](const actors::connection_error& err) {
      std::cerr << "error: " << err.message << "\n";
    },
    [=](const actors::disconnected& down) {
      self->send(main_actor, down.reason == actors::error_kind::none
                               || down.reason == actors::error_kind::peer_closed);
      self->quit();
    },
  };
}

} // namespace

int main(int argc, char** argv) {
  auto args = examples::parse_command_line(argc, argv, {"framing", "timeout", "linger", "log"},
                                           {}, usage);
  if (args.positionals.size() != 2) {
    std::cerr << "error: expected HOST and PORT\n\n" << usage;
    return 2;
  }
  actors::connection_options opts;
  auto framing = actors::parse_framing_kind(args.get("framing", "line"));
  if (!framing || *framing == actors::framing_kind::raw) {
    std::cerr << "error: --framing must be line, length16 or length32\n";
    return 2;
  }
  opts.framing.kind = *framing;
  opts.connect_timeout = std::chrono::milliseconds{
    args.number("timeout", 5000, 1, 3'600'000)};
  examples::command_line port_arg;
  port_arg.options["PORT"] = args.positionals[1];
  auto port = port_arg.port("PORT", 0);

  actors::block_termination_signals();
  actors::system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  auto log = examples::start_log(sys, args);
  opts.log = log;
  // A signal ends the run like a lost peer: the log is closed on the way out.
  std::thread{[me = caf::actor{self}] {
    actors::wait_for_termination_signal();
    caf::anon_send(me, false);
  }}.detach();
  std::chrono::milliseconds linger{args.number("linger", 500, 0, 3'600'000)};
  auto print = sys.spawn(printer, caf::actor{self}, linger);
  auto conn = actors::connect(sys, args.positionals[0], port, print, opts);
  bool ok = false;
  self->receive([&](bool up) { ok = up; });
  if (!ok) {
    examples::close_log(sys, log);
    return 1;
  }
  // stdin blocks, so it gets its own thread; it only sends messages. It is
  // detached so that we can exit when the peer leaves first.
  std::thread{[conn, print] {
    for (std::string line; std::getline(std::cin, line);)
      caf::anon_send(conn, actors::send_atom::value, line);
    caf::anon_send(print, eof_atom::value);
  }}.detach();
  self->receive([&](bool clean) { ok = clean; });
  examples::close_log(sys, log);
  return ok ? 0 : 1;
}
