// line_client: our framework's ncat. Lines from stdin are sent as frames;
// frames received are printed to stdout, one per line.
//
//   line_client [--framing line|length16|length32] [--log FILE]
//               [--tls [--ca FILE] [--insecure]] HOST PORT
//   line_client --udp [--wait MS] [--log FILE] HOST PORT
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
#include "actors/udp.hpp"
#include "log_option.hpp"
#include "tls_option.hpp"
#include "udp_buffer.hpp"

CAF_BEGIN_TYPE_ID_BLOCK(line_client, caf::first_custom_type_id + 1200)
  /// stdin reader and signal watcher -> themselves: wait once more.
  CAF_ADD_ATOM(line_client, client, wait_atom, "wait")
CAF_END_TYPE_ID_BLOCK(line_client)

namespace client {

using namespace std::chrono_literals;

constexpr const char* usage = R"(usage: line_client [--framing KIND] [--timeout MS] [--log FILE] [--tls [--ca FILE] [--insecure]] HOST PORT
       line_client --udp [--wait MS] [--log FILE] HOST PORT
Sends each line of stdin as one frame; prints each frame received as a line.
When stdin ends it half-closes, as ncat does: the peer sees the end of the
stream after the last line, and replies are printed until the peer closes.
Exits when the peer closes or finishes sending.
With --udp, each line is one datagram (without its newline) and each datagram
received is printed as a line (a newline added unless it ends in one); UDP
has no end of stream, so it exits once stdin ended and nothing arrived for
--wait milliseconds (default 1000), saying how many datagrams were lost here.
  --udp           speak UDP instead of TCP
  --wait MS       with --udp: how long to wait for replies after stdin ends
  --framing KIND  line (default), length16 or length32
  --timeout MS    connect timeout in milliseconds (default 5000)
  --log FILE      record every frame in and out to FILE
  --tls           speak TLS; the server's certificate must be valid for HOST
  --ca FILE       verify it against these CA certificates (PEM) instead of
                  the system's
  --insecure      do not verify it at all (anyone on the path can listen in)
SIGINT or SIGTERM ends it, with the log complete.
)";

// What the printer knows of its connection.
struct printer_state {
  actors::connection_actor connection;
  // A line was not sent, or the connection failed: the run did not do
  // everything it was asked to, and the exit status says so.
  bool failed = false;
};

// Prints frames and tells main whether the connection came up, then how it
// ended. The peer's end of the stream ends the run, as in ncat.
caf::behavior printer(caf::stateful_actor<printer_state>* self, caf::actor main_actor) {
  return {
    [=](const actors::connected& up) {
      self->state.connection = up.handle;
      self->send(main_actor, true);
    },
    // The frames of one read, written with one flush (one per line made
    // printing, not the network, the limit on large transfers).
    [=](const actors::frames_received& read) {
      for (std::size_t i = 0; i < read.frames.size(); ++i)
        std::cout << read.frames[i] << '\n';
      std::cout << std::flush;
      self->send(self->state.connection, actors::credit_atom::value,
                 static_cast<std::uint32_t>(read.frames.size()));
    },
    [=](const actors::peer_finished&) {
      self->send(self->state.connection, actors::close_atom_v);
    },
    [=](const actors::connection_error& err) {
      std::cerr << "error: " + err.message + "\n";
      self->state.failed = true;
    },
    [=](const actors::disconnected& down) {
      bool clean = down.reason == actors::error_kind::none
                   || down.reason == actors::error_kind::peer_closed;
      self->send(main_actor, clean && !self->state.failed);
      self->quit();
    },
  };
}

// Sends each line of stdin to `target`: with TCP one batch of lines per read
// (`frame_batch`), with UDP one datagram per line (`one_per_line`). With TCP
// it reads on only once the connection has at most `queue_mark` bytes left
// to write (`drain_atom`): stdin faster than the peer takes it waits, as
// ncat's blocking write does, instead of filling the connection's queue
// until it refuses lines. At the end of stdin it tells `at_end`
// (`finish_atom`): a TCP connection then sends a FIN after the last line
// and keeps reading. Detached: it waits for input at most 100 ms at a time,
// so an exit message from main (the peer left first) ends it between
// waits. A line longer than `max_line` goes alone, so that the connection
// refuses it and nothing else.
caf::behavior stdin_reader(caf::stateful_actor<std::string>* self, caf::actor target,
                           bool one_per_line, caf::actor at_end, std::size_t max_line) {
  self->send(self, wait_atom_v);
  constexpr std::uint64_t queue_mark = 1024 * 1024;
  return [=](wait_atom) {
    pollfd input{STDIN_FILENO, POLLIN, 0};
    char buffer[64 * 1024];
    auto ready = ::poll(&input, 1, 100);
    auto n = ready > 0 ? ::read(STDIN_FILENO, buffer, sizeof buffer) : -1;
    auto& partial = self->state;
    if (n == 0 || (ready > 0 && n < 0 && errno != EINTR)) {
      // Like std::getline, the last line needs no newline.
      if (!partial.empty())
        self->send(target, actors::send_atom::value, partial);
      self->send(at_end, actors::finish_atom_v);
      self->quit();
      return;
    }
    partial.append(buffer, n > 0 ? static_cast<std::size_t>(n) : 0);
    actors::frame_batch lines;
    auto send_lines = [&] {
      if (!lines.empty())
        self->send(target, actors::send_atom::value, std::exchange(lines, {}));
    };
    std::size_t begin = 0;
    for (auto end = partial.find('\n'); end != std::string::npos;
         begin = end + 1, end = partial.find('\n', begin)) {
      auto line = std::string_view{partial}.substr(begin, end - begin);
      if (one_per_line || line.size() > max_line) {
        send_lines();
        self->send(target, actors::send_atom::value, std::string{line});
      } else {
        lines.add(line);
      }
    }
    partial.erase(0, begin);
    send_lines();
    if (one_per_line) {
      self->send(self, wait_atom_v);
      return;
    }
    self->request(target, caf::infinite, actors::drain_atom_v, queue_mark)
      .then([=](std::uint64_t) { self->send(self, wait_atom_v); },
            [=](const caf::error&) { self->quit(); }); // the connection ended
  };
}

// With --udp: prints datagrams and tells main the endpoint is open, then,
// once stdin ended (`finish_atom` from the reader) and nothing arrived for
// `wait`, that the run is over.
struct udp_printer_state {
  actors::udp_endpoint_actor endpoint;
  bool input_done = false;
  // A datagram was not sent (too large, refused by the peer's closed port):
  // the run failed, and the exit status says so.
  bool failed = false;
  std::uint64_t arrivals = 0; // tells a stale quiet timer
};

caf::behavior udp_printer(caf::stateful_actor<udp_printer_state>* self,
                          caf::actor main_actor, std::chrono::milliseconds wait) {
  auto await_quiet = [=] {
    self->delayed_send(self, wait, wait_atom_v, self->state.arrivals);
  };
  return {
    [=](const actors::udp_ready& ready) {
      self->state.endpoint = ready.handle;
      self->send(main_actor, true);
    },
    [=](const actors::datagrams_received& batch) {
      // One line per datagram; many peers (ncat -u) end theirs with one.
      // A read's datagrams go out in one write, which keeps up with a burst.
      std::string lines;
      for (auto& d : batch.datagrams) {
        lines += d.payload;
        if (d.payload.empty() || d.payload.back() != '\n')
          lines += '\n';
      }
      std::cout << lines << std::flush;
      self->state.arrivals += batch.datagrams.size();
      self->send(self->state.endpoint, actors::credit_atom::value,
                 static_cast<std::uint32_t>(batch.datagrams.size()));
      if (self->state.input_done)
        await_quiet();
    },
    [=](actors::finish_atom) {
      self->state.input_done = true;
      await_quiet();
    },
    [=](wait_atom, std::uint64_t arrivals) {
      if (arrivals == self->state.arrivals)
        self->send(self->state.endpoint, actors::close_atom_v);
    },
    [=](const actors::udp_error& err) {
      // Losses are UDP's nature, told as they happen and summed at the end.
      if (err.kind == actors::error_kind::limit_reached) {
        std::cerr << "udp: " + err.message + "\n";
        return;
      }
      std::cerr << "error: " + err.message + "\n";
      self->state.failed = true;
    },
    [=](const actors::udp_closed& closed) {
      // UDP loses datagrams without a word; say how many were lost here.
      auto& x = closed.stats;
      if (x.dropped + x.dropped_by_kernel > 0)
        std::cerr << "udp: " << x.datagrams_out << " datagrams sent, " << x.datagrams_in
                  << " received; " << x.dropped_by_kernel
                  << " dropped by the kernel (its receive buffer was full), " << x.dropped
                  << " dropped while printing fell behind\n";
      self->send(main_actor,
                 closed.reason == actors::error_kind::none && !self->state.failed);
      self->quit();
    },
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
  bool udp = false;
  std::chrono::milliseconds udp_wait{1000};
  std::string host;
  std::uint16_t port = 0;
  actors::connection_options connection;
  std::size_t max_line = 0; // the longest line the framing can send
};

settings parse_settings(int argc, char** argv) {
  settings s;
  s.args = actors::parse_command_line_or_exit(argc, argv,
                                              {{"framing", "timeout", "log", "ca", "wait"},
                                               {"tls", "insecure", "udp"}, usage, 2});
  auto& args = s.args;
  if (args.positionals().size() != 2) {
    std::cerr << "error: expected HOST and PORT\n\n" << usage;
    std::exit(2);
  }
  s.udp = args.has("udp");
  for (auto tcp_only : {"framing", "timeout", "tls", "ca", "insecure"})
    if (s.udp && args.has(tcp_only))
      actors::exit_on_bad_argument(caf::make_error(
        actors::error_kind::invalid_argument,
        std::string{"--"} + tcp_only + " is for TCP; it does not apply to --udp"));
  if (!s.udp && args.has("wait"))
    actors::exit_on_bad_argument(caf::make_error(actors::error_kind::invalid_argument,
                                                 "--wait applies to --udp only"));
  s.udp_wait = std::chrono::milliseconds{
    actors::value_or_exit(args.number("wait", 1000, 0, 3'600'000))};
  auto framing = actors::parse_framing_kind(args.get("framing", "line"));
  if (!framing || *framing == actors::framing_kind::raw) {
    std::cerr << "error: --framing must be line, length16 or length32\n";
    std::exit(2);
  }
  s.connection.framing.kind = *framing;
  s.connection.batch_frames = true; // printed a read at a time
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
  caf::actor print;
  caf::actor target; // where lines go
  caf::actor at_end; // who hears that stdin ended
  if (s.udp) {
    print = sys.spawn(client::udp_printer, caf::actor{self}, s.udp_wait);
    actors::udp_options options;
    options.remote_host = s.host;
    options.remote_port = s.port;
    options.receive_buffer_size = examples::udp_receive_buffer;
    options.batch_datagrams = true;
    options.log = log;
    auto udp = actors::udp_open(sys, "", 0, print, options);
    if (!udp) {
      std::cerr << "error: " << actors::message_of(udp.error()) << "\n";
      self->send_exit(print, caf::exit_reason::user_shutdown);
      self->send_exit(watcher, caf::exit_reason::user_shutdown);
      examples::close_log(sys, log);
      return 1;
    }
    target = caf::actor_cast<caf::actor>(udp->handle);
    at_end = print;
  } else {
    print = sys.spawn(client::printer, caf::actor{self});
    target = caf::actor_cast<caf::actor>(
      actors::connect(sys, s.host, s.port, print, s.connection));
    at_end = target;
  }
  bool ok = false;
  self->receive([&](bool up) { ok = up; });
  caf::actor reader;
  if (ok) {
    reader = sys.spawn<caf::detached>(client::stdin_reader, target, s.udp, at_end,
                                      s.max_line);
    self->receive([&](bool clean) { ok = clean; });
  }
  // Whatever ended the run, end every actor (an endpoint that is already
  // gone ignores the message), so that the log holds its last event.
  if (s.udp)
    self->send(target, actors::close_atom_v);
  else
    self->send(target, actors::abort_atom_v);
  self->wait_for(print);
  for (auto& helper : {watcher, reader})
    if (helper)
      self->send_exit(helper, caf::exit_reason::user_shutdown);
  bool logged = examples::close_log(sys, log);
  return ok && logged ? 0 : 1;
}
