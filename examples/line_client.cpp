// line_client: our framework's ncat. Lines from stdin are sent as frames;
// frames received are printed to stdout, one per line.
//
//   line_client [--framing line|length16|length32] [--log FILE]
//               [--tls [--ca FILE] [--insecure]] HOST PORT
//
// Reading stdin and waiting for a signal both block, so each happens in a
// detached actor (a thread of its own) that only sends messages; the
// printer owns stdout and the connection's events.

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <utility>

#include <poll.h>
#include <unistd.h>

#include <caf/actor_system.hpp>
#include <caf/atom.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/type_id.hpp>

#include "actors/command_line.hpp"
#include "actors/connection.hpp"
#include "actors/system_config.hpp"
#include "actors/termination_signal.hpp"
#include "log_option.hpp"
#include "tls_option.hpp"

CAF_BEGIN_TYPE_ID_BLOCK(line_client, caf::first_custom_type_id + 1200)
  /// stdin reader and signal watcher -> themselves: wait once more.
  CAF_ADD_ATOM(line_client, client, wait_atom, "wait")
CAF_END_TYPE_ID_BLOCK(line_client)

namespace client {

using namespace std::chrono_literals;

constexpr const char* usage = R"(usage: line_client [--framing KIND] [--timeout MS] [--log FILE] [--tls [--ca FILE] [--insecure]] HOST PORT
Sends each line of stdin as one frame; prints each frame received as a line.
When stdin ends it half-closes, as ncat does: the peer sees the end of the
stream after the last line, and replies are printed until the peer closes.
Exits when the peer closes or finishes sending.
  --framing KIND  line (default), length16 or length32
  --timeout MS    connect timeout in milliseconds (default 5000)
  --log FILE      record every frame in and out to FILE
  --tls           speak TLS; the server's certificate must be valid for HOST
  --ca FILE       verify it against these CA certificates (PEM) instead of
                  the system's
  --insecure      do not verify it at all (anyone on the path can listen in)
SIGINT or SIGTERM ends it, with the log complete.
)";

// Prints frames and tells main whether the connection came up, then how it
// ended. The peer's end of the stream ends the run, as in ncat.
caf::behavior printer(caf::stateful_actor<actors::connection_actor>* self,
                      caf::actor main_actor) {
  return {
    [=](const actors::connected& up) {
      self->state = up.handle;
      self->send(main_actor, true);
    },
    [=](const actors::frame_received& frame) {
      std::cout << frame.payload << '\n' << std::flush;
      self->send(self->state, actors::credit_atom::value, std::uint32_t{1});
    },
    [=](const actors::peer_finished&) { self->send(self->state, actors::close_atom_v); },
    [=](const actors::connection_error& err) { std::cerr << "error: " << err.message << "\n"; },
    [=](const actors::disconnected& down) {
      self->send(main_actor, down.reason == actors::error_kind::none
                               || down.reason == actors::error_kind::peer_closed);
      self->quit();
    },
  };
}

// Sends each line of stdin to `conn`, then `finish_atom` (a FIN after the
// last line; the connection keeps reading). Detached:
// it waits for input at most 100 ms at a time, so an exit message from main
// (the peer left first) ends it between waits. Lines go one batch per read;
// one longer than `max_line` goes alone, so that the connection refuses it
// and nothing else.
caf::behavior stdin_reader(caf::stateful_actor<std::string>* self,
                           actors::connection_actor conn, std::size_t max_line) {
  self->send(self, wait_atom_v);
  return [=](wait_atom) {
    pollfd input{STDIN_FILENO, POLLIN, 0};
    char buffer[64 * 1024];
    auto ready = ::poll(&input, 1, 100);
    auto n = ready > 0 ? ::read(STDIN_FILENO, buffer, sizeof buffer) : -1;
    auto& partial = self->state;
    if (n == 0 || (ready > 0 && n < 0 && errno != EINTR)) {
      // Like std::getline, the last line needs no newline.
      if (!partial.empty())
        self->send(conn, actors::send_atom::value, partial);
      self->send(conn, actors::finish_atom_v);
      self->quit();
      return;
    }
    partial.append(buffer, n > 0 ? static_cast<std::size_t>(n) : 0);
    actors::frame_batch lines;
    auto send_lines = [&] {
      if (!lines.empty())
        self->send(conn, actors::send_atom::value, std::exchange(lines, {}));
    };
    std::size_t begin = 0;
    for (auto end = partial.find('\n'); end != std::string::npos;
         begin = end + 1, end = partial.find('\n', begin)) {
      auto line = std::string_view{partial}.substr(begin, end - begin);
      if (line.size() > max_line) {
        send_lines();
        self->send(conn, actors::send_atom::value, std::string{line});
      } else {
        lines.add(line);
      }
    }
    partial.erase(0, begin);
    send_lines();
    self->send(self, wait_atom_v);
  };
}

// Tells main `false` on SIGINT or SIGTERM. Detached, and it waits 100 ms at
// a time, for the same reason as the reader.
caf::behavior signal_watcher(caf::event_based_actor* self, caf::actor main_actor) {
  self->send(self, wait_atom_v);
  return [=](wait_atom) {
    if (actors::wait_for_termination_signal(100ms) == 0)
      return self->send(self, wait_atom_v);
    self->send(main_actor, false);
    self->quit();
  };
}

// Everything from the command line; exits with status 2 on a bad argument.
struct settings {
  actors::command_line args;
  std::string host;
  std::uint16_t port = 0;
  actors::connection_options connection;
  std::size_t max_line = 0; // the longest line the framing can send
};

settings parse_settings(int argc, char** argv) {
  settings s;
  s.args = actors::parse_command_line_or_exit(argc, argv,
                                              {{"framing", "timeout", "log", "ca"}, {"tls", "insecure"}, usage});
  auto& args = s.args;
  if (args.positionals().size() != 2) {
    std::cerr << "error: expected HOST and PORT\n\n" << usage;
    std::exit(2);
  }
  auto framing = actors::parse_framing_kind(args.get("framing", "line"));
  if (!framing || *framing == actors::framing_kind::raw) {
    std::cerr << "error: --framing must be line, length16 or length32\n";
    std::exit(2);
  }
  s.connection.framing.kind = *framing;
  s.connection.tls = examples::client_tls(args);
  s.connection.connect_timeout
    = std::chrono::milliseconds{actors::value_or_exit(args.number("timeout", 5000, 1, 3'600'000))};
  s.host = args.positionals()[0];
  s.port = static_cast<std::uint16_t>(
    actors::value_or_exit(actors::parse_number(args.positionals()[1], "PORT", 1, 65535)));
  s.max_line = *framing == actors::framing_kind::length16
                 ? std::min<std::size_t>(s.connection.framing.max_frame_size, 0xFFFF)
                 : s.connection.framing.max_frame_size;
  return s;
}

} // namespace client

int main(int argc, char** argv) {
  auto s = client::parse_settings(argc, argv);
  actors::block_termination_signals();
  actors::system_config cfg;
  cfg.add_message_types<caf::id_block::line_client>();
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  auto log = examples::start_log(sys, s.args);
  s.connection.log = log;
  auto watcher = sys.spawn<caf::detached>(client::signal_watcher, caf::actor{self});
  auto print = sys.spawn(client::printer, caf::actor{self});
  auto conn = actors::connect(sys, s.host, s.port, print, s.connection);
  bool ok = false;
  self->receive([&](bool up) { ok = up; });
  caf::actor reader;
  if (ok) {
    reader = sys.spawn<caf::detached>(client::stdin_reader, conn, s.max_line);
    self->receive([&](bool clean) { ok = clean; });
  }
  // Whatever ended the run, end every actor (a connection that is already
  // gone ignores the abort), so that the log holds its last event.
  self->send(conn, actors::abort_atom::value);
  self->wait_for(print);
  for (auto& helper : {watcher, reader})
    if (helper)
      self->send_exit(helper, caf::exit_reason::user_shutdown);
  examples::close_log(sys, log);
  return ok ? 0 : 1;
}
