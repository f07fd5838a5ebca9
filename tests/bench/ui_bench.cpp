// ui_bench: the real wx client's path from a socket to the screen, measured
// inside the client's own event loop. Run it under an X server (xvfb-run).
//
//   ui_bench flood PORT LINES     B2: connect to a flooding peer (line_flood)
//                                 and time LINES lines into the traffic view
//   ui_bench latency PORT COUNT   B3: connect to an echo server and send COUNT
//                                 lines one at a time through the send bar,
//                                 timing each until its echo is in the view
//
// "In the view" is the moment the window has applied the batch holding it to
// the traffic view (its batch receiver's observer hook, where this bench
// counts the inbound frames); the list repaints in the same loop turn.
// While measuring, a 5 ms timer records the gaps between its ticks: a gap is
// how long the UI loop could not run anything else, and GTK's frame clock
// times each frame (update, layout and paint). Prints "key value" lines.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include <dlfcn.h>

#include <wx/init.h>
#include <wx/timer.h>

#include "actors/ui_sink.hpp"
#include "actors/wx/batch_receiver.hpp"
#include "client_app.hpp"
#include "connection_panel.hpp"
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

// Times each frame of the main window from GTK's frame clock: from
// "before-paint" to the end of "after-paint", the time the UI thread spends
// on a frame, in which it cannot take an echo. GTK is found at run time
// (like client-wx/frame_sync.cpp): its headers are no build dependency.
class frame_times {
public:
  explicit frame_times(wxWindow& window) {
    using get_clock_fn = void*(void*);
    using connect_fn = unsigned long(void*, const char*, void (*)(void*, void*), void*,
                                     void*, int);
    auto* get_clock = reinterpret_cast<get_clock_fn*>(dlsym(RTLD_DEFAULT, "gtk_widget_get_frame_clock"));
    auto* connect = reinterpret_cast<connect_fn*>(dlsym(RTLD_DEFAULT, "g_signal_connect_data"));
    if (!get_clock || !connect)
      return;
    void* clock = get_clock(window.GetHandle());
    if (clock == nullptr)
      return;
    constexpr int connect_after = 1; // G_CONNECT_AFTER
    connect(clock, "before-paint", &frame_times::on_before_paint, this, nullptr, 0);
    connect(clock, "after-paint", &frame_times::on_after_paint, this, nullptr, connect_after);
  }

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
    if (times.recording_)
      times.frames_ms_.push_back(ms_since(times.began_));
  }

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

// B3: one line at a time, each sent once the previous echo is in the view.
class ping_pong {
public:
  ping_pong(client::ClientApp& app, int count)
    : app_(app), count_(count), frames_(*app.Frame()) {}

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
      app_.CallAfter([this] { send_next(); });
    }};
    deadline limit{120};
    app_.OnRun();
  }

  void print() const {
    // The first lines warm caches and allocators; they are not "idle" figures.
    std::vector<double> steady(latencies_us_.begin() + std::min<std::size_t>(warmup, latencies_us_.size()),
                               latencies_us_.end());
    std::cout << "pings " << steady.size() << "\n"
              << "latency_p50_us " << percentile(steady, 0.5) << "\n"
              << "latency_p99_us " << percentile(steady, 0.99) << "\n"
              << "latency_max_us " << percentile(steady, 1.0) << "\n";
    gaps_.print();
    frames_.print();
  }

private:
  static constexpr std::size_t warmup = 20;

  void send_next() {
    if (static_cast<int>(latencies_us_.size()) >= count_) {
      gaps_.stop();
      frames_.stop();
      app_.ExitMainLoop();
      return;
    }
    auto& sender = app_.Frame()->Sender();
    sender.SetInput("ping " + std::to_string(latencies_us_.size()));
    sent_at_ = clock_type::now();
    sender.SendInput();
  }

  client::ClientApp& app_;
  int count_;
  wxTimer poll_;
  loop_gaps gaps_;
  frame_times frames_;
  std::uint64_t echoed_ = 0;
  clock_type::time_point sent_at_;
  std::vector<double> latencies_us_;
};

int usage() {
  std::cerr << "usage: ui_bench flood PORT LINES | ui_bench latency PORT COUNT\n"
               "Run it under an X server, e.g. xvfb-run -a ui_bench ...\n";
  return 2;
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 4)
    return usage();
  std::string mode = argv[1];
  long port = std::atol(argv[2]);
  long count = std::atol(argv[3]);
  if ((mode != "flood" && mode != "latency") || port <= 0 || port > 65535 || count <= 0)
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
    ping_pong pings{*app, static_cast<int>(count)};
    pings.run();
    pings.print();
  }
  app->OnExit();
  wxEntryCleanup();
  return 0;
}
