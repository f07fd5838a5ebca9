// The deterministic half of a scenario: CAF's test_coordinator on the
// scenario's thread, simulated time, and peers that are simulated
// connection actors.

#include <utility>

#include <caf/after.hpp>
#include <caf/delegated.hpp>
#include <caf/exit_reason.hpp>
#include <caf/message_view.hpp>
#include <caf/others.hpp>
#include <caf/result.hpp>
#include <caf/send.hpp>

#include "actors/testing/deterministic_driver.hpp"
#include "actors/testing/test_config.hpp"
#include "scenario_runtime.hpp"
#include "simulated_connection.hpp"

namespace actors::testing::detail {

namespace {

// A simulated connection; the scenario plays its remote end.
class simulated_peer : public scenario_peer {
public:
  simulated_peer(scenario_runtime& runtime, std::string name, caf::actor connection)
    : runtime_(runtime), name_(std::move(name)), connection_(std::move(connection)) {
    // nop
  }

  // A peer the scenario never ended leaves with the scenario.
  ~simulated_peer() override {
    if (!ended_)
      caf::anon_send_exit(connection_, caf::exit_reason::user_shutdown);
  }

  outcome send(const std::string& payload) override {
    return tell(peer_send_atom::value, payload);
  }

  outcome flood(std::uint64_t count) override {
    return tell(peer_flood_atom::value, name_ + ":", count);
  }

  outcome close() override {
    ended_ = true;
    return tell(peer_close_atom::value);
  }

  outcome reset() override {
    ended_ = true;
    return tell(peer_reset_atom::value);
  }

  bool outlives_end() const noexcept override { return false; }

  outcome finish() override { return needs_real("finish " + name_); }

  // Never called: the scenario refuses steps that read in deterministic mode.
  arrival next(std::chrono::milliseconds) override { return {}; }

  outcome expect_blocked() override {
    auto backlog = runtime_.ask_for<std::uint64_t>(connection_, backlog_atom::value);
    if (!backlog || *backlog == 0)
      return outcome::failure(name_ + " is not held back: every frame it sent "
                              "was delivered");
    return {};
  }

private:
  template <class... Ts>
  outcome tell(Ts&&... xs) {
    runtime_.self()->send(connection_, std::forward<Ts>(xs)...);
    runtime_.settle();
    return {};
  }

  scenario_runtime& runtime_;
  std::string name_;
  caf::actor connection_;
  bool ended_ = false;
};

class simulated_runtime : public scenario_runtime {
public:
  explicit simulated_runtime(const scenario_options& options)
    : scenario_runtime(std::make_unique<deterministic_config>()),
      driver_(system()),
      read_credit_(options.connection.read_credit) {
    // nop
  }

  void settle() override { driver_.run(); }

  std::optional<caf::message> ask(const caf::actor& dest,
                                  caf::message request) override {
    self()->send(dest, std::move(request));
    driver_.run();
    std::optional<caf::message> result;
    // After `run` the reply is either in the mailbox or never comes.
    self()->receive(
      caf::others >> [&](caf::message_view& x) -> caf::result<caf::message> {
        result = x.move_content_to_message();
        return caf::delegated<caf::message>{};
      },
      caf::after(std::chrono::milliseconds{0}) >> [] {});
    return result;
  }

  std::optional<ui_record> await_count(const caf::actor& ui, ui_condition condition,
                                       std::chrono::milliseconds timeout) override {
    std::optional<ui_record> result;
    auto holds = [&] {
      result = ask_for<ui_record>(ui, record_atom::value);
      return result && result->get(condition.counter) >= condition.at_least;
    };
    return driver_.run_until(holds, timeout) ? result : std::nullopt;
  }

  std::optional<indexed_ui_event>
  await_event(const caf::actor& ui, ui_event_query query,
              std::chrono::milliseconds timeout) override {
    std::optional<indexed_ui_event> result;
    auto found = [&] {
      result = ask_for<indexed_ui_event>(ui, peek_atom::value, query);
      return result && result->found;
    };
    return driver_.run_until(found, timeout) ? result : std::nullopt;
  }

  void wait(std::chrono::milliseconds duration) override {
    driver_.advance(duration);
  }

  outcome start_server(scenario_session_factory, const caf::actor&) override {
    return needs_real("server");
  }

  outcome connect(const std::string& name, const caf::actor& bridge,
                  const peer_options&, std::unique_ptr<scenario_peer>& peer) override {
    auto connection = spawn_simulated_connection(system(), bridge, name, read_credit_);
    peer = std::make_unique<simulated_peer>(*this, name, std::move(connection));
    settle();
    return {};
  }

  outcome stop_server() override {
    // Deterministic scenarios have no server.
    return {};
  }

private:
  deterministic_driver driver_;
  std::uint32_t read_credit_;
};

} // namespace

std::unique_ptr<scenario_runtime>
make_simulated_runtime(const scenario_options& options) {
  return std::make_unique<simulated_runtime>(options);
}

} // namespace actors::testing::detail
