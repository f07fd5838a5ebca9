#pragma once

// Everything of the client that is not a window: the actor system, the UI
// bridge, the workbench, and the embedded demo servers.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/server.hpp"
#include "actors/system_config.hpp"
#include "actors/wx/ui_sink.hpp"

namespace client {

/// What the command line asked for.
/// One --connect: HOST:PORT, tcp://HOST:PORT, tls://HOST:PORT or udp://HOST:PORT.
struct ConnectTarget {
  ConnectTarget(std::string host, std::uint16_t port, bool tls = false)
    : host(std::move(host)), port(port), tls(tls) {
  }
  std::string host;
  std::uint16_t port = 0;
  bool tls = false;
  bool udp = false; // udp://: a UDP endpoint talking to HOST:PORT
};

struct ClientOptions {
  /// --connect targets, in order.
  std::vector<ConnectTarget> connects;
  /// --ca FILE: the CA certificates tls:// connections trust (default: the
  /// system's).
  std::string ca_file;
  /// --insecure: tls:// connections skip verifying the server.
  bool insecure = false;
  /// --listen PORT (repeatable): a listener on 127.0.0.1:PORT each.
  std::vector<std::uint16_t> listen;
  /// --listen udp:PORT (repeatable): a UDP endpoint on 127.0.0.1:PORT each.
  std::vector<std::uint16_t> listen_udp;
  /// --tls-cert FILE and --tls-key FILE: the listeners speak TLS.
  std::string tls_cert;
  std::string tls_key;
  /// --log FILE.
  std::string log;
  /// --record FILE: record the session as a scenario script.
  std::string record;
  /// --reply RULE (repeatable): auto-reply rules for this run, after the
  /// remembered ones (see reply_rules.hpp).
  std::vector<std::string> replies;
  /// --keep-rows N: the traffic view keeps at most N rows (this run only).
  std::optional<std::size_t> keep_rows;
  /// --demo, or no arguments at all: embedded echo and chat servers.
  bool demo = false;
  /// --screenshot FILE: save the window as PNG after startup, then quit.
  std::string screenshot;
  /// --show PANEL, with --screenshot: open this panel first (generator,
  /// sequence, rules, inspector), for the docs' pictures.
  std::string show;
};

/// libactors' configuration plus the demo servers' messages; the actors'
/// threads run below the window's (`lower_thread_priority`).
struct ClientConfig : actors::system_config {
  ClientConfig();
};

/// The client's actors. Created and destroyed on the UI thread.
class Runtime {
public:
  /// Starts the actor system, the UI bridge (posting to `ui`, which must
  /// outlive the runtime) and the workbench.
  explicit Runtime(wxEvtHandler& ui);
  /// Shuts down, then waits until every actor is done (the log flushed and
  /// fsynced): call it once the window is gone.
  ~Runtime();

  /// Opens what `options` asks for (demo servers, connections, listener, log).
  void Start(const ClientOptions& options);

  /// Turns the first SIGINT or SIGTERM into a `stop_requested` event for the
  /// window. The signals must be blocked since before the runtime started.
  void WatchTerminationSignals();

  /// Tells every actor to finish: the workbench closes its connections and
  /// the log, the demo servers and the bridge stop. Never blocks; the
  /// destructor waits for them.
  void Shutdown();

  /// Where the bridge's batches arrive (the window receives them from it).
  const actors::wx::ui_sink& Sink() const { return *sink_; }
  /// The actor the UI sends commands to.
  const caf::actor& Workbench() const { return workbench_; }
  /// The UI bridge (the UI acknowledges batches to it).
  const caf::actor& Bridge() const { return bridge_; }
  /// The metrics registry every actor of the client registers with.
  const caf::actor& Metrics() const { return metrics_; }
  /// The inspector's feed (inspector_feed.hpp), posting to the `ui` handler.
  const caf::actor& InspectorFeed() const { return inspector_feed_; }
  /// The ports of the embedded echo and chat servers (0 when not started).
  std::pair<std::uint16_t, std::uint16_t> DemoPorts() const { return demo_ports_; }

private:
  void StartDemo();

  ClientConfig config_;
  caf::actor_system system_{config_};
  std::shared_ptr<actors::wx::ui_sink> sink_;
  caf::actor metrics_;
  caf::actor inspector_feed_;
  caf::actor bridge_;
  caf::actor workbench_;
  caf::actor termination_watch_;
  std::vector<actors::server_actor> demo_acceptors_;
  caf::actor demo_room_;
  std::pair<std::uint16_t, std::uint16_t> demo_ports_{0, 0};
  bool shut_down_ = false;
};

} // namespace client
