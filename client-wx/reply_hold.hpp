#pragma once

// Holds the window's frames for a moment after the user sends, until the
// reply is shown, like a terminal waiting briefly for the echo of a key.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include <wx/timer.h>

#include "actors/ui_event.hpp"

class wxTopLevelWindow;

namespace client {

/// After a line is sent to a connection, keeps `window` from starting a
/// frame until that connection's reply has been applied (any inbound frame
/// or event of it), for at most `limit_ms`. Then the window paints right
/// after the reply, before it handles anything else, and waits for the X
/// server to draw it (at most once per 60 Hz frame interval).
///
/// Why: a frame takes the UI thread 1-2 ms. One under way when the reply
/// arrives keeps the reply waiting for its end; one painted just before
/// the reply leaves it off the screen until the next, up to 16 ms later;
/// and the X server's drawing of a frame competes for the cores with the
/// traffic that follows it. Held, frames fall between a reply and the next
/// line, and show the reply at once. GTK 3 only (its frame clock, found at
/// run time); elsewhere it holds nothing.
class ReplyHold {
public:
  using duration = std::chrono::steady_clock::duration;

  ReplyHold(wxTopLevelWindow& window, int limit_ms);
  ~ReplyHold();

  ReplyHold(const ReplyHold&) = delete;
  ReplyHold& operator=(const ReplyHold&) = delete;

  /// A line went to `connection`: holds frames until its reply or the
  /// limit. A hold under way keeps its deadline and waits for either.
  void Sent(std::uint64_t connection);
  /// `events` were applied to the window: ends the hold when they hold the
  /// reply.
  void Applied(const std::vector<actors::ui_event>& events);
  /// True while frames are held.
  bool Holding() const { return frozen_ != nullptr; }
  /// Frames painted right after a reply (since the start).
  std::uint64_t PaintsAfterReply() const { return paints_after_reply_; }
  /// For tests and benchmarks: calls `observer` with the time each paint
  /// after a reply took, X server included. An empty function stops.
  void ObservePaints(std::function<void(duration)> observer) {
    paint_observer_ = std::move(observer);
  }

private:
  using clock = std::chrono::steady_clock;

  bool Freeze();
  void Release();
  void PaintNow();
  void* GdkWindow() const;

  wxTopLevelWindow& window_;
  int limit_ms_;
  wxTimer limit_;
  void* frozen_ = nullptr; // the GdkWindow whose frames are held, if any
  std::vector<std::uint64_t> awaited_; // connections whose reply ends the hold
  clock::time_point last_paint_{};     // the last paint after a reply
  // Waiting for the X server after a paint stays on while it is quick: a
  // remote display (ssh -X) would make each wait a network round trip.
  bool wait_for_server_ = true;
  std::uint64_t paints_after_reply_ = 0;
  std::function<void(duration)> paint_observer_;
  // Expires with this object: a paint posted to the app skips then.
  std::shared_ptr<char> alive_ = std::make_shared<char>();
};

} // namespace client
