#include "session_script.hpp"

namespace client {

std::string ScriptQuoted(std::string_view payload) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string result = "\"";
  for (char c : payload) {
    auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"': result += "\\\""; break;
      case '\\': result += "\\\\"; break;
      case '\n': result += "\\n"; break;
      case '\t': result += "\\t"; break;
      case '\r': result += "\\r"; break;
      default:
        if (byte < 0x20 || byte > 0x7e) {
          result += "\\x";
          result += digits[byte >> 4];
          result += digits[byte & 0x0f];
        } else {
          result += c;
        }
    }
  }
  return result + "\"";
}

SessionScript::SessionScript(std::ostream& out, const std::string& when) : out_(out) {
  out_ << "# Recorded by actors-client " << when << ".\n"
       << "# Replay: actors-scenario FILE (the server must be running).\n"
       << std::flush;
}

SessionScript::Peer* SessionScript::Find(std::uint64_t id) {
  auto i = peers_.find(id);
  return i == peers_.end() || i->second.ended ? nullptr : &i->second;
}

void SessionScript::Step(const std::string& line) {
  out_ << line << '\n' << std::flush;
  ++steps_;
}

void SessionScript::FlushCount(Peer& peer) {
  if (peer.uncounted == 0)
    return;
  Step("expect " + peer.name + " frames " + std::to_string(peer.uncounted));
  peer.uncounted = 0;
}

void SessionScript::Connected(std::uint64_t id, const std::string& peer, bool accepted,
                              bool tls, const std::string& framing) {
  auto name = "c" + std::to_string(id);
  if (accepted) {
    out_ << "# " << name << ": accepted by a listener from " << peer
         << "; not recorded (a script's peers are clients)\n" << std::flush;
    return;
  }
  if (server_.empty()) {
    server_ = peer;
    Step("server at " + peer);
  } else if (peer != server_) {
    out_ << "# " << name << ": to " << peer << ", not recorded (this script's server is "
         << server_ << ")\n" << std::flush;
    return;
  }
  // A reconnect keeps the connection's id; in the script, the connection
  // before it ended and a new peer connects.
  auto& entry = peers_[id];
  if (!entry.name.empty() && !entry.ended) {
    FlushCount(entry);
    Step("expect " + entry.name + " closed");
  }
  auto generation = entry.generation + 1;
  entry = Peer{generation == 1 ? name : name + "_" + std::to_string(generation)};
  entry.generation = generation;
  if (tls)
    out_ << "# " << entry.name << " speaks TLS; to verify the server, use `tls ca FILE`\n";
  Step("connect " + entry.name + (tls ? " tls insecure" : "")
       + (framing == "line" ? "" : " framing " + framing));
}

void SessionScript::AlreadyOpen(std::uint64_t id) {
  out_ << "# c" << id << ": open before recording began; not recorded\n" << std::flush;
}

void SessionScript::Sent(std::uint64_t id, std::string_view payload) {
  if (auto* peer = Find(id)) {
    FlushCount(*peer);
    Step("send " + peer->name + " " + ScriptQuoted(payload));
  }
}

void SessionScript::Received(std::uint64_t id, std::string_view payload) {
  auto* peer = Find(id);
  if (!peer)
    return;
  if (peer->frames++ >= frames_per_connection) {
    ++peer->uncounted;
    return;
  }
  Step("expect " + peer->name + " frame " + ScriptQuoted(payload));
}

void SessionScript::ReceivedMore(std::uint64_t id, std::uint64_t count) {
  if (auto* peer = Find(id)) {
    peer->frames += count;
    peer->uncounted += count;
  }
}

void SessionScript::PeerFinished(std::uint64_t id) {
  if (auto* peer = Find(id)) {
    FlushCount(*peer);
    Step("expect " + peer->name + " finished");
  }
}

void SessionScript::Closed(std::uint64_t id) {
  if (auto* peer = Find(id)) {
    FlushCount(*peer);
    Step("close " + peer->name);
    peer->ended = true;
  }
}

void SessionScript::Disconnected(std::uint64_t id, actors::error_kind reason) {
  auto* peer = Find(id);
  if (!peer)
    return;
  FlushCount(*peer);
  if (reason != actors::error_kind::none)
    Step("expect " + peer->name + " closed");
  peer->ended = true;
}

void SessionScript::Finish() {
  for (auto& entry : peers_)
    if (!entry.second.ended)
      FlushCount(entry.second);
  out_ << "# End of the recording (" << steps_ << " steps).\n" << std::flush;
}

} // namespace client
