#include "reply_hold.hpp"

#include <algorithm>
#include <utility>

#include <wx/app.h>
#include <wx/toplevel.h>

#include "gtk_symbols.hpp"

namespace client {

namespace {

// The least time between two paints after a reply (60 Hz, GDK's default
// frame interval when it knows no refresh rate).
constexpr auto frame_interval = std::chrono::microseconds{16'667};

// A wait for the X server longer than this means a slow or remote display:
// from then on a paint after a reply is only sent, not waited for.
constexpr auto slow_server = std::chrono::milliseconds{4};

// The GTK and GDK functions a hold needs, looked up once; all null where
// any is missing (not GTK 3).
struct gdk_functions {
  void* (*window_of)(void* widget) = nullptr;
  // Stops and restarts the toplevel's frame clock: GTK's own frame sync
  // uses this pair. Unlike gdk_window_freeze_updates, which lets frames run
  // and only skips their paint, this postpones the frame itself.
  void (*freeze_frames)(void* gdk_window) = nullptr;
  void (*thaw_frames)(void* gdk_window) = nullptr;
  void (*process_updates)(void* gdk_window, int children) = nullptr;
  void* (*display_of)(void* gdk_window) = nullptr;
  void (*sync)(void* display) = nullptr;
  void (*flush)(void* display) = nullptr;

  static const gdk_functions& get() {
    static const gdk_functions functions = [] {
      gdk_functions f;
      f.window_of = gtk_function<void*(void*)>("gtk_widget_get_window");
      f.freeze_frames = gtk_function<void(void*)>("gdk_window_freeze_toplevel_updates_libgtk_only");
      f.thaw_frames = gtk_function<void(void*)>("gdk_window_thaw_toplevel_updates_libgtk_only");
      f.process_updates = gtk_function<void(void*, int)>("gdk_window_process_updates");
      f.display_of = gtk_function<void*(void*)>("gdk_window_get_display");
      f.sync = gtk_function<void(void*)>("gdk_display_sync");
      f.flush = gtk_function<void(void*)>("gdk_display_flush");
      bool all = f.window_of && f.freeze_frames && f.thaw_frames && f.process_updates
                 && f.display_of && f.sync && f.flush;
      return all ? f : gdk_functions{};
    }();
    return functions;
  }

  bool available() const { return window_of != nullptr; }
};

} // namespace

ReplyHold::ReplyHold(wxTopLevelWindow& window, int limit_ms)
  : window_(window), limit_ms_(limit_ms) {
  limit_.Bind(wxEVT_TIMER, [this](wxTimerEvent&) { Release(); });
}

ReplyHold::~ReplyHold() {
  Release();
}

void* ReplyHold::GdkWindow() const {
  auto& gdk = gdk_functions::get();
  return gdk.available() && window_.GetHandle() != nullptr ? gdk.window_of(window_.GetHandle())
                                                           : nullptr;
}

void ReplyHold::Sent(std::uint64_t connection) {
  if (frozen_ == nullptr && !Freeze())
    return;
  if (std::find(awaited_.begin(), awaited_.end(), connection) == awaited_.end())
    awaited_.push_back(connection);
}

bool ReplyHold::Freeze() {
  auto* gdk_window = window_.IsShown() ? GdkWindow() : nullptr;
  if (gdk_window == nullptr)
    return false;
  gdk_functions::get().freeze_frames(gdk_window);
  frozen_ = gdk_window;
  limit_.StartOnce(limit_ms_);
  return true;
}

void ReplyHold::Applied(const std::vector<actors::ui_event>& events) {
  if (frozen_ == nullptr)
    return;
  auto reply = std::any_of(events.begin(), events.end(), [this](const actors::ui_event& event) {
    return event.dir != actors::direction::out
           && std::find(awaited_.begin(), awaited_.end(), event.connection) != awaited_.end();
  });
  if (!reply)
    return;
  Release();
  // Paint the reply after this batch, before what the loop has queued
  // meanwhile (the app's queue, where input handlers post; another send
  // there would hold frames again). At most one such paint per frame
  // interval: back to back, the replies in between wait for the next.
  if (wxTheApp != nullptr && clock::now() - last_paint_ >= frame_interval)
    wxTheApp->CallAfter([this, alive = std::weak_ptr<char>{alive_}] {
      if (!alive.expired()) // the window may be gone by now
        PaintNow();
    });
}

void ReplyHold::PaintNow() {
  auto* gdk_window = GdkWindow();
  if (frozen_ != nullptr || gdk_window == nullptr)
    return;
  auto& gdk = gdk_functions::get();
  auto start = clock::now();
  gdk.process_updates(gdk_window, 1);
  // Sent, and drawn by the X server, before the window goes on: as a frame
  // would be, but with nothing else of the loop in between.
  void* display = gdk.display_of(gdk_window);
  if (wait_for_server_) {
    auto waited = clock::now();
    gdk.sync(display);
    wait_for_server_ = clock::now() - waited < slow_server;
  } else {
    gdk.flush(display);
  }
  last_paint_ = clock::now();
  ++paints_after_reply_;
  if (paint_observer_)
    paint_observer_(last_paint_ - start);
}

void ReplyHold::Release() {
  awaited_.clear();
  if (frozen_ == nullptr)
    return;
  limit_.Stop();
  gdk_functions::get().thaw_frames(std::exchange(frozen_, nullptr)); // the window frozen, whatever happened since
}

} // namespace client
