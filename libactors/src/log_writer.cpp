#include "actors/log_writer.hpp"

#include <deque>
#include <string>
#include <optional>
#include <utility>
#include <vector>

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/error.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/connection_protocol.hpp"
#include "actors/event_source.hpp"
#include "actors/metrics.hpp"
#include "log_file.hpp"

namespace actors {

namespace {

using detail::tick_atom;

// Formatted lines waiting for the disk, cut into chunks of whole lines.
struct chunk {
  std::string data;
  std::uint64_t records = 0;
};

// A batch request waiting for room in the backlog.
struct waiting_batch {
  caf::response_promise promise;
  std::vector<log_record> records;
};

// A flush or close waiting until `mark` bytes were written.
struct waiting_flush {
  caf::response_promise promise;
  std::uint64_t mark = 0;
};

struct front_state {
  log_writer_options options;
  caf::actor file;
  std::deque<chunk> backlog;
  std::uint64_t backlog_bytes = 0;
  bool chunk_in_flight = false;
  // Totals, in bytes, of what entered the backlog and what reached the OS.
  std::uint64_t bytes_accepted = 0;
  std::uint64_t dropped_unreported = 0;
  std::deque<waiting_batch> waiting_batches;
  std::deque<waiting_flush> waiting_flushes;
  std::vector<caf::actor> subscribers;
  bool closing = false;
  bool close_under_way = false;
  // The failure under way, between a log_error and the next log_recovered;
  // a subscriber that arrives meanwhile is told at once.
  std::optional<log_error> failing;
  std::vector<caf::response_promise> close_promises;
  log_stats stats;

  static inline const char* name = "actors.log_writer";
};

using front_actor = caf::stateful_actor<front_state>;

bool backlog_full(const front_state& st) {
  return st.backlog_bytes >= st.options.max_backlog_bytes;
}

void append(front_state& st, log_record& record) {
  if (record.time.count() == 0)
    record.time = wall_clock_now();
  if (st.backlog.empty() || st.backlog.back().data.size() >= st.options.chunk_bytes)
    st.backlog.emplace_back();
  auto& last = st.backlog.back();
  auto before = last.data.size();
  append_log_line(last.data, record);
  ++last.records;
  auto added = last.data.size() - before;
  st.backlog_bytes += added;
  st.bytes_accepted += added;
  st.stats.peak_backlog_bytes = std::max(st.stats.peak_backlog_bytes, st.backlog_bytes);
}

template <class Event>
void notify(front_actor* self, const Event& event) {
  for (auto& subscriber : self->state.subscribers)
    self->send(subscriber, event);
}

// Once there is room again, drops become an event and a record of their own.
void report_drops(front_actor* self) {
  auto& st = self->state;
  if (st.dropped_unreported == 0 || backlog_full(st))
    return;
  auto count = st.dropped_unreported;
  st.dropped_unreported = 0;
  auto record = make_log_record("log_writer", direction::event,
                                std::to_string(count)
                                  + " records dropped: the disk fell behind",
                                log_level::warning);
  ++st.stats.records_received; // its own: received = written + dropped + backlog
  append(st, record);
  notify(self, log_dropped{count});
}

// Hands the oldest chunk to the file actor if it is idle and the chunk is
// due: full, or a flush, close or the interval asks for it.
void write_next(front_actor* self, bool interval_due) {
  auto& st = self->state;
  if (st.chunk_in_flight || st.close_under_way || st.backlog.empty())
    return;
  auto& first = st.backlog.front();
  bool due = interval_due || st.closing || !st.waiting_flushes.empty()
             || first.data.size() >= st.options.chunk_bytes || st.backlog.size() > 1;
  if (!due)
    return;
  st.chunk_in_flight = true;
  auto next = std::move(first);
  st.backlog.pop_front();
  self->send(st.file, detail::write_chunk_atom::value, std::move(next.data),
             next.records);
}

void admit_waiting_batches(front_actor* self) {
  auto& st = self->state;
  while (!st.waiting_batches.empty() && !backlog_full(st)) {
    auto& waiting = st.waiting_batches.front();
    for (auto& record : waiting.records)
      append(st, record);
    waiting.promise.deliver(log_ack_atom::value);
    st.waiting_batches.pop_front();
  }
}

std::uint64_t bytes_written(const front_state& st) {
  return st.stats.bytes_written;
}

log_stats current_stats(const front_state& st) {
  auto result = st.stats;
  result.backlog_bytes = st.backlog_bytes;
  result.backlog_records = result.records_received - result.records_written
                           - result.records_dropped;
  return result;
}

actor_metrics writer_metrics(front_actor* self) {
  auto stats = current_stats(self->state);
  actor_metrics m;
  m.kind = "log_writer";
  m.id = self->id();
  m.name = "log " + self->state.options.path;
  m.state = self->state.closing ? "closing" : self->state.failing ? "failing" : "writing";
  m.mailbox = self->mailbox().size();
  m.add("records_received_total", metric_type::counter, stats.records_received);
  m.add("records_written_total", metric_type::counter, stats.records_written);
  m.add("records_dropped_total", metric_type::counter, stats.records_dropped);
  m.add("bytes_written_total", metric_type::counter, stats.bytes_written);
  m.add("rotations_total", metric_type::counter, stats.rotations);
  m.add("failures_total", metric_type::counter, stats.failures);
  m.add("backlog_bytes", metric_type::gauge, stats.backlog_bytes);
  m.add("backlog_records", metric_type::gauge, stats.backlog_records);
  return m;
}

// Quits, handing a registry (if any) the last figures first.
void quit_with_metrics(front_actor* self, caf::error reason = {}) {
  if (auto& registry = self->state.options.metrics)
    self->send(registry, metrics_retire_atom_v, writer_metrics(self));
  self->quit(std::move(reason));
}

void finish_if_done(front_actor* self) {
  auto& st = self->state;
  if (!st.closing || st.close_under_way)
    return;
  // While the file works, close once everything is written. While it fails,
  // waiting could take forever: hand over the rest for one last attempt.
  if (!st.failing
      && (st.chunk_in_flight || !st.backlog.empty() || !st.waiting_batches.empty()))
    return;
  admit_waiting_batches(self);
  std::string rest;
  for (auto& pending : st.backlog)
    rest += pending.data;
  st.backlog.clear();
  st.close_under_way = true;
  self->request(st.file, caf::infinite, detail::sync_close_atom::value, std::move(rest))
    .then([=](detail::sync_close_atom, std::uint64_t lost) {
      auto& st = self->state;
      if (lost == 0) {
        for (auto& promise : st.close_promises)
          promise.deliver(log_ack_atom::value);
      } else {
        // Never silently: whoever closes learns what the failing file lost.
        st.stats.records_dropped += lost;
        auto why = st.failing ? st.failing->message : st.options.path;
        auto failure = caf::make_error(error_kind::io_failure,
                                       std::to_string(lost) + " records could not be written: "
                                         + why);
        for (auto& promise : st.close_promises)
          promise.deliver(failure);
      }
      quit_with_metrics(self);
    });
}

void on_chunk_done(front_actor* self, std::uint64_t bytes, std::uint64_t records,
                   std::uint64_t rotations) {
  auto& st = self->state;
  st.chunk_in_flight = false;
  st.backlog_bytes -= bytes;
  st.stats.bytes_written += bytes;
  st.stats.records_written += records;
  st.stats.rotations += rotations;
  while (!st.waiting_flushes.empty()
         && st.waiting_flushes.front().mark <= bytes_written(st)) {
    st.waiting_flushes.front().promise.deliver(log_ack_atom::value);
    st.waiting_flushes.pop_front();
  }
  admit_waiting_batches(self);
  report_drops(self);
  write_next(self, false);
  finish_if_done(self);
}

void on_record(front_actor* self, log_record& record) {
  auto& st = self->state;
  ++st.stats.records_received;
  if (backlog_full(st)) {
    ++st.stats.records_dropped;
    ++st.dropped_unreported;
    return;
  }
  append(st, record);
  write_next(self, false);
}

// While the file fails, waiting for room could take forever (the disk may
// never come back), and so would the producer waiting for the answer. So in
// a failure episode a batch that finds no room is dropped and counted like a
// fire-and-forget record, and its request answered with an error.
caf::error drop_batch(front_state& st, std::size_t records) {
  st.stats.records_dropped += records;
  st.dropped_unreported += records;
  return caf::make_error(error_kind::io_failure,
                         "the log file is failing: " + std::to_string(records)
                           + " records dropped");
}

void drop_waiting_batches(front_actor* self) {
  auto& st = self->state;
  for (auto& waiting : st.waiting_batches)
    waiting.promise.deliver(drop_batch(st, waiting.records.size()));
  st.waiting_batches.clear();
}

caf::result<log_ack_atom> on_batch(front_actor* self, std::vector<log_record>& records) {
  auto& st = self->state;
  st.stats.records_received += records.size();
  if (st.failing && backlog_full(st))
    return drop_batch(st, records.size());
  if (backlog_full(st) || !st.waiting_batches.empty()) {
    auto promise = self->make_response_promise();
    st.waiting_batches.push_back({promise, std::move(records)});
    return promise;
  }
  for (auto& record : records)
    append(st, record);
  write_next(self, false);
  return log_ack_atom::value;
}

caf::result<log_ack_atom> on_flush(front_actor* self) {
  auto& st = self->state;
  if (st.bytes_accepted == bytes_written(st))
    return log_ack_atom::value;
  auto promise = self->make_response_promise();
  st.waiting_flushes.push_back({promise, st.bytes_accepted});
  write_next(self, false);
  return promise;
}

caf::response_promise begin_close(front_actor* self) {
  auto& st = self->state;
  auto promise = self->make_response_promise();
  st.close_promises.push_back(promise);
  st.closing = true;
  write_next(self, false);
  finish_if_done(self);
  return promise;
}


caf::behavior log_front(front_actor* self, log_writer_options options) {
  auto& st = self->state;
  ignore_what_comes_back(self); // what subscribers do with events is theirs
  st.options = std::move(options);
  st.options.chunk_bytes = std::max<std::size_t>(st.options.chunk_bytes, 1);
  st.file = self->spawn<caf::detached + caf::linked>(detail::log_file,
                                                     caf::actor{self}, st.options);
  // An exit message closes like close_atom: records already in the mailbox
  // are handled first, because the close request queues behind them.
  self->set_exit_handler([=](caf::exit_msg& msg) {
    if (msg.source == self->state.file) {
      quit_with_metrics(self, msg.reason);
      return;
    }
    self->send(self, close_atom::value);
  });
  self->delayed_send(self, st.options.flush_interval, tick_atom::value);
  if (st.options.metrics)
    self->send(st.options.metrics, metrics_register_atom_v, caf::actor{self});
  return {
    [=](log_record& record) { on_record(self, record); },
    [=](std::vector<log_record>& records) { return on_batch(self, records); },
    [=](log_flush_atom) { return on_flush(self); },
    [=](log_subscribe_atom, caf::actor subscriber) {
      if (self->state.failing)
        self->send(subscriber, *self->state.failing);
      self->state.subscribers.push_back(std::move(subscriber));
    },
    [=](log_stats_atom) { return current_stats(self->state); },
    [=](metrics_atom) { return writer_metrics(self); },
    [=](close_atom) -> caf::result<log_ack_atom> { return begin_close(self); },
    // The answer to the close the exit handler sent to this actor itself.
    [=](log_ack_atom) {},
    [=](detail::chunk_done_atom, std::uint64_t bytes, std::uint64_t records,
        std::uint64_t rotations) {
      on_chunk_done(self, bytes, records, rotations);
    },
    [=](const log_error& event) {
      ++self->state.stats.failures;
      self->state.failing = event;
      drop_waiting_batches(self);
      notify(self, event);
      finish_if_done(self);
    },
    [=](const log_recovered& event) {
      self->state.failing.reset();
      notify(self, event);
    },
    [=](tick_atom) {
      write_next(self, true);
      self->delayed_send(self, self->state.options.flush_interval, tick_atom::value);
    },
  };
}

} // namespace

const char* to_string(log_failure failure) noexcept {
  switch (failure) {
    case log_failure::open_failed: return "open_failed";
    case log_failure::write_failed: return "write_failed";
    case log_failure::rotate_failed: return "rotate_failed";
  }
  return "write_failed";
}

log_writer_actor spawn_log_writer(caf::actor_system& system, log_writer_options options) {
  return caf::actor_cast<log_writer_actor>(system.spawn(log_front, std::move(options)));
}

std::string describe_rotation(const log_writer_options& options, const std::string& name) {
  if (options.max_file_size == 0)
    return "never rotated";
  constexpr std::size_t mib = 1024 * 1024;
  auto size = options.max_file_size % mib == 0
                ? std::to_string(options.max_file_size / mib) + " MiB"
                : std::to_string(options.max_file_size) + " bytes";
  if (options.keep_files == 0)
    return "rotated at " + size + ": the older lines are not kept";
  if (options.keep_files == 1)
    return "rotated at " + size + ": " + name + ".1 keeps the older lines";
  return "rotated at " + size + ": " + name + ".1 .. " + name + "."
         + std::to_string(options.keep_files) + " keep the older lines";
}

log_record make_log_record(std::string source, direction dir,
                           std::string payload, log_level level) {
  log_record record;
  record.time = wall_clock_now();
  record.source = std::move(source);
  record.dir = dir;
  record.level = level;
  record.payload = std::move(payload);
  return record;
}

} // namespace actors
