#pragma once

// Turns what happens on the client's connections into a scenario script
// (docs/scenarios.md) that actors-scenario replays headlessly against the
// same server: `server at`, each connect, each line sent, each frame
// received as an expectation, and how connections ended. A script talks to
// one server, so the first connection's server is the script's; connections
// to others, and those a listener accepted, become comments. No actors, no
// widgets: the session recorder (session_recorder.hpp) feeds it.

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <string_view>

#include "actors/error_kind.hpp"

namespace client {

/// `payload` as a script's quoted string: quotes and backslashes escaped,
/// \n \t \r, every other control byte and every byte above 0x7e as \xNN,
/// so any payload reads back byte for byte.
std::string ScriptQuoted(std::string_view payload);

/// Writes a scenario script as the session goes. Every call writes its lines
/// at once (so a script cut short is still a valid prefix).
class SessionScript {
public:
  /// Writes to `out`, starting with a comment that says what and when.
  SessionScript(std::ostream& out, const std::string& when);

  /// A connection is up: `peer` is "host:port"; `accepted` if a listener of
  /// ours accepted it; `tls` if it speaks TLS; `framing` how it cuts frames
  /// ("line", "length16", ...: a scenario's `framing` names).
  void Connected(std::uint64_t id, const std::string& peer, bool accepted, bool tls,
                 const std::string& framing = "line");

  /// Was open when recording began, so the script cannot use it.
  void AlreadyOpen(std::uint64_t id);

  /// We sent `payload` on connection `id`.
  void Sent(std::uint64_t id, std::string_view payload);

  /// Connection `id` received `payload`.
  void Received(std::uint64_t id, std::string_view payload);

  /// Connection `id` received `count` more frames past
  /// `frames_per_connection` (whose payloads the script does not keep).
  void ReceivedMore(std::uint64_t id, std::uint64_t count);

  /// The peer of connection `id` finished sending.
  void PeerFinished(std::uint64_t id);

  /// We asked connection `id` to close.
  void Closed(std::uint64_t id);

  /// Connection `id` is gone, for `reason` (none: we closed it).
  void Disconnected(std::uint64_t id, actors::error_kind reason);

  /// Ends the script with a last comment.
  void Finish();

  /// Steps written so far (not counting comments).
  std::uint64_t Steps() const noexcept { return steps_; }

  /// Frames recorded one by one per connection; later ones are counted
  /// (`expect NAME frames N`), so a flood cannot fill the disk.
  static constexpr std::uint64_t frames_per_connection = 10'000;

private:
  struct Peer {
    std::string name;
    std::uint64_t frames = 0;
    std::uint64_t uncounted = 0;  // frames received past the limit, not yet written
    bool ended = false;
    int generation = 0;  // 1 for the first connect, 2 after a reconnect, ...
  };

  // The recorded connection `id`, or nullptr.
  Peer* Find(std::uint64_t id);

  // Writes `expect NAME frames N` for frames past the limit, if any.
  void FlushCount(Peer& peer);

  void Step(const std::string& line);

  std::ostream& out_;
  std::string server_;
  std::map<std::uint64_t, Peer> peers_;
  std::uint64_t steps_ = 0;
};

} // namespace client
