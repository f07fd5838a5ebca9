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
#include "tcp_peer.hpp"

namespace actors::testing::detail {

namespace {

const char* end_text(peer_end end) {
  return end == peer_end::reset ? "was reset" : "was closed";
}

// A TCP client of the scenario's server.
class tcp_scenario_peer : public scenario_peer {
public:
  tcp_scenario_peer(std::string name, tcp_peer peer, const scenario_options& options)
    : name_(std::move(name)),
      peer_(std::move(peer)),
      send_timeout_(options.default_timeout),
      flood_stall_(options.flood_stall) {
    // nop
  }

  outcome send(const std::string& payload) override {
    if (auto err = peer_.send(payload, send_timeout_))
      return outcome::failure(name_ + " cannot send: " + describe(err));
    return {};
  }

  outcome flood(std::uint64_t count) override {
    if (!peer_.is_open())
      return outcome::failure(name_ + " cannot flood: its connection is closed");
    flood_blocked_ = peer_.flood(name_ + ":", count, flood_stall_).blocked;
    return {};
  }

  outcome close() override {
    peer_.close();
    return {};
  }

  outcome reset() override {
    peer_.reset();
    return {};
  }

  bool outlives_end() const noexcept override { return true; }

  outcome expect_frame(const std::string& payload,
                       std::chrono::milliseconds timeout) override {
    auto end = peer_end::open;
    auto frame = peer_.receive(timeout, end);
    if (!frame && end != peer_end::open)
      return outcome::failure(name_ + " received no frame: its connection "
                              + end_text(end));
    if (!frame)
      return outcome::failure(name_ + " received no frame within "
                              + std::to_string(timeout.count()) + " ms");
    if (*frame != payload)
      return outcome::failure(name_ + " received frame \"" + *frame
                              + "\", expected \"" + payload + "\"");
    return {};
  }

  outcome expect_closed(std::chrono::milliseconds timeout) override {
    if (peer_.await_end(timeout) == peer_end::open)
      return outcome::failure(name_ + "'s connection is still open after "
                              + std::to_string(timeout.count()) + " ms");
    return {};
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
  tcp_peer peer_;
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
    if (srv_)
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
    return {};
  }

  outcome connect(const std::string& name, const caf::actor&,
                  std::unique_ptr<scenario_peer>& peer) override {
    if (!srv_)
      return outcome::failure("connect needs a server: add a `server` step first");
    auto client = tcp_peer::connect(srv_->port, options_.connection.framing);
    if (!client)
      return outcome::failure(name + " cannot connect: " + describe(client.error()));
    peer = std::make_unique<tcp_scenario_peer>(name, std::move(*client), options_);
    return {};
  }

  void stop_server() override {
    if (!srv_)
      return;
    self()->send(srv_->acceptor, close_atom::value);
    self()->wait_for(srv_->acceptor);
    srv_.reset();
  }

private:
  scenario_options options_;
  std::optional<server> srv_;
};

} // namespace

std::unique_ptr<scenario_runtime> make_real_runtime(const scenario_options& options) {
  return std::make_unique<real_runtime>(options);
}

} // namespace actors::testing::detail
