#include "session_recorder.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <fstream>
#include <memory>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/connection_protocol.hpp"
#include "actors/event_source.hpp"
#include "actors/ui_event.hpp"
#include "session_script.hpp"

namespace client {

namespace {

struct recorder_state {
  std::ofstream file;
  std::unique_ptr<SessionScript> script;

  static inline const char* name = "client.session_recorder";
};

using recorder_actor = caf::stateful_actor<recorder_state>;

std::string now_utc() {
  auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof(text), "on %Y-%m-%d at %H:%M:%S UTC", &utc);
  return text;
}

caf::behavior session_recorder(recorder_actor* self, std::string path, caf::actor bridge) {
  actors::ignore_what_comes_back(self);
  auto& st = self->state;
  st.file.open(path, std::ios::out | std::ios::trunc | std::ios::binary);
  if (!st.file) {
    self->send(bridge, actors::make_error_event(actors::error_kind::io_failure,
                                                record_failed_prefix + path
                                                  + ": " + std::strerror(errno)));
    self->quit();
    return {};
  }
  st.script = std::make_unique<SessionScript>(st.file, now_utc());
  self->send(bridge, actors::make_message_event("recording the session to " + path));
  auto script = [self]() -> SessionScript& { return *self->state.script; };
  return {
    [=](rec_up_atom, std::uint64_t id, const std::string& peer, bool accepted, bool tls,
        const std::string& framing) {
      script().Connected(id, peer, accepted, tls, framing);
    },
    [=](rec_open_atom, std::uint64_t id) { script().AlreadyOpen(id); },
    [=](rec_sent_atom, std::uint64_t id, const std::string& payload) {
      script().Sent(id, payload);
    },
    [=](rec_in_atom, std::uint64_t id, const std::string& payload) {
      script().Received(id, payload);
    },
    [=](rec_more_atom, std::uint64_t id, std::uint64_t count) {
      script().ReceivedMore(id, count);
    },
    [=](rec_fin_atom, std::uint64_t id) { script().PeerFinished(id); },
    [=](rec_close_atom, std::uint64_t id) { script().Closed(id); },
    // CAF sends an error_kind alone in a message as a caf::error.
    [=](rec_gone_atom, std::uint64_t id, const caf::error& reason) {
      script().Disconnected(id, actors::kind_of(reason));
    },
    [=](actors::close_atom) {
      script().Finish();
      self->state.file.close();
      // Said as its start is ("recording the session to PATH").
      self->send(bridge, actors::make_message_event(
                           "recording stopped: " + path + " ("
                           + std::to_string(script().Steps()) + " steps; replay it with "
                           "actors-scenario " + path + ")"));
      self->quit();
      return true;
    },
  };
}

} // namespace

caf::actor spawn_session_recorder(caf::actor_system& system, std::string path,
                                  caf::actor bridge) {
  // Detached: it writes a file, which may block.
  return system.spawn<caf::detached>(session_recorder, std::move(path), std::move(bridge));
}

} // namespace client
