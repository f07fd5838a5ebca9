#include "rooms_link.hpp"

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/atom.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/middleman_actor.hpp>
#include <caf/node_id.hpp>
#include <caf/openssl/manager.hpp>
#include <caf/sec.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/error_kind.hpp"
#include "chat_protocol.hpp"

namespace chat {

namespace {

struct link_state {
  rooms_link_options options;
  caf::actor lobby;
  std::vector<caf::actor> watchers;
  std::chrono::milliseconds backoff{0};
  // Whether the operator was told about the current failure episode.
  bool failure_reported = false;
  // A connect request to the middleman is under way; asked to exit
  // meanwhile, the link waits for its answer (see the exit handler).
  bool connecting = false;
  bool exit_when_answered = false;

  static inline const char* name = "chat.rooms_link";
};

using link_actor = caf::stateful_actor<link_state>;

std::string endpoint(const rooms_link_options& opts) {
  return opts.host + ":" + std::to_string(opts.port);
}

void report(link_actor* self, const std::string& line) {
  if (self->state.options.report)
    self->state.options.report(line);
}

void notify(link_actor* self, const caf::message& msg) {
  for (auto& watcher : self->state.watchers)
    self->send(watcher, msg);
}

void connect(link_actor* self);

// The middleman answered a connect; true if the link was asked to exit
// meanwhile (it exits now).
bool answered_and_exiting(link_actor* self) {
  auto& st = self->state;
  st.connecting = false;
  if (st.exit_when_answered)
    self->quit(caf::exit_reason::user_shutdown);
  return st.exit_when_answered;
}

// CAF's reasons for a failed connect, in the words of this program's
// options: what a user who gave --rooms the wrong port needs to read.
std::string why_not_reached(link_actor* self, const caf::error& err) {
  const char* which_port = "--rooms names the room node's --node-port (chat_cluster "
                           "--role rooms prints it), not a client port";
  if (err == caf::sec::cannot_connect_to_node)
    return self->system().render(err).find("no such host") != std::string::npos
             ? "no such host"
             : "nothing accepts connections there (refused or unreachable)";
  if (err == caf::sec::malformed_basp_message)
    return std::string{"something answers there, but not a room node: "} + which_port;
  if (err == caf::sec::disconnect_during_handshake)
    return self->state.options.tls
             ? "the room node closed the connection in the handshake: do both nodes have "
               "certificates from the same --tls-ca, and does the room node speak TLS?"
             : "the room node closed the connection in the handshake: does it speak TLS "
               "(then give this gateway --tls-cert, --tls-key and --tls-ca too)?";
  if (err == caf::sec::request_timeout)
    return std::string{"no room node answered within 10 s (a program that is not one "
                       "may be listening there): "}
           + which_port;
  return self->system().render(err);
}

// `wrong_program`: something that is not a room node answered there.
void retry_later(link_actor* self, const std::string& why, bool wrong_program = false) {
  auto& st = self->state;
  st.backoff = wrong_program ? st.options.wrong_program_backoff
                             : std::clamp(st.backoff * 2, st.options.min_backoff,
                                          st.options.max_backoff);
  if (!st.failure_reported) {
    report(self, "cannot reach the room node at " + endpoint(st.options) + ": " + why
                   + (wrong_program ? " (retrying every "
                                        + std::to_string(st.backoff.count() / 1000) + " s)"
                                    : " (retrying)"));
    st.failure_reported = true;
  }
  self->delayed_send(self, st.backoff, retry_atom::value);
}

// Whether `err` says a program that is not a room node answered.
bool wrong_program(const caf::error& err) {
  return err == caf::sec::malformed_basp_message || err == caf::sec::request_timeout;
}

// Why a linked room node went away, in words.
std::string why_lost(link_actor* self, const caf::error& reason) {
  // CAF says `unknown` when the node's socket ends during its shutdown,
  // before the lobby's own exit reason could travel.
  if (reason == caf::exit_reason::remote_link_unreachable
      || reason == caf::exit_reason::unknown)
    return "the connection to it broke: it stopped, or its host is gone";
  // A room node stops its lobby so on SIGINT or SIGTERM.
  if (reason == caf::exit_reason::user_shutdown || reason == caf::exit_reason::normal)
    return "it was shut down";
  return self->system().render(reason);
}

void on_connected(link_actor* self, caf::actor lobby) {
  auto& st = self->state;
  st.lobby = std::move(lobby);
  st.backoff = std::chrono::milliseconds{0};
  st.failure_reported = false;
  self->monitor(st.lobby);
  report(self, "connected to the room node at " + endpoint(st.options));
  notify(self, caf::make_message(chat_rooms_up_atom::value));
}

// Asks the middleman (or its TLS twin) to connect; its answer arrives as a
// message, so no worker thread waits for the network.
void connect(link_actor* self) {
  auto& sys = self->system();
  auto& opts = self->state.options;
  caf::io::middleman_actor mm = opts.tls ? sys.openssl_manager().actor_handle()
                                         : sys.middleman().actor_handle();
  self->state.connecting = true;
  self->request(mm, std::chrono::seconds{10}, caf::connect_atom::value, opts.host, opts.port)
    .then(
      [=](const caf::node_id&, caf::strong_actor_ptr& lobby, const std::set<std::string>&) {
        if (answered_and_exiting(self))
          return;
        if (!lobby)
          retry_later(self, "nothing is published on that port");
        else
          on_connected(self, caf::actor_cast<caf::actor>(std::move(lobby)));
      },
      [=](caf::error& err) {
        if (!answered_and_exiting(self))
          retry_later(self, why_not_reached(self, err), wrong_program(err));
      });
}

} // namespace

caf::actor spawn_rooms_link(caf::actor_system& system, rooms_link_options options) {
  return system.spawn([options](link_actor* self) -> caf::behavior {
    self->state.options = options;
    self->set_down_handler([=](caf::down_msg& down) {
      auto& st = self->state;
      if (st.lobby && down.source == st.lobby.address()) {
        st.lobby = nullptr;
        report(self, "lost the room node at " + endpoint(st.options) + " ("
                       + why_lost(self, down.reason) + "); reconnecting");
        st.failure_reported = true;
        notify(self, caf::make_message(chat_rooms_down_atom::value));
        retry_later(self, "lost");
        return;
      }
      auto& watchers = st.watchers;
      watchers.erase(std::remove_if(watchers.begin(), watchers.end(),
                                    [&](const caf::actor& watcher) {
                                      return watcher.address() == down.source;
                                    }),
                     watchers.end());
    });
    // A program that exits while a connect is in its handshake hangs in
    // the actor system's destructor (CAF 0.17's middleman never lets go of
    // that connect): the link exits once the middleman answered, at most
    // the request's 10 s later. The program waits for it (wait_for).
    self->set_exit_handler([=](caf::exit_msg& msg) {
      if (self->state.connecting && msg.reason != caf::exit_reason::kill)
        self->state.exit_when_answered = true;
      else
        self->quit(msg.reason);
    });
    connect(self);
    return {
      [=](room_atom atom, std::string& name) -> caf::result<caf::actor> {
        auto& st = self->state;
        if (!st.lobby)
          return caf::make_error(actors::error_kind::not_connected,
                                 "the room node at " + endpoint(st.options)
                                   + " is unreachable; you join #" + name
                                   + " when it is back");
        self->delegate(st.lobby, atom, std::move(name));
        return caf::delegated<caf::actor>{};
      },
      [=](chat_watch_atom, caf::actor& session) {
        self->monitor(session);
        self->state.watchers.push_back(std::move(session));
      },
      [=](retry_atom) {
        if (!self->state.lobby)
          connect(self);
      },
    };
  });
}

} // namespace chat
