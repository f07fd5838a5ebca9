// The real half of a scenario: CAF's own threads, a server on 127.0.0.1 and
// peers that are plain TCP clients.

#include <thread>
#include <utility>

#include <caf/delegated.hpp>
#include <caf/message_view.hpp>
#include <caf/others.hpp>
#include <caf/result.hpp>

#include "actors/server.hpp"
#include "actors/testing/test_config.hpp"
#include "actors/ui_protocol.hpp"
#include "scenario_runtime.hpp"
#include "server_process.hpp"
#include "tcp_peer.hpp"
#include "udp_scenario_peer.hpp"

namespace actors::testing::detail {

namespace {

// The largest frame a real-mode peer sends or receives.
constexpr std::size_t peer_max_frame_size = 64 * 1024 * 1024;

// A TCP client of the scenario's server.
class tcp_scenario_peer : public scenario_peer {
public:
  tcp_scenario_peer(std::string name, std::unique_ptr<tcp_peer> peer,
                    const scenario_options& options)
    : name_(std::move(name)),
      peer_(std::move(peer)),
      send_timeout_(options.default_timeout),
      flood_stall_(options.flood_stall) {
    // nop
  }

  outcome send(const std::string& payload) override {
    if (auto err = peer_->send(payload, send_timeout_))
      return outcome::failure(name_ + " cannot send: " + actors::describe(err));
    return {};
  }

  outcome flood(std::uint64_t count) override {
    if (!peer_->can_send())
      return outcome::failure(name_ + " cannot flood: its connection is closed");
    flood_blocked_ = peer_->flood(name_ + ":", count, flood_stall_).blocked;
    return {};
  }

  outcome close() override {
    peer_->close();
    return {};
  }

  outcome reset() override {
    peer_->reset();
    return {};
  }

  outcome finish() override {
    if (auto err = peer_->finish(send_timeout_))
      return outcome::failure(name_ + " cannot finish: " + actors::describe(err));
    return {};
  }

  bool outlives_end() const noexcept override { return true; }

  arrival next(std::chrono::milliseconds timeout) override {
    return peer_->next(timeout);
  }

  outcome expect_blocked() override {
    if (!flood_blocked_)
      return outcome::failure(name_ + " has not flooded yet");
    if (!*flood_blocked_)
      return outcome::failure(name_ + " is not held back: TCP took its whole flood");
    return {};
  }

private:
  std::string name_;
  std::unique_ptr<tcp_peer> peer_;
  std::chrono::milliseconds send_timeout_;
  std::chrono::milliseconds flood_stall_;
  // Whether the last flood was held back by TCP; nothing before a flood.
  std::optional<bool> flood_blocked_;
};

class real_runtime : public scenario_runtime {
public:
  explicit real_runtime(const scenario_options& options)
    : scenario_runtime(std::make_unique<test_config>()), options_(options) {
    // nop
  }

  void settle() override {
    // Real actors run on their own threads; there is nothing to drive.
  }

  std::optional<caf::message> ask(const caf::actor& dest,
                                  caf::message request) override {
    std::optional<caf::message> result;
    self()
      ->request(dest, std::chrono::seconds{5}, std::move(request))
      .receive([](caf::error&) {},
               caf::others >> [&](caf::message_view& x) -> caf::result<caf::message> {
                 result = x.move_content_to_message();
                 return caf::delegated<caf::message>{};
               });
    return result;
  }

  std::optional<ui_record> await_count(const caf::actor& ui, ui_condition condition,
                                       std::chrono::milliseconds timeout) override {
    std::optional<ui_record> result;
    self()
      ->request(ui, timeout, await_atom::value, condition)
      .receive([&](ui_record& x) { result = std::move(x); }, [](caf::error&) {});
    return result;
  }

  std::optional<indexed_ui_event>
  await_event(const caf::actor& ui, ui_event_query query,
              std::chrono::milliseconds timeout) override {
    std::optional<indexed_ui_event> result;
    self()
      ->request(ui, timeout, await_atom::value, query)
      .receive([&](indexed_ui_event& x) { result = std::move(x); },
               [](caf::error&) {});
    return result;
  }

  void wait(std::chrono::milliseconds duration) override {
    // `wait` is a step of the scenario: real time passing is the point.
    std::this_thread::sleep_for(duration);
  }

  outcome start_server(scenario_session_factory make_session,
                       const caf::actor& bridge) override {
    if (target_)
      return outcome::failure("a server is running already");
    server_options opts;
    opts.connection = options_.connection;
    opts.observer = bridge;
    auto srv = listen(system(), opts,
                      [make_session, bridge](const connection_actor& connection) {
                        return make_session(connection, bridge);
                      });
    if (!srv)
      return outcome::failure("cannot start the server: " + describe(srv.error()));
    srv_ = *srv;
    target_ = server_endpoint{"127.0.0.1", srv_->port};
    return {};
  }

  outcome run_server(const std::vector<std::string>& command,
                     const std::string& port_pattern,
                     std::chrono::milliseconds timeout) override {
    if (target_)
      return outcome::failure("a server is running already");
    auto started = server_process::start(command, port_pattern, timeout);
    if (!started)
      return outcome::failure(actors::message_of(started.error()));
    process_ = std::move(*started);
    target_ = process_->endpoint();
    return {};
  }

  outcome use_server(const std::string& host, std::uint16_t port) override {
    if (target_)
      return outcome::failure("a server is running already");
    target_ = server_endpoint{host, port};
    return {};
  }

  std::optional<std::pair<std::string, std::uint16_t>> server_address() const override {
    if (!target_)
      return std::nullopt;
    return std::make_pair(target_->host, target_->port);
  }

  std::string server_diagnostics() override {
    return process_ ? process_->diagnostics() : std::string{};
  }

  outcome connect(const std::string& name, const caf::actor&,
                  const peer_options& options,
                  std::unique_ptr<scenario_peer>& peer) override {
    if (!target_)
      return outcome::failure("connect needs a server: add a `server` step first");
    tls_options tls;
    tls.enabled = options.tls;
    tls.ca_file = options.ca_file;
    tls.insecure = options.insecure;
    auto framing = options.framing.value_or(options_.connection.framing);
    // A peer may send (and receive) frames larger than the app accepts:
    // testing the app's limit is the point.
    framing.max_frame_size = std::max(framing.max_frame_size, peer_max_frame_size);
    auto client = tcp_peer::connect(target_->host, target_->port, framing, tls,
                                    options_.default_timeout);
    if (!client)
      return outcome::failure(name + " cannot connect: "
                              + actors::describe(client.error()));
    peer = std::make_unique<tcp_scenario_peer>(name, std::move(*client), options_);
    return {};
  }

  outcome open_udp(const std::string& name, const std::string& host, std::uint16_t port,
                   std::unique_ptr<scenario_peer>& peer) override {
    auto client = make_udp_scenario_peer(name, host, port, options_);
    if (!client)
      return outcome::failure(name + " cannot open: " + actors::describe(client.error()));
    peer = std::move(*client);
    return {};
  }

  outcome stop_server() override {
    std::string failed;
    if (process_)
      failed = process_->stop(std::chrono::seconds{5});
    process_.reset();
    target_.reset();
    if (srv_) {
      self()->send(srv_->acceptor, close_atom::value);
      self()->wait_for(srv_->acceptor);
      srv_.reset();
    }
    return failed.empty() ? outcome{} : outcome::failure(failed);
  }

private:
  scenario_options options_;
  // The built-in server, if it runs.
  std::optional<server> srv_;
  // The app under test as a process, if it runs.
  std::unique_ptr<server_process> process_;
  // Where peers connect.
  std::optional<server_endpoint> target_;
};

} // namespace

std::unique_ptr<scenario_runtime> make_real_runtime(const scenario_options& options) {
  return std::make_unique<real_runtime>(options);
}

} // namespace actors::testing::detail
