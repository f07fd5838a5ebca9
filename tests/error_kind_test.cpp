#include "actors/error_kind.hpp"

#include <catch2/catch.hpp>

#include <string>

#include <caf/actor_system.hpp>
#include <caf/sec.hpp>

#include "actors/system_config.hpp"

using namespace actors;

TEST_CASE("every error kind survives the trip through caf::error") {
  for (int code = 1; code < static_cast<int>(error_kind::other); ++code) {
    auto kind = static_cast<error_kind>(code);
    auto err = caf::make_error(kind, "what went wrong");
    INFO(to_string(kind));
    CHECK(err.category() == error_category);
    CHECK(kind_of(err) == kind);
    CHECK(message_of(err) == "what went wrong");
    CHECK(describe(err) == std::string{to_string(kind)} + ": what went wrong");
  }
}

TEST_CASE("no error is kind none, and errors of other categories are kind other") {
  CHECK(kind_of(caf::error{}) == error_kind::none);
  auto timeout = caf::make_error(caf::sec::request_timeout);
  CHECK(kind_of(timeout) == error_kind::other);
  CHECK_THAT(message_of(timeout), Catch::Contains("request_timeout"));
}

TEST_CASE("the actor system renders our errors by kind and message") {
  system_config cfg;
  caf::actor_system sys{cfg};
  auto err = caf::make_error(error_kind::listen_failed, "cannot listen on 127.0.0.1:1");
  CHECK(sys.render(err) == "listen_failed: cannot listen on 127.0.0.1:1");
}
