// ui_bench: the real wx client's path from a socket to the screen, measured
// inside the client's own event loop. Run it under an X server (xvfb-run).
//
//   ui_bench flood PORT LINES     B2: connect to a flooding peer (line_flood)
//                                 and time LINES lines into the traffic view
//   ui_bench latency PORT COUNT [PAUSE_MS]
//                                 B3: connect to an echo server and send COUNT
//                                 lines one at a time through the send bar,
//                                 each PAUSE_MS (default 0) after the previous
//                                 echo, timing each until its echo is in the
//                                 view and until it is on the screen
//
// "In the view" is the moment the window has applied the batch holding it to
// the traffic view (its batch receiver's observer hook, where this bench
// counts the inbound frames). "On the screen" is the end of the first frame
// after that: a frame of GTK's frame clock, or the window's paint right
// after a reply (client-wx/reply_hold.hpp), which includes the X server's
// drawing. While measuring, a 5 ms timer records the gaps between its
// ticks: a gap is how long the UI loop could not run anything else; and
// each frame is timed. Prints "key value" lines.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include <wx/init.h>
#include <wx/timer.h>

#include "actors/ui_sink.hpp"
#include "actors/wx/batch_receiver.hpp"
#include "client_app.hpp"
#include "connection_panel.hpp"
#include "gtk_symbols.hpp"
#include "main_frame.hpp"
#include "send_bar.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

double ms_since(clock_type::time_point start) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - start).count();
}

// The value of `p` (0..1) in `values`, by nearest rank.
double percentile(std::vector<double> values, double p) {
  if (values.empty())
    return 0;
  std::sort(values.begin(), values.end());
  auto rank = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[rank];
}

// A /proc/self/status field in KiB (VmRSS, VmHWM).
long status_kib(const std::string& field) {
  std::ifstream in{"/proc/self/status"};
  std::string key;
  long value = 0;
  while (in >> key) {
    if (key == field + ":") {
      in >> value;
      return value;
    }
    in.ignore(1 << 12, '\n');
  }
  return -1;
}

// Records the gaps between the ticks of a 5 ms timer on the UI loop.
class loop_gaps {
public:
  void start() {
    last_ = clock_type::now();
    timer_.Bind(wxEVT_TIMER, [this](wxTimerEvent&) {
      gaps_ms_.push_back(ms_since(last_));
      last_ = clock_type::now();
    });
    timer_.Start(5);
  }
  // The gap still open at the end counts too: the loop may be stuck in it.
  void stop() {
    timer_.Stop();
    gaps_ms_.push_back(ms_since(last_));
  }
  void print() const {
    std::cout << "ui_ticks " << gaps_ms_.size() << "\n"
              << "ui_gap_p99_ms " << percentile(gaps_ms_, 0.99) << "\n"
              << "ui_gap_max_ms " << percentile(gaps_ms_, 1.0) << "\n";
  }

private:
  wxTimer timer_;
  clock_type::time_point last_;
  std::vector<double> gaps_ms_;
};

// Times each frame of the main window, the time the UI thread spends on
// it, in which it cannot take an echo: from GTK's frame clock, from
// "before-paint" to the end of "after-paint", and the window's paints right
// after a reply. GTK is found at run time (client-wx/gtk_symbols.hpp): its
// headers are no build dependency. Calls `on_frame` after each frame.
class frame_times {
public:
  explicit frame_times(client::MainFrame& window, std::function<void()> on_frame = {})
    : window_(window), on_frame_(std::move(on_frame)) {
    window.Replies().ObservePaints([this](client::ReplyHold::duration took) {
      record(std::chrono::duration<double, std::milli>(took).count());
    });
    using get_clock_fn = void*(void*);
    using connect_fn = unsigned long(void*, const char*, void (*)(void*, void*), void*,
                                     void*, int);
    auto* get_clock = client::gtk_function<get_clock_fn>("gtk_widget_get_frame_clock");
    auto* connect = client::gtk_function<connect_fn>("g_signal_connect_data");
    if (!get_clock || !connect)
      return;
    void* clock = get_clock(window.GetHandle());
    if (clock == nullptr)
      return;
    constexpr int connect_after = 1; // G_CONNECT_AFTER
    connect(clock, "before-paint", &frame_times::on_before_paint, this, nullptr, 0);
    connect(clock, "after-paint", &frame_times::on_after_paint, this, nullptr, connect_after);
  }

  ~frame_times() { window_.Replies().ObservePaints(nullptr); }

  void start() { recording_ = true; }
  void stop() { recording_ = false; }

  void print() const {
    std::cout << "frames " << frames_ms_.size() << "\n"
              << "frame_p50_ms " << percentile(frames_ms_, 0.5) << "\n"
              << "frame_p99_ms " << percentile(frames_ms_, 0.99) << "\n";
  }

private:
  static void on_before_paint(void*, void* self) {
    static_cast<frame_times*>(self)->began_ = clock_type::now();
  }
  static void on_after_paint(void*, void* self) {
    auto& times = *static_cast<frame_times*>(self);
    times.record(ms_since(times.began_));
  }

  void record(double ms) {
    if (recording_)
      frames_ms_.push_back(ms);
    if (on_frame_)
      on_frame_();
  }

  client::MainFrame& window_;
  std::function<void()> on_frame_;
  bool recording_ = false;
  clock_type::time_point began_;
  std::vector<double> frames_ms_;
};

// Counts the inbound frames the window has shown, calling `on_shown` with
// the total on the UI thread right after each batch is applied.
class shown_frames {
public:
  shown_frames(client::ClientApp& app, std::function<void(std::uint64_t)> on_shown)
    : receiver_(app.Frame()->Batches()) {
    receiver_.observe([this, on_shown](const actors::ui_batch& batch) {
      for (auto& event : batch.events)
        if (event.kind == actors::ui_event_kind::frame
            && event.dir == actors::direction::in)
          ++count_;
      on_shown(count_);
    });
  }
  ~shown_frames() { receiver_.observe(nullptr); }

  std::uint64_t count() const { return count_; }

private:
  actors::wx::batch_receiver& receiver_;
  std::uint64_t count_ = 0;
};

// Gives up on a run that does not finish: a benchmark must not hang.
class deadline {
public:
  explicit deadline(int seconds) {
    timer_.Bind(wxEVT_TIMER, [](wxTimerEvent&) {
      std::cerr << "error: ui_bench did not finish in time\n";
      std::exit(1);
    });
    timer_.StartOnce(seconds * 1000);
  }

private:
  wxTimer timer_;
};

// B2: lines/s from the first line shown to the last, the loop's gaps, memory.
void measure_flood(client::ClientApp& app, std::uint64_t lines) {
  // Measured from the first line shown, like the lines/s: the window's
  // start-up (first layout and paint, font loading) is not the flood.
  loop_gaps gaps;
  frame_times frames{*app.Frame()};
  clock_type::time_point first{};
  double seconds = 0;
  shown_frames shown_so_far{app, [&](std::uint64_t shown) {
    if (first == clock_type::time_point{} && shown > 0) {
      first = clock_type::now();
      gaps.start();
      frames.start();
    }
    if (shown >= lines && seconds == 0) {
      seconds = ms_since(first) / 1000;
      gaps.stop();
      frames.stop();
      app.ExitMainLoop();
    }
  }};
  deadline limit{600};
  app.OnRun();
  std::cout << "lines " << shown_so_far.count() << "\n"
            << "lines_per_second " << static_cast<double>(lines) / seconds << "\n"
            << "rss_kib " << status_kib("VmRSS") << "\n"
            << "peak_rss_kib " << status_kib("VmHWM") << "\n";
  gaps.print();
  frames.print();
}

// B3: one line at a time, each sent once the previous echo is in the view
// (or a pause after that).
class ping_pong {
public:
  ping_pong(client::ClientApp& app, int count, int pause_ms)
    : app_(app), count_(count), pause_ms_(pause_ms),
      frames_(*app.Frame(), [this] { on_frame(); }) {
    pause_.Bind(wxEVT_TIMER, [this](wxTimerEvent&) { send_next(); });
  }

  void run() {
    // Wait for the connection, as a user would before typing.
    poll_.Bind(wxEVT_TIMER, [this](wxTimerEvent&) {
      if (app_.Frame()->Connections().OpenCount() == 1) {
        poll_.Stop();
        gaps_.start();
        frames_.start();
        send_next();
      }
    });
    poll_.Start(10);
    shown_frames shown_so_far{app_, [this](std::uint64_t shown) {
      if (shown <= echoed_)
        return; // a batch without our echo (the outbound line, a state change)
      echoed_ = shown;
      latencies_us_.push_back(ms_since(sent_at_) * 1000);
      awaiting_screen_ = true;
      if (pause_ms_ > 0)
        pause_.StartOnce(pause_ms_);
      else
        app_.CallAfter([this] { send_next(); });
    }};
    deadline limit{120};
    app_.OnRun();
  }

  void print() const {
    // The first lines warm caches and allocators; they are not "idle" figures.
    std::vector<double> view(latencies_us_.begin() + std::min<std::size_t>(warmup, latencies_us_.size()),
                             latencies_us_.end());
    auto& screen = on_screen_us_; // warm-up skipped when recorded
    std::cout << "pings " << view.size() << "\n"
              << "latency_p50_us " << percentile(view, 0.5) << "\n"
              << "latency_p99_us " << percentile(view, 0.99) << "\n"
              << "latency_max_us " << percentile(view, 1.0) << "\n"
              << "screen_pings " << screen.size() << "\n"
              << "screen_p50_us " << percentile(screen, 0.5) << "\n"
              << "screen_p99_us " << percentile(screen, 0.99) << "\n";
    gaps_.print();
    frames_.print();
  }

private:
  static constexpr std::size_t warmup = 20;

  // The first frame after an echo was applied puts it on the screen. Back
  // to back, the next line is often sent first: that echo has no time.
  void on_frame() {
    if (!awaiting_screen_)
      return;
    awaiting_screen_ = false;
    if (latencies_us_.size() > warmup)
      on_screen_us_.push_back(ms_since(sent_at_) * 1000);
  }

  void send_next() {
    if (static_cast<int>(latencies_us_.size()) >= count_) {
      gaps_.stop();
      frames_.stop();
      app_.ExitMainLoop();
      return;
    }
    auto& sender = app_.Frame()->Sender();
    awaiting_screen_ = false;
    sender.SetInput("ping " + std::to_string(latencies_us_.size()));
    sent_at_ = clock_type::now();
    sender.SendInput();
  }

  client::ClientApp& app_;
  int count_;
  int pause_ms_;
  wxTimer poll_;
  wxTimer pause_;
  loop_gaps gaps_;
  frame_times frames_;
  std::uint64_t echoed_ = 0;
  clock_type::time_point sent_at_;
  std::vector<double> latencies_us_;
  bool awaiting_screen_ = false;
  std::vector<double> on_screen_us_;
};

int usage() {
  std::cerr << "usage: ui_bench flood PORT LINES | ui_bench latency PORT COUNT [PAUSE_MS]\n"
               "Run it under an X server, e.g. xvfb-run -a ui_bench ...\n";
  return 2;
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 4 && argc != 5)
    return usage();
  std::string mode = argv[1];
  long port = std::atol(argv[2]);
  long count = std::atol(argv[3]);
  long pause_ms = argc == 5 ? std::atol(argv[4]) : 0;
  if ((mode != "flood" && mode != "latency") || port <= 0 || port > 65535 || count <= 0
      || pause_ms < 0 || pause_ms > 60'000 || (mode == "flood" && argc == 5))
    return usage();
  if (std::getenv("DISPLAY") == nullptr) {
    std::cerr << "error: DISPLAY is not set: run ui_bench under xvfb-run\n";
    return 2;
  }
  client::ClientOptions options;
  options.connects.emplace_back("127.0.0.1", static_cast<std::uint16_t>(port));
  auto* app = new client::ClientApp(options);
  wxApp::SetInstance(app);
  int wx_argc = 1;
  char* wx_argv[] = {argv[0], nullptr};
  if (!wxEntryStart(wx_argc, wx_argv) || !app->CallOnInit()) {
    std::cerr << "error: cannot start wx\n";
    return 1;
  }
  if (mode == "flood") {
    measure_flood(*app, static_cast<std::uint64_t>(count));
  } else {
    ping_pong pings{*app, static_cast<int>(count), static_cast<int>(pause_ms)};
    pings.run();
    pings.print();
  }
  app->OnExit();
  wxEntryCleanup();
  return 0;
}
