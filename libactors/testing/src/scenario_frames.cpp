// The steps that check what a real-mode peer receives: a frame (exact or a
// regular expression), a frame among others, a count, silence, the end of
// the app's sending, frames in any order across peers.

#include "actors/testing/scenario.hpp"

#include <map>
#include <memory>
#include <utility>

#include <re2/re2.h>

#include "printable_text.hpp"
#include "scenario_impl.hpp"

namespace actors::testing {

namespace {

using detail::ms;

using clock_type = std::chrono::steady_clock;
using detail::arrival;
using detail::arrival_kind;

std::chrono::milliseconds until(clock_type::time_point deadline) {
  return std::max(std::chrono::milliseconds{0},
                  std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - clock_type::now()));
}

// Frames are bytes, not always UTF-8: patterns match byte by byte (\xff
// is the byte 0xff, `.` any one byte).
RE2::Options byte_options() {
  RE2::Options options;
  options.set_encoding(RE2::Options::EncodingLatin1);
  options.set_log_errors(false);
  return options;
}

// `pattern` compiled, from a per-thread cache: a sequence checks every
// frame that arrives against the same few patterns, and compiling one costs
// far more than matching it.
const RE2& compiled(const std::string& pattern) {
  thread_local std::map<std::string, std::unique_ptr<RE2>> cache;
  auto i = cache.find(pattern);
  if (i != cache.end())
    return *i->second;
  if (cache.size() >= 64) // a script's patterns fit; a stream of new ones does not grow it
    cache.clear();
  return *cache.emplace(pattern, std::make_unique<RE2>(pattern, byte_options())).first->second;
}

// "c1 received nothing within 2000 ms" and friends.
std::string what_arrived(const std::string& name, const arrival& x,
                         std::chrono::milliseconds timeout) {
  if (x.what == arrival_kind::timeout)
    return name + " received nothing within " + ms(timeout);
  return name + " received " + detail::describe_arrival(x);
}

} // namespace

bool frame_matches(const frame_pattern& pattern, std::string_view frame,
                   std::string* capture) {
  if (!pattern.regex) {
    if (frame != pattern.text)
      return false;
    if (capture != nullptr)
      *capture = std::string{frame};
    return true;
  }
  auto& re = compiled(pattern.text);
  re2::StringPiece input{frame.data(), frame.size()};
  if (re.NumberOfCapturingGroups() == 0) {
    re2::StringPiece whole;
    if (!re.Match(input, 0, input.size(), RE2::UNANCHORED, &whole, 1))
      return false;
    if (capture != nullptr)
      *capture = std::string{whole.data(), whole.size()};
    return true;
  }
  std::string first;
  if (!RE2::PartialMatch(input, re, &first))
    return false;
  if (capture != nullptr)
    *capture = std::move(first);
  return true;
}

std::string to_string(const frame_pattern& pattern) {
  return pattern.regex ? "a frame matching /" + printable(pattern.text, "") + "/"
                       : "frame \"" + printable(pattern.text, "") + "\"";
}

std::string check_regex(const std::string& pattern) {
  RE2 re{pattern, byte_options()};
  return re.ok() ? std::string{} : re.error();
}

outcome scenario::expect_frame(const std::string& name, const std::string& payload,
                               std::chrono::milliseconds timeout) {
  return expect_frame(name, frame_pattern{payload, false}, timeout);
}

outcome scenario::expect_frame(const std::string& name, const frame_pattern& pattern,
                               std::chrono::milliseconds timeout, std::string* capture) {
  outcome failed;
  auto peer = impl_->reading_peer(name, "expect " + name + " frame", failed);
  if (!peer)
    return failed;
  auto x = peer->next(timeout);
  if (x.what == arrival_kind::frame && frame_matches(pattern, x.frame, capture))
    return {};
  return outcome::failure(what_arrived(name, x, timeout) + ", expected "
                          + to_string(pattern));
}

outcome scenario::await_frame(const std::string& name, const frame_pattern& pattern,
                              std::chrono::milliseconds timeout, std::string* capture) {
  outcome failed;
  auto peer = impl_->reading_peer(name, "await " + name + " frame", failed);
  if (!peer)
    return failed;
  auto deadline = clock_type::now() + timeout;
  std::vector<std::string> skipped;
  arrival x;
  for (;;) {
    x = peer->next(until(deadline));
    if (x.what != arrival_kind::frame)
      break;
    if (frame_matches(pattern, x.frame, capture))
      return {};
    skipped.push_back(std::move(x.frame));
  }
  std::string list;
  constexpr std::size_t shown = 10;
  for (std::size_t i = 0; i < skipped.size() && i < shown; ++i)
    list += (i == 0 ? "" : ", ") + std::string{"\""} + printable(skipped[i], "") + "\"";
  if (skipped.size() > shown)
    list += " and " + std::to_string(skipped.size() - shown) + " more";
  auto expected = ", expected " + to_string(pattern);
  bool timed_out = x.what == arrival_kind::timeout;
  // As `expect` says it: "c received nothing within 500 ms, expected ...".
  if (skipped.empty())
    return outcome::failure(name + " received "
                            + (timed_out ? "nothing within " + ms(timeout)
                                         : detail::describe_arrival(x))
                            + expected);
  auto others = std::to_string(skipped.size())
                + (skipped.size() == 1 ? " other frame (" : " other frames (") + list + ")";
  auto end = timed_out ? " within " + ms(timeout) : ", then " + detail::describe_arrival(x);
  return outcome::failure(name + " received " + others + end + expected);
}

outcome scenario::expect_frames(const std::string& name, std::uint64_t count,
                                std::chrono::milliseconds timeout) {
  outcome failed;
  auto peer = impl_->reading_peer(name, "expect " + name + " frames", failed);
  if (!peer)
    return failed;
  auto deadline = clock_type::now() + timeout;
  for (std::uint64_t received = 0; received < count; ++received) {
    auto x = peer->next(until(deadline));
    if (x.what != arrival_kind::frame)
      return outcome::failure(name + " received " + std::to_string(received) + " of "
                              + std::to_string(count) + " frames, then "
                              + (x.what == arrival_kind::timeout
                                   ? "nothing within " + ms(timeout)
                                   : detail::describe_arrival(x)));
  }
  return {};
}

outcome scenario::expect_silent(const std::string& name,
                                std::chrono::milliseconds duration) {
  outcome failed;
  auto peer = impl_->reading_peer(name, "expect " + name + " silent", failed);
  if (!peer)
    return failed;
  auto x = peer->next(duration);
  if (x.what == arrival_kind::timeout)
    return {};
  return outcome::failure(name + " received " + detail::describe_arrival(x)
                          + ", expected nothing for " + ms(duration));
}

outcome scenario::expect_finished(const std::string& name,
                                  std::chrono::milliseconds timeout) {
  outcome failed;
  auto peer = impl_->reading_peer(name, "expect " + name + " finished", failed);
  if (!peer)
    return failed;
  auto x = peer->next(timeout);
  if (x.what == arrival_kind::finished)
    return {};
  return outcome::failure(what_arrived(name, x, timeout)
                          + ", expected the app to finish sending");
}

outcome scenario::expect_closed(const std::string& name,
                                std::chrono::milliseconds timeout) {
  outcome failed;
  auto peer = impl_->reading_peer(name, "expect " + name + " closed", failed);
  if (!peer)
    return failed;
  // Frames the peer did not read do not matter here.
  auto deadline = clock_type::now() + timeout;
  auto x = peer->next(timeout);
  while (x.what == arrival_kind::frame)
    x = peer->next(until(deadline));
  if (x.what == arrival_kind::finished || x.what == arrival_kind::reset)
    return {};
  if (x.what == arrival_kind::broken)
    return outcome::failure(name + " received " + detail::describe_arrival(x)
                            + ", expected its connection to be closed");
  return outcome::failure(name + "'s connection is still open after " + ms(timeout));
}

outcome scenario::expect_unordered(const std::vector<peer_frame>& expectations,
                                   std::chrono::milliseconds timeout) {
  // Per peer, the patterns not met yet, in the order written.
  std::map<std::string, std::vector<frame_pattern>> pending;
  for (auto& x : expectations)
    pending[x.peer].push_back(x.pattern);
  auto deadline = clock_type::now() + timeout;
  for (auto& [name, patterns] : pending) {
    outcome failed;
    auto peer = impl_->reading_peer(name, "expect " + name + " frame", failed);
    if (!peer)
      return failed;
    while (!patterns.empty()) {
      auto x = peer->next(until(deadline));
      std::string expected;
      for (auto& p : patterns)
        expected += (expected.empty() ? "" : ", ") + to_string(p);
      if (x.what != arrival_kind::frame)
        return outcome::failure(what_arrived(name, x, timeout) + ", expected (in any "
                                "order) " + expected);
      auto hit = std::find_if(patterns.begin(), patterns.end(),
                              [&](const frame_pattern& p) {
                                return frame_matches(p, x.frame, nullptr);
                              });
      if (hit == patterns.end())
        return outcome::failure(name + " received " + detail::describe_arrival(x)
                                + ", which is none of " + expected);
      patterns.erase(hit);
    }
  }
  return {};
}

} // namespace actors::testing
